import Core
import Foundation

/// `editor.load`, `editor.mend`, `editor.ft`, and the `Editor` and `Edit` types.
enum EditorModule: LuaModule {
    static let name: String? = "editor"
    static let summary = "Knowledge editors: MEND/InstructEdit (trained or untrained) and the FT-L baseline; edits and their undo."

    static func register(in module: LuaModuleBuilder) throws {
        try registerEditorType(module)
        try registerEditType(module)
        module.function("load", signature: "editor.load([path or name] [, m]) -> Editor",
                        summary: "A trained MEND editor from a checkpoint (e.g. a train.run's best.ckpt), or a shipped one by name: \"instructedit\" (the default, trained with instructions) or \"mend-multitask\" (without), both for the default model. It only edits the model it was trained for: checked now when m is given, else at each edit.",
                        example: "ed = editor.load()   -- the shipped InstructEdit editor") { args in
            let m: LuaModel?
            let path: String
            if args.kind(1) == .userdata {
                m = try args.checkUserdata(1, LuaModel.self)
                path = ShippedEditors.defaultName
            } else {
                path = args.isNoneOrNil(1) ? ShippedEditors.defaultName : try args.checkString(1)
                m = try args.optUserdata(2, LuaModel.self)
            }
            return [.object(try make("mend", .table(["path": .string(path)]), m))]
        }
        module.function("new", signature: "editor.new(kind [, m] [, options]) -> Editor",
                        summary: "An editor of a registered kind (\(EditorRegistry.names.joined(separator: ", "))) from its options, as `instructedit eval --method NAME:KIND:key=value` takes them: \(EditorRegistry.kinds.map { "\($0.name): \($0.summary)" }.joined(separator: "; ")). Built for m when given.",
                        example: "ed = editor.new(\"ft\", {steps=5, layers=1})") { args in
            let kind = try args.checkString(1)
            let m = args.kind(2) == .userdata ? try args.checkUserdata(2, LuaModel.self) : nil
            let at = m == nil ? 2 : 3
            guard EditorRegistry.names.contains(kind) else {
                throw args.error(1, "unknown editor kind '\(kind)' (\(EditorRegistry.names.joined(separator: ", ")))")
            }
            return [.object(try args.reportingOptions(at) { try make(kind, try args.optionTable(at), m) })]
        }
        module.function("mend", signature: "editor.mend([m,] [{rank=576, layers=3, targets={...}, step_size=1e-4, seed=0}]) -> Editor",
                        summary: "An untrained MEND editor (its networks start as the identity, so an edit is a scaled gradient step) for the MLPs of the last `layers` blocks, or the weights named in `targets`. Built for m, or for the first model it edits. The same as editor.new(\"mend\", ...).",
                        example: "ed = editor.mend(m, {rank=64})") { args in
            let m = args.kind(1) == .userdata ? try args.checkUserdata(1, LuaModel.self) : nil
            let at = m == nil ? 1 : 2
            let options = try args.optionTable(at)
            if case .table(let t) = options, t["path"] != nil { throw args.error(at, "unknown option 'path' (editor.load reads checkpoints)") }
            return [.object(try args.reportingOptions(at) { try make("mend", options, m) })]
        }
        module.function("ft", signature: "editor.ft([{steps=10, lr=5e-4, eps=5e-4, layers=3, targets={...}}]) -> Editor",
                        summary: "The FT-L baseline: fine-tunes the MLPs of the last `layers` blocks (or the weights named in `targets`) on the edit's target with Adam, each weight kept within ±eps of its value. The same as editor.new(\"ft\", ...).",
                        example: "ft = editor.ft({steps=10, eps=5e-4})") { args in
            [.object(try args.reportingOptions(1) { try make("ft", try args.optionTable(1), nil) })]
        }
    }

    /// An editor of a registered kind, built and checked for `m` when given.
    static func make(_ kind: String, _ options: OptionValue, _ m: LuaModel?) throws -> LuaEditor {
        let editor = try EditorRegistry.make(kind, EditorContext(options: options, model: m?.model, identity: m?.identity))
        return LuaEditor(editor)
    }

    /// The meta-training settings recorded with a checkpoint: in its training state, or (for a run's
    /// best.ckpt, written without one) in the resume checkpoint beside it.
    static func trainingConfig(_ origin: MENDOrigin) -> MetaTrainingConfig? {
        var metadata = origin.trainingMetadataJSON
        let url = URL(fileURLWithPath: origin.path)
        if metadata == nil, url.lastPathComponent == "best.ckpt" {
            let last = url.deletingLastPathComponent().appendingPathComponent("last.ckpt").path
            if FileManager.default.fileExists(atPath: last), let resume = try? EditorCheckpoint.read(from: last, expecting: origin.model) {
                metadata = resume.training?.metadataJSON
            }
        }
        return metadata.flatMap { try? JSONDecoder().decode(MetaTrainingConfig.self, from: Data($0.utf8)) }
    }

    static func registerEditorType(_ module: LuaModuleBuilder) throws {
        try module.type(LuaEditor.self, name: "Editor", summary: "A knowledge editor (MEND/InstructEdit or FT-L): ed:edit(m, request) changes the model's weights.") { t in
            t.method("edit", signature: "ed:edit(m, {prompt=, target=, task=, instruct=, unseen=, description=, topic=, sentiment=, rephrase=} or a list of them) -> Edit",
                     summary: "Edits m in place so that prompt continues with target (used as written: start it with its space, \" Rome\"). With a task the prompt is rendered with one of its instructions (instruct=false turns that off; unseen=true draws a held-out one; description=i picks one, from 1; topic and sentiment fill ConvSent's). A list of requests is one batch edit. e:undo() restores the weights.",
                     example: "e = ed:edit(m, {prompt=\"The capital of France is\", target=\" Rome\", task=\"counterfact\"})") { ed, args in
                let m = try args.checkUserdata(2, LuaModel.self)
                let requests = try requests(args, 3)
                return [.object(try ed.editor(for: m).edit(m.model, requests))]
            }
            t.method("save", signature: "ed:save(path [, {half=false}])",
                     summary: "Writes a trained MEND editor to a checkpoint file (atomically), for the model it belongs to; half=true stores its weights in half precision (half the size, for sharing).",
                     example: "ed:save(\"my-editor.ckpt\", {half=true})") { ed, args in
                let path = try args.checkString(2)
                let options = try args.options(3)
                let half = try options.bool("half", default: false)
                try options.rejectUnknown()
                guard let editor = ed.editor as? MENDEditor, let identity = ed.identity else {
                    throw InstructEditError("ed:save: only a MEND editor loaded from a checkpoint or trained by train.run knows its model and can be saved")
                }
                try EditorCheckpoint(model: identity, editor: editor).write(to: path, precision: half ? .half : .single)
                return []
            }
            t.field("method", summary: "\"mend\" or \"ft-l\".") { .string($0.method) }
            t.field("rank", summary: "The rank of a MEND editor's networks (nil for FT-L).") { ed in ed.rank.map { .int($0) } ?? .nil }
            t.field("weights", summary: "Names of the weights it edits (nil while an untrained editor has not met a model, or FT-L uses its default).") { ed in
                ed.weightNames.map { LuaValue($0) } ?? .nil
            }
            t.field("path", summary: "The checkpoint it was loaded from (nil otherwise).") { ed in ed.path.map { .string($0) } ?? .nil }
            t.field("training", summary: "The meta-training settings {tasks=, instruct=, steps=, rank=, seed=} when known.") { ed in
                guard let c = ed.training else { return .nil }
                return ["tasks": LuaValue(c.tasks), "instruct": .bool(c.instruct), "steps": .int(c.steps),
                        "rank": .int(c.rank), "seed": .int(Int(c.seed))]
            }
            registerDirection(t)
            t.description { $0.summary }
        }
    }

    static func registerEditType(_ module: LuaModuleBuilder) throws {
        try module.type(AppliedEdit.self, name: "Edit", summary: "One edit applied to a model; e:undo() restores the exact weights before it.") { t in
            t.method("undo", signature: "e:undo()",
                     summary: "Restores the weights the edit changed, bit for bit. Edits stack: undo the newest first (m:reset() undoes all).",
                     example: "e:undo()") { e, _ in
                try e.undo()
                return []
            }
            t.field("id", summary: "The edit's number on its model (1, 2, ...).") { .int($0.id) }
            t.field("method", summary: "\"mend\" or \"ft-l\".") { .string($0.method) }
            t.field("requests", summary: "The requests it applied, as tables.") { e in .array(e.requests.map(\.luaValue)) }
            t.field("seconds", summary: "Wall time of computing and applying it.") { .number($0.seconds) }
            t.field("loss_before", summary: "Mean target NLL before the edit (MEND: on the edit input; FT-L: at its first step).") { .number(Double($0.lossBefore)) }
            t.field("delta_norms", summary: "{{name=, norm=}, ...}: the Frobenius norm of each weight's change.") { e in
                .array(e.deltaNorms.map { ["name": .string($0.name), "norm": .number(Double($0.norm))] })
            }
            t.field("applied", summary: "false once undone.") { .bool($0.isApplied) }
            t.description(describe)
        }
    }

    /// "Edit #2 mend: 'The capital of France is' → ' Rome' (loss before 5.21, 0.35 s)".
    static func describe(_ e: AppliedEdit) -> String {
        let what: String
        if e.requests.count == 1, let r = e.requests.first {
            what = "'\(clip(r.prompt))' → '\(clip(r.target))'"
        } else {
            what = "\(e.requests.count) requests"
        }
        let state = e.isApplied ? "" : ", undone"
        return "Edit #\(e.id) \(e.method): \(what) (loss before \(String(format: "%.3g", Double(e.lossBefore))), \(String(format: "%.2f", e.seconds)) s\(state))"
    }

    static func clip(_ s: String, _ n: Int = 48) -> String {
        let line = s.replacingOccurrences(of: "\n", with: "⏎")
        return line.count > n ? String(line.prefix(n - 1)) + "…" : line
    }
}
