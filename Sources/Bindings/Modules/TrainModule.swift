import CLua
import Core
import Foundation

/// `train.run`: meta-trains a MEND editor (InstructEdit with instructions) from Lua.
enum TrainModule: LuaModule {
    static let name: String? = "train"
    static let summary = "Meta-training of MEND/InstructEdit editors."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("run", signature: "train.run({out=, model=, tasks={\"counterfact\",\"recent\",\"convsent\"}, instruct=true, steps=1250, accumulation=2, rank=128, lr=1e-4, alpha_lr=1e-5, c_edit=1, c_loc=5, validate_every=50, validation_size=10, patience=100, save_every=25, clip=100, train_limit=, locality={\"own\",\"neighbour\",\"unrelated\"}, equivalence={\"rephrase\"}, edit_weight=\"example\", seed=0, lr_decay=, init=, quiet=false}) -> result, Editor",
                        summary: "Meta-trains an editor for the MLPs of the model's last three blocks (model: a Model, default model.load()) on the tasks' training splits, with task instructions unless instruct=false, writing best.ckpt, last.ckpt and log.jsonl into out. A run folder with a last.ckpt of the same settings is resumed. Shows step, loss, edit and locality losses, it/s and ETA on stderr; Ctrl-C saves and stops. Returns {ending=, steps=, best_validation_loss=, best=, last=, seconds=, steps_per_second=} and the trained editor (the best checkpoint).",
                        example: "r, ed = train.run({out=\"runs/small\", tasks={\"counterfact\"}, steps=200})") { args in
            // The Model is read apart; every other field decodes as `instructedit train`'s flags do.
            let m = try args.options(1).userdata("model", LuaModel.self)
            let fields = try args.optionTable(1, skipping: ["model"])
            let (c, out, quiet) = try args.reportingOptions(1) {
                try OptionDecoder.decode(from: fields) { d -> (MetaTrainingConfig, String?, Bool) in
                    var c = MetaTrainingConfig()
                    try c.update(from: d)
                    let k = try d.container(keyedBy: SurfaceKey.self)
                    return (c, try k.decodeIfPresent(String.self, forKey: .out), try k.decodeIfPresent(Bool.self, forKey: .quiet) ?? false)
                }
            }
            guard let out, !out.isEmpty else { throw args.error(1, "field 'out': a run folder is needed (e.g. out=\"runs/x\")") }

            let model = try m ?? LuaModel(LanguageModel.load())
            let edits = model.model.editLog.applied.count
            guard edits == 0 else {
                throw InstructEditError("train.run: the model has \(edits) edit\(edits == 1 ? "" : "s") applied; meta-training needs the original weights (m:reset() undoes them)")
            }
            let trainer = try MetaTrainer(model: model.model, config: c, runDirectory: out)
            let log = quiet ? nil : ProgressLine(title: "train")
            if !quiet {
                note("training \(c.instruct ? "with" : "without") instructions on \(c.tasks.joined(separator: "+")) → \(out)"
                     + (trainer.step > 0 ? " (resuming at step \(trainer.step))" : ""))
            }
            let result = try trainer.run { p in
                log?.line(ProgressText.training(p))
                if p.validationLoss != nil, !quiet {
                    log?.finish()
                    note(ProgressText.training(p) + " val " + ProgressText.fixed(p.validationLoss ?? .nan, 4))
                }
            }
            log?.finish()
            if result.ending == .interrupted { keepRunningAfterInterrupt(args) }
            if !quiet {
                note(ProgressText.trainingEnd(result))
            }
            let editor: LuaEditor
            if FileManager.default.fileExists(atPath: result.bestPath) {
                editor = LuaEditor(try MENDEditor.load(result.bestPath, expecting: model.identity), training: c)
            } else {
                editor = LuaEditor(trainer.editor, identity: model.identity, training: c)
            }
            var table: [LuaValue: LuaValue] = [
                "ending": .string(result.ending.rawValue), "steps": .int(result.steps), "best": .string(result.bestPath),
                "last": .string(result.lastPath), "out": .string(out), "seconds": .number(result.seconds),
                "steps_per_second": .number(result.stepsPerSecond),
            ]
            if let v = result.bestValidationLoss { table["best_validation_loss"] = .number(v) }
            return [.table(table), .object(editor)]
        }
    }

    /// The fields of `train.run` beside the training settings (`model` is read as a Model).
    enum SurfaceKey: String, CodingKey { case out, quiet }

    /// A line on stderr (the notebook shows it under the cell).
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Ctrl-C ended the training, which saved and returned: clear the pending interrupt (the Lua hook
    /// and the flag) so the results reach the caller instead of an "interrupted!" error.
    static func keepRunningAfterInterrupt(_ args: LuaArgs) {
        Interrupt.reset()
        ie_lua_clear_hook(args.state)
        if let main = args.session.state { ie_lua_clear_hook(main) }
    }
}
