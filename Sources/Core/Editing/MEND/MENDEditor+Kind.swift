import Foundation

/// Where a MEND editor loaded from a checkpoint came from.
public struct MENDOrigin: Sendable {
    public var path: String
    public var model: MENDCheckpoint.ModelIdentity
    /// The meta-training settings recorded with it (JSON), when the checkpoint has a training state.
    public var trainingMetadataJSON: String?
}

extension MENDEditor {
    /// The options of `editor.new("mend", {...})`, `editor.mend`, `editor.load` and `--method L:mend:PATH`.
    struct Options: Decodable {
        /// A trained editor's checkpoint, or a shipped editor's name.
        var path: String?
        var rank: Int?
        var layers: Int?
        var targets: [String]?
        var stepSize: Float?
        var seed: UInt64?

        enum CodingKeys: String, CodingKey { case path, rank, layers, targets, stepSize = "step_size", seed }
    }

    static let kind = EditorKind(
        name: "mend",
        summary: "MEND/InstructEdit: a trained editor from path (a checkpoint or a shipped name), else an untrained one (rank, layers or targets, step_size, seed)",
        positional: "path"
    ) { context in
        let o = try OptionDecoder.decode(Options.self, from: context.options)
        if let path = o.path {
            guard o.rank == nil, o.layers == nil, o.targets == nil, o.stepSize == nil, o.seed == nil else {
                throw OptionError(path: [], "'path' loads a trained editor: rank, layers, targets, step_size and seed are for an untrained one")
            }
            return try load(ShippedEditors.resolve(path), expecting: context.identity)
        }
        let rank = o.rank ?? MENDConfig.defaultRank
        guard rank >= 1 else { throw OptionError(path: [.field("rank")], "positive integer expected, got \(rank)") }
        let stepSize = o.stepSize ?? 1e-4
        guard stepSize.isFinite else { throw OptionError(path: [.field("step_size")], "finite number expected") }
        let choice = try TargetChoice(layers: o.layers, targets: o.targets)
        let editor = UntrainedMEND(rank: rank, targets: choice, stepSize: stepSize, seed: o.seed ?? 0)
        if let model = context.model { _ = try editor.editor(for: model) }
        return editor
    }

    /// A trained editor from its checkpoint, remembering where it came from.
    public static func load(_ path: String, expecting identity: MENDCheckpoint.ModelIdentity? = nil) throws -> MENDEditor {
        let checkpoint = try MENDCheckpoint.read(from: path, expecting: identity)
        checkpoint.editor.origin = MENDOrigin(path: path, model: checkpoint.model,
                                              trainingMetadataJSON: checkpoint.training?.metadataJSON)
        return checkpoint.editor
    }
}
