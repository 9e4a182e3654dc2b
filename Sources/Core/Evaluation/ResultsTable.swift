import Foundation

/// Evaluation results of several methods on several tasks, as Markdown tables and JSON.
public struct ResultsTable: Sendable {
    public struct Row: Sendable {
        public var method: String
        public var result: EvaluationResult
        public init(method: String, result: EvaluationResult) { self.method = method; self.result = result }
    }
    public var rows: [Row] = []
    /// The rows the whole evaluation will have; while fewer are in, the table says it is partial
    /// (a file written after each run, then interrupted, must not pass for a finished one).
    public var plannedRows: Int?
    public init() {}

    public var isPartial: Bool { plannedRows.map { rows.count < $0 } ?? false }

    public static func cell(_ m: MetricMean?) -> String { m.map { String(format: "%.2f", $0.value) } ?? "–" }

    /// One table per task: methods as rows, Reliability (and on the plain prompt, for instruction-rendered
    /// rows) / Generalization / Locality / Neighbourhood / Portability.
    public func markdown() -> String {
        var out = isPartial ? "**Partial results: \(rows.count) of \(plannedRows ?? 0) runs finished.**\n\n" : ""
        let tasks = rows.map(\.result.task).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for task in tasks {
            let rs = rows.filter { $0.result.task == task }
            out += "#### \(task) (n = \(rs.first?.result.summary.n ?? 0))\n\n"
            out += "| method | Reliability | Rel. (plain prompt) | Generalization | Locality | Neighbourhood | Portability | s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
            for r in rs {
                let s = r.result.summary
                out += "| \(r.method) | \(Self.cell(s.reliability)) | \(Self.cell(s.plainReliability)) | \(Self.cell(s.generalization)) | \(Self.cell(s.locality)) | \(Self.cell(s.neighbourhood)) | \(Self.cell(s.portability)) | \(String(format: "%.0f", r.result.seconds)) |\n"
            }
            out += "\n"
        }
        return out
    }

    public func json() throws -> String {
        func metric(_ m: MetricMean?) -> Any { m.map { ["value": $0.value, "n": $0.n] as [String: Any] } ?? NSNull() }
        let list: [[String: Any]] = rows.map { r in
            let s = r.result.summary
            let partial: [String: Any] = isPartial ? ["partial": true] : [:]
            return partial.merging(["method": r.method, "task": r.result.task, "n": s.n, "seconds": r.result.seconds,
                    "instruct": r.result.options.instruct, "unseen": r.result.options.unseen,
                    "reliability": metric(s.reliability), "generalization": metric(s.generalization),
                    "locality": metric(s.locality), "neighbourhood": metric(s.neighbourhood),
                    "portability": metric(s.portability), "reliability_plain": metric(s.plainReliability)]) { a, _ in a }
        }
        let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
