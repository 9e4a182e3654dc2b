import Core
import Foundation

/// The object behind a Lua `Editor`: a MEND editor (from a checkpoint, or untrained and built for
/// the first model it edits) or the FT-L baseline, with what is known of where it came from.
final class LuaEditor {
    /// How an untrained MEND editor is built once it meets a model.
    struct MENDPlan {
        var rank = MENDConfig.defaultRank
        /// The MLPs of this many last blocks, unless `targets` names the weights.
        var lastBlocks = 3
        var targets: [String]?
        var stepSize: Float = 1e-4
        var seed: UInt64 = 0
    }

    enum Kind {
        case mend(MENDEditor)
        case untrainedMEND(MENDPlan)
        /// `lastBlocks`: targets chosen per model (the MLPs of the last n blocks).
        case fineTune(FineTuneEditor, lastBlocks: Int?)
    }

    private(set) var kind: Kind
    /// The checkpoint file, for loaded editors.
    let path: String?
    /// The model a trained editor belongs to; checked before every edit.
    let identity: EditorCheckpoint.ModelIdentity?
    /// The meta-training run's settings, when the checkpoint (or the run folder) records them.
    let training: MetaTrainingConfig?

    init(_ kind: Kind, path: String? = nil, identity: EditorCheckpoint.ModelIdentity? = nil,
         training: MetaTrainingConfig? = nil) {
        self.kind = kind
        self.path = path
        self.identity = identity
        self.training = training
    }

    /// The Core editor to use on `m`, checked against it (and built, for an untrained MEND editor).
    func editor(for m: LuaModel) throws -> any KnowledgeEditor {
        if let identity, identity != m.identity {
            throw InstructEditError("this editor belongs to model '\(identity.name)' (\(identity.fingerprint)), not to '\(m.model.name)' (\(m.identity.fingerprint))")
        }
        switch kind {
        case .mend(let editor):
            _ = try editor.targets(in: m.model)
            return editor
        case .untrainedMEND(let plan):
            let targets = try plan.targets.map { try EditTargets.named($0, in: m.model.weights) }
                ?? EditTargets.mlp(of: m.model.weights, lastBlocks: plan.lastBlocks)
            let config = MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: plan.rank,
                                    initialStepSize: plan.stepSize, seed: plan.seed)
            let editor = try MENDEditor(config: config)
            kind = .mend(editor)
            return editor
        case .fineTune(let editor, let lastBlocks):
            if let lastBlocks {
                editor.targetNames = try EditTargets.mlp(of: m.model.weights, lastBlocks: lastBlocks).params.map(\.name)
            }
            return editor
        }
    }

    var method: String {
        switch kind {
        case .mend, .untrainedMEND: "mend"
        case .fineTune: "ft-l"
        }
    }

    /// "MEND editor rank 576, 9 inner weights, trained on counterfact+recent+convsent (instructions)".
    var summary: String {
        switch kind {
        case .mend(let e):
            let n = e.config.innerWeights.count
            var s = "MEND editor rank \(e.config.rank), \(n) inner weight\(n == 1 ? "" : "s")"
            if let t = training {
                s += ", trained on \(t.tasks.joined(separator: "+")) (\(t.instruct ? "instructions" : "no instructions"))"
            } else if path == nil {
                s += ", untrained"
            }
            return s
        case .untrainedMEND(let plan):
            let what = plan.targets.map { "\($0.count) inner weight\($0.count == 1 ? "" : "s")" }
                ?? "the MLPs of the last \(plan.lastBlocks) blocks"
            return "MEND editor rank \(plan.rank), \(what), untrained (built for the first model it edits)"
        case .fineTune(let e, let lastBlocks):
            let what = lastBlocks.map { "the MLPs of the last \($0) blocks" }
                ?? e.targetNames.map { "\($0.count) weight\($0.count == 1 ? "" : "s")" } ?? "the MLPs of the last 3 blocks"
            return "FT-L editor (\(e.steps) steps, lr \(Self.short(e.learningRate)), eps \(Self.short(e.eps)), \(what))"
        }
    }

    /// The inner weights' names, where known.
    var weightNames: [String]? {
        switch kind {
        case .mend(let e): e.config.innerWeights.map(\.name)
        case .untrainedMEND(let plan): plan.targets
        case .fineTune(let e, _): e.targetNames
        }
    }

    var rank: Int? {
        switch kind {
        case .mend(let e): e.config.rank
        case .untrainedMEND(let plan): plan.rank
        case .fineTune: nil
        }
    }

    static func short(_ x: Float) -> String { String(format: "%g", Double(x)) }
}
