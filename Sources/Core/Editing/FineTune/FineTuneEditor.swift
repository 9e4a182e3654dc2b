import Foundation

/// FT-L (Zhu et al. 2020, as in EasyEdit): fine-tune the inner weights on the target NLL with Adam,
/// keeping every weight within ±`eps` of its original value (an L∞ constraint).
public final class FineTuneEditor: KnowledgeEditor, @unchecked Sendable {
    public var method: String { "ft-l" }
    public var steps: Int
    public var learningRate: Float
    public var eps: Float
    /// The weights it fine-tunes (default: the MLPs of the last three blocks).
    public var choice: TargetChoice
    /// The weights resolved on the last model it met (for `weightNames`).
    private var lastResolved: [String]?

    public init(steps: Int = 10, learningRate: Float = 5e-4, eps: Float = 5e-4, targets: TargetChoice = .default) throws {
        guard steps >= 1 else { throw InstructEditError("ft: 'steps' must be at least 1, got \(steps)") }
        guard learningRate > 0, learningRate.isFinite else { throw InstructEditError("ft: 'lr' must be positive, got \(learningRate)") }
        guard eps > 0, eps.isFinite else { throw InstructEditError("ft: 'eps' must be positive, got \(eps)") }
        self.steps = steps; self.learningRate = learningRate; self.eps = eps; self.choice = targets
    }

    /// Inner weight names; nil = the default (MLPs of the last three blocks).
    public convenience init(steps: Int = 10, learningRate: Float = 5e-4, eps: Float = 5e-4, targetNames: [String]?) throws {
        try self.init(steps: steps, learningRate: learningRate, eps: eps, targets: targetNames.map { .named($0) } ?? .default)
    }

    /// "FT-L editor (10 steps, lr 0.0005, eps 0.0005, the MLPs of the last 3 blocks)".
    public var summary: String {
        "FT-L editor (\(steps) steps, lr \(Self.short(learningRate)), eps \(Self.short(eps)), \(choice.summary))"
    }

    public var weightNames: [String]? {
        if case .named(let names) = choice { return names }
        return lastResolved
    }

    public func targets(in model: LanguageModel) throws -> EditTargets {
        let t = try choice.resolve(in: model)
        lastResolved = t.params.map(\.name)
        return t
    }

    static func short(_ x: Float) -> String { String(format: "%g", Double(x)) }

    public func editInputs(_ model: LanguageModel, _ requests: [EditRequest]) throws -> [[Int]] {
        try sequences(model, requests, seed: 0).map(\.input)
    }

    public func edit(_ model: LanguageModel, _ requests: [EditRequest]) throws -> AppliedEdit {
        let start = Date()
        let w = model.network
        let targets = try self.targets(in: model)
        let seqs = try sequences(model, requests, seed: 0)
        // Nothing below the lowest inner block changes: its residual stream is computed once (or
        // read from what an evaluation lends).
        let residuals = try model.lentResiduals(for: seqs.map(\.input), from: targets.lowestBlock)
            ?? seqs.map { try w.residual(tokens: $0.input, atBlock: targets.lowestBlock) }
        let originals = AppliedEdit.snapshot(model, targets.params)
        let grads = GradientBuffers(targets.params)
        var optimisers = targets.params.map { Adam(count: $0.count, learningRate: learningRate) }
        var firstLoss: Float = 0
        do {
            for step in 0..<steps {
                try Interrupt.check()
                grads.zero()
                var loss: Float = 0
                for (s, seq) in seqs.enumerated() {
                    let trace = try w.forward(tokens: seq.input, from: targets.lowestBlock, residual: residuals[s])
                    let logits = try w.logits(trace, positions: seq.positions)
                    var (l, dLogits) = try Loss.nll(logits: logits, vocab: w.vocabularySize, targets: seq.answer)
                    loss += l / Float(seqs.count)
                    for i in dLogits.indices { dLogits[i] /= Float(seqs.count) }
                    try w.backward(trace, positions: seq.positions, dLogits: dLogits, gradients: grads.sink, captures: [])
                }
                if step == 0 { firstLoss = loss }
                for (k, p) in targets.params.enumerated() {
                    let weight = w.mutableBuffer(p)
                    try optimisers[k].update(weight, gradients: UnsafeBufferPointer(grads.buffers[k]))
                    let original = originals[k].1
                    for i in 0..<p.count {
                        weight[i] = min(max(weight[i], original[i] - eps), original[i] + eps)
                    }
                }
            }
        } catch {
            for (p, old) in originals { _ = old.withUnsafeBufferPointer { w.mutableBuffer(p).update(fromContentsOf: $0) } }
            throw error
        }
        return try AppliedEdit(model: model, method: method, requests: requests, originals: originals,
                           lossBefore: firstLoss, seconds: Date().timeIntervalSince(start))
    }
}
