/// The evaluation metrics of InstructEdit (docs/INSTRUCTEDIT.md), as pure functions of token ids,
/// argmaxes and log-likelihoods; the model stays out. Per-record scores are in 0...1 and are
/// averaged over records and reported ×100 by `MetricMean`.
public enum Metrics {
    /// Teacher-forced token accuracy (Reliability, Generalization, Portability): the share of answer
    /// tokens that the argmax at the previous position predicts exactly. `predicted[k]` is the
    /// argmax at `TeacherForcing.positions[k]`.
    public static func tokenAccuracy(predicted: [Int], answer: [Int]) throws -> Double {
        try share(predicted, answer, what: "token accuracy") { $0 == $1 }
    }

    /// Locality: the share of answer positions where the argmax after the edit equals the argmax
    /// before it (the answer only decides which positions are compared).
    public static func localityAgreement(before: [Int], after: [Int]) throws -> Double {
        try share(before, after, what: "locality") { $0 == $1 }
    }

    /// How portability scores a question with several acceptable answers (aliases).
    public enum AliasChoice: String, Sendable, CaseIterable, Decodable {
        /// The canonical (first) alias only: the conservative figure, as in EasyEdit's
        /// single-answer evaluation.
        case first
        /// The alias with the highest token accuracy: an upper bound (short aliases such as "US"
        /// are easy to hit).
        case best
    }

    /// The alias choice the evaluation reports.
    public static let reportedAliasChoice = AliasChoice.first

    /// Portability for one question: token accuracy of each alias's teacher-forced answer, combined
    /// by `choice`. With `.first` only `aliases[0]` is used, so callers may pass just that one.
    public static func portabilityAccuracy(aliases: [(predicted: [Int], answer: [Int])],
                                           choice: AliasChoice = reportedAliasChoice) throws -> Double {
        guard let first = aliases.first else { throw InstructEditError("portability: no answer given") }
        switch choice {
        case .first:
            return try tokenAccuracy(predicted: first.predicted, answer: first.answer)
        case .best:
            return try aliases.map { try tokenAccuracy(predicted: $0.predicted, answer: $0.answer) }.max() ?? 0
        }
    }

    /// The plain mean, for averaging one record's probes (rephrases, locality prompts, portability
    /// questions); nil when the record has none.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func share<A, B>(_ a: [A], _ b: [B], what: String, _ hit: (A, B) -> Bool) throws -> Double {
        guard a.count == b.count else {
            throw InstructEditError("\(what): \(a.count) predictions for \(b.count) answer tokens")
        }
        guard !a.isEmpty else { throw InstructEditError("\(what): no answer tokens") }
        return Double(zip(a, b).filter(hit).count) / Double(a.count)
    }
}
