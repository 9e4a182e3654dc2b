import Foundation

extension MENDEditor: KnowledgeEditor {
    public var method: String { "mend" }

    /// "MEND editor rank 576, 9 inner weights".
    public var summary: String {
        let n = config.innerWeights.count
        return "MEND editor rank \(config.rank), \(n) inner weight\(n == 1 ? "" : "s")"
    }

    public var weightNames: [String]? { config.innerWeights.map(\.name) }

    /// The model parameters this editor changes, checked against the model by name and shape.
    public func targets(in model: LanguageModel) throws -> EditTargets {
        let t = try EditTargets.named(config.innerWeights.map(\.name), in: model.network)
        for (p, inner) in zip(t.params, config.innerWeights) where p.rows != inner.rows || p.cols != inner.cols {
            throw InstructEditError("editor weight '\(inner.name)' is [\(inner.rows), \(inner.cols)] but the model's is [\(p.rows), \(p.cols)]: this editor belongs to another model")
        }
        return t
    }

    public func editInputs(_ model: LanguageModel, _ requests: [EditRequest]) throws -> [[Int]] {
        try sequences(model, requests, seed: config.seed).map(\.input)
    }

    /// docs/MEND.md "Applying an edit": capture (u, δ) for the target NLL, transform them with the
    /// editor, and apply W̃ = W − α ∇̃W to every inner weight. Several requests are one batch edit.
    public func edit(_ model: LanguageModel, _ requests: [EditRequest]) throws -> AppliedEdit {
        let start = Date()
        let targets = try self.targets(in: model)
        let seqs = try sequences(model, requests, seed: config.seed)
        let rows = try EditGradients.capture(model, targets: targets, sequences: seqs)
        let transformed = try transformForEdit(u: rows.u, delta: rows.delta, rows: rows.rows)
        let originals = AppliedEdit.snapshot(model, targets.params)
        for (k, p) in targets.params.enumerated() { applyEdit(transformed[k], to: model.network.mutablePointer(p)) }
        return try AppliedEdit(model: model, method: method, requests: requests, originals: originals,
                           lossBefore: rows.loss, seconds: Date().timeIntervalSince(start),
                           deltaNorms: transformed.map(deltaNorm))
    }
}
