import Core
import Foundation

/// The object behind a Lua `Editor`: any registered Core editor, with what is known of where it
/// came from (the checkpoint, the model it belongs to, the meta-training settings).
final class LuaEditor {
    let editor: any KnowledgeEditor
    /// The checkpoint file, for loaded editors.
    let path: String?
    /// The model a trained editor belongs to; checked before every edit.
    let identity: EditorCheckpoint.ModelIdentity?
    /// The meta-training run's settings, when the checkpoint (or the run folder) records them.
    let training: MetaTrainingConfig?

    /// Wraps `editor`; a MEND editor loaded from a checkpoint brings its path, model and settings.
    init(_ editor: any KnowledgeEditor, identity: EditorCheckpoint.ModelIdentity? = nil, training: MetaTrainingConfig? = nil) {
        self.editor = editor
        let origin = (editor as? MENDEditor)?.origin
        path = origin?.path
        self.identity = identity ?? origin?.model
        self.training = training ?? origin.flatMap(EditorModule.trainingConfig)
    }

    /// The Core editor to use on `m`, checked against it (and built, for an untrained MEND editor).
    func editor(for m: LuaModel) throws -> any KnowledgeEditor {
        if let identity, identity != m.identity {
            throw InstructEditError("this editor belongs to model '\(identity.name)' (\(identity.fingerprint)), not to '\(m.model.name)' (\(m.identity.fingerprint))")
        }
        // An untrained MEND editor is the MEND editor built for the first model it meets.
        if let untrained = editor as? UntrainedMEND { return try untrained.editor(for: m.model) }
        _ = try editor.targets(in: m.model)
        return editor
    }

    var method: String { editor.method }

    /// "MEND editor rank 576, 9 inner weights, trained on counterfact+recent+convsent (instructions)".
    var summary: String {
        var s = editor.summary
        if let t = training {
            s += ", trained on \(t.tasks.joined(separator: "+")) (\(t.instruct ? "instructions" : "no instructions"))"
        } else if path == nil, editor is MENDEditor {
            s += ", untrained"
        }
        return s
    }

    /// The inner weights' names, where known.
    var weightNames: [String]? { editor.weightNames }

    /// The rank of a MEND editor's networks (nil for other methods).
    var rank: Int? {
        switch editor {
        case let e as MENDEditor: e.config.rank
        case let e as UntrainedMEND: e.rank
        default: nil
        }
    }

    /// The trained MEND editor behind it, if it is one.
    var mend: MENDEditor? { editor as? MENDEditor ?? (editor as? UntrainedMEND)?.built }
}
