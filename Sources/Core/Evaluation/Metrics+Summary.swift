/// One metric averaged over records, ×100, with the number of records that have it.
public struct MetricMean: Sendable, Equatable {
    /// 0...100.
    public let value: Double
    public let n: Int

    /// `perRecord` holds each record's score in 0...1; nil for a record without this metric (e.g.
    /// no portability question), left out of the mean. nil when no record has the metric.
    public init?(perRecord: [Double?]) throws {
        let present = perRecord.compactMap { $0 }
        if let bad = present.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw InstructEditError("a per-record score must be in 0...1, got \(bad)")
        }
        guard let mean = Metrics.mean(present) else { return nil }
        value = 100 * mean
        n = present.count
    }
}

/// One record's scores in 0...1, each already averaged over the record's probes (`Metrics.mean`);
/// nil where the record has no probe of that kind.
public struct RecordScores: Sendable, Equatable {
    public var reliability: Double?
    public var generalization: Double?
    public var locality: Double?
    public var portability: Double?
    /// Locality on same-relation neighbours (`EditRecord.neighbours`), against the unedited
    /// model's own greedy answers.
    public var neighbourhood: Double?
    /// Reliability on the plain edit prompt, scored when edits are made with instruction-rendered
    /// prompts: does the edit carry outside the instruction context?
    public var plainReliability: Double?

    public init(reliability: Double? = nil, generalization: Double? = nil, locality: Double? = nil,
                portability: Double? = nil, neighbourhood: Double? = nil, plainReliability: Double? = nil) {
        self.reliability = reliability
        self.generalization = generalization
        self.locality = locality
        self.portability = portability
        self.neighbourhood = neighbourhood
        self.plainReliability = plainReliability
    }
}

/// The four metrics over a test set: per record, then averaged, ×100 (`n` = records evaluated).
public struct ScoreSummary: Sendable, Equatable {
    public let reliability: MetricMean?
    public let generalization: MetricMean?
    public let locality: MetricMean?
    public let portability: MetricMean?
    public let neighbourhood: MetricMean?
    public let plainReliability: MetricMean?
    public let n: Int

    public init(_ records: [RecordScores]) throws {
        reliability = try MetricMean(perRecord: records.map(\.reliability))
        generalization = try MetricMean(perRecord: records.map(\.generalization))
        locality = try MetricMean(perRecord: records.map(\.locality))
        portability = try MetricMean(perRecord: records.map(\.portability))
        neighbourhood = try MetricMean(perRecord: records.map(\.neighbourhood))
        plainReliability = try MetricMean(perRecord: records.map(\.plainReliability))
        n = records.count
    }
}
