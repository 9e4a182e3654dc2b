import Foundation

/// An untrained MEND editor whose networks start as the identity (an edit is then a scaled
/// gradient step). Its inner weights depend on the model, so it is built for the first model it
/// meets and is that editor from then on.
public final class UntrainedMEND: KnowledgeEditor, @unchecked Sendable {
    public let rank: Int
    public let choice: TargetChoice
    public let stepSize: Float
    public let seed: UInt64
    /// The editor, once a model has been met.
    public private(set) var built: MENDEditor?

    public init(rank: Int = MENDConfig.defaultRank, targets: TargetChoice = .default, stepSize: Float = 1e-4, seed: UInt64 = 0) {
        self.rank = rank; self.choice = targets; self.stepSize = stepSize; self.seed = seed
    }

    public var method: String { "mend" }

    public var summary: String {
        if let built { return built.summary + ", untrained" }
        return "MEND editor rank \(rank), \(choice.summary), untrained (built for the first model it edits)"
    }

    public var weightNames: [String]? {
        if let built { return built.weightNames }
        if case .named(let names) = choice { return names }
        return nil
    }

    /// The editor for `model`: built on the first call.
    public func editor(for model: LanguageModel) throws -> MENDEditor {
        if let built { return built }
        let targets = try choice.resolve(in: model)
        let config = MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: rank,
                                initialStepSize: stepSize, seed: seed)
        let editor = try MENDEditor(config: config)
        built = editor
        return editor
    }

    public func targets(in model: LanguageModel) throws -> EditTargets { try editor(for: model).targets(in: model) }

    public func edit(_ model: LanguageModel, _ requests: [EditRequest]) throws -> AppliedEdit {
        try editor(for: model).edit(model, requests)
    }

    public func editInputs(_ model: LanguageModel, _ requests: [EditRequest]) throws -> [[Int]] {
        try editor(for: model).editInputs(model, requests)
    }
}
