import CLua
import Core
import Foundation

/// `train.run`: meta-trains a MEND editor (InstructEdit with instructions) from Lua.
enum TrainModule: LuaModule {
    static let name: String? = "train"
    static let summary = "Meta-training of MEND/InstructEdit editors."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("run", signature: "train.run({out=, model=, tasks={\"counterfact\",\"recent\",\"convsent\"}, instruct=true, steps=300, accumulation=2, rank=128, lr=1e-4, alpha_lr=1e-5, c_edit=1, c_loc=5, validate_every=50, validation_size=10, patience=100, save_every=25, train_limit=, locality={\"own\",\"neighbour\",\"unrelated\"}, seed=0, quiet=false}) -> result, Editor",
                        summary: "Meta-trains an editor for the MLPs of the model's last three blocks (model: a Model, default model.load()) on the tasks' training splits, with task instructions unless instruct=false, writing best.ckpt, last.ckpt and log.jsonl into out. A run folder with a last.ckpt of the same settings is resumed. Shows step, loss, edit and locality losses, it/s and ETA on stderr; Ctrl-C saves and stops. Returns {ending=, steps=, best_validation_loss=, best=, last=, seconds=, steps_per_second=} and the trained editor (the best checkpoint).",
                        example: "r, ed = train.run({out=\"runs/small\", tasks={\"counterfact\"}, steps=200})") { args in
            let options = try args.options(1)
            var c = MetaTrainingConfig()
            let out = try options.string("out")
            let m = try options.userdata("model", LuaModel.self)
            c.tasks = try options.strings("tasks") ?? c.tasks
            c.instruct = try options.bool("instruct", default: c.instruct)
            c.steps = try options.int("steps", default: c.steps)
            c.accumulation = try options.int("accumulation", default: c.accumulation)
            c.rank = try options.int("rank", default: c.rank)
            c.editorLearningRate = Float(try options.number("lr", default: Double(c.editorLearningRate)))
            c.stepSizeLearningRate = Float(try options.number("alpha_lr", default: Double(c.stepSizeLearningRate)))
            c.cEdit = Float(try options.number("c_edit", default: Double(c.cEdit)))
            c.cLoc = Float(try options.number("c_loc", default: Double(c.cLoc)))
            c.clip = Float(try options.number("clip", default: Double(c.clip)))
            c.validateEvery = try options.int("validate_every", default: c.validateEvery)
            c.validationSize = try options.int("validation_size", default: c.validationSize)
            c.patience = try options.int("patience", default: c.patience)
            c.saveEvery = try options.int("save_every", default: c.saveEvery)
            c.trainLimit = try options.int("train_limit")
            if let sources = try options.strings("locality") {
                do { c.locality = try MetaTrainingConfig.LocalitySource.list(sources.joined(separator: ",")) } catch let e as InstructEditError {
                    throw args.error(1, "field 'locality': \(e.message)")
                }
            }
            let seed = try options.int("seed", default: 0)
            let quiet = try options.bool("quiet", default: false)
            try options.rejectUnknown()
            guard let out, !out.isEmpty else { throw args.error(1, "field 'out': a run folder is needed (e.g. out=\"runs/x\")") }
            guard seed >= 0 else { throw args.error(1, "field 'seed': non-negative integer expected, got \(seed)") }
            if let limit = c.trainLimit, limit < 1 { throw args.error(1, "field 'train_limit': positive integer expected, got \(limit)") }
            c.seed = UInt64(seed)

            let model = try m ?? LuaModel(LanguageModel.load())
            let edits = model.model.editLog.applied.count
            guard edits == 0 else {
                throw InstructEditError("train.run: the model has \(edits) edit\(edits == 1 ? "" : "s") applied; meta-training needs the original weights (m:reset() undoes them)")
            }
            let trainer = try MetaTrainer(model: model.model, config: c, runDirectory: out)
            let log = quiet ? nil : Progress(enabled: true, title: "train")
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
                note("\(result.ending.rawValue) after \(result.steps) steps in \(ProgressText.duration(result.seconds)) ("
                     + ProgressText.fixed(result.stepsPerSecond, 2) + " steps/s); best validation loss "
                     + ProgressText.fixed(result.bestValidationLoss ?? .nan, 4) + " → \(result.bestPath)")
            }
            let editor: LuaEditor
            if FileManager.default.fileExists(atPath: result.bestPath) {
                let best = try EditorCheckpoint.read(from: result.bestPath, expecting: model.identity)
                editor = LuaEditor(.mend(best.editor), path: result.bestPath, identity: best.model, training: c)
            } else {
                editor = LuaEditor(.mend(trainer.editor), identity: model.identity, training: c)
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
