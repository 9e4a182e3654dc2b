import ArgumentParser
import Core
import Foundation

extension MetaTrainingConfig.LearningRateDecay: ExpressibleByArgument {}

/// `instructedit train`: meta-trains an editor (the E1-E5 runs). Resumes when the run folder holds a
/// resume checkpoint for the same settings; Ctrl-C saves and stops. Each flag maps to one field of
/// `MetaTrainingConfig`, whose values are the defaults shown by `--help`.
struct TrainCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Meta-trains an editor (resumable; Ctrl-C saves and stops).")
    private static let defaults = MetaTrainingConfig()

    @Option(help: ArgumentHelp("The run folder (checkpoints, log.jsonl); a run there is resumed.", valueName: "DIR"))
    var out: String
    @Option(help: ArgumentHelp("The model (default: the installed SmolLM2-135M-Instruct).", valueName: "PATH"))
    var model: String?
    @Option(help: ArgumentHelp("Training tasks, comma-separated (counterfact, recent, convsent, zsre).", valueName: "a,b"))
    var tasks = defaults.tasks.joined(separator: ",")
    @Flag(inversion: .prefixedNo, help: "Train with instruction-rendered prompts.")
    var instruct = defaults.instruct
    @Option(parsing: .unconditional, help: "Optimiser steps at most (early stopping may end sooner).")
    var steps = defaults.steps
    @Option(parsing: .unconditional, help: "Edits accumulated into one optimiser step.")
    var accumulation = defaults.accumulation
    @Option(parsing: .unconditional, help: "Rank of the editor networks' low-rank layers.")
    var rank = defaults.rank
    @Option(parsing: .unconditional, help: "Adam learning rate of the editor networks.")
    var lr = defaults.editorLearningRate
    @Option(name: .customLong("alpha-lr"), parsing: .unconditional, help: "Adam learning rate of the step sizes α.")
    var alphaLR = defaults.stepSizeLearningRate
    @Option(parsing: .unconditional, help: "Global gradient-norm clip of each optimiser step.")
    var clip = defaults.clip
    @Option(name: .customLong("c-edit"), parsing: .unconditional, help: "Weight of the edit loss.")
    var cEdit = defaults.cEdit
    @Option(name: .customLong("c-loc"), parsing: .unconditional, help: "Weight of the locality loss.")
    var cLoc = defaults.cLoc
    @Option(name: .customLong("validate-every"), parsing: .unconditional, help: "Validate every this many steps.")
    var validateEvery = defaults.validateEvery
    @Option(name: .customLong("validation-size"), parsing: .unconditional, help: "Validation records per task.")
    var validationSize = defaults.validationSize
    @Option(parsing: .unconditional, help: "Stop after this many validations without improvement.")
    var patience = defaults.patience
    @Option(name: .customLong("save-every"), parsing: .unconditional, help: "Write the resume checkpoint every this many steps.")
    var saveEvery = defaults.saveEvery
    @Option(name: .customLong("train-limit"), parsing: .unconditional, help: "Records per task in the training pool (default: all).")
    var trainLimit: Int?
    @Option(parsing: .unconditional, help: "Seed of the editor initialisation and the example order.")
    var seed = defaults.seed
    @Option(help: ArgumentHelp("Locality inputs of each example: own (the record's probe), neighbour (a same-relation prompt of another subject), unrelated (another record's probe).", valueName: "a,b"))
    var locality = defaults.locality.map(\.rawValue).joined(separator: ",")
    @Option(help: ArgumentHelp("Equivalence inputs of each example: rephrase (the record's rephrase, rendered as every input), plain (the rephrase without the instruction), edit (the edit input itself).", valueName: "a,b"))
    var equivalence = defaults.equivalenceSources.map(\.rawValue).joined(separator: ",")
    @Option(name: .customLong("edit-weight"), help: ArgumentHelp("Weight of each example's edit loss: example (all the same) or token (in proportion to its target's length in tokens, over its task's mean).", valueName: "example|token"))
    var editWeight = defaults.editWeighting.rawValue
    @Option(name: .customLong("lr-decay"), help: ArgumentHelp("Learning-rate schedule over the steps: linear or cosine (default: constant).", valueName: "linear|cosine"))
    var lrDecay: MetaTrainingConfig.LearningRateDecay?
    @Option(name: .customLong("init"), help: ArgumentHelp("Start from this editor checkpoint, or a shipped editor's name (instructedit, mend-multitask), with a fresh optimiser.", valueName: "PATH"))
    var initialEditor: String?

    /// Counts a user can mistype, checked before the model loads (the editor's size against memory
    /// is checked by its configuration, which knows the model's shapes).
    func validate() throws {
        do {
            for (name, value, limit) in [("--steps", steps, 1_000_000_000), ("--accumulation", accumulation, 1_000_000),
                                         ("--rank", rank, MENDConfig.maxParameters),
                                         ("--validate-every", validateEvery, Int.max), ("--validation-size", validationSize, 1_000_000),
                                         ("--patience", patience, Int.max), ("--save-every", saveEvery, Int.max),
                                         ("--train-limit", trainLimit ?? 1, Int.max)] {
                try SizeCheck.count(value, name, in: 1...limit)
            }
            _ = try config()
        } catch let e as InstructEditError {
            throw usageError(e.message)
        }
    }

    /// The flags as the trainer's configuration, decoded by the keys `train.run` takes
    /// (`MetaTrainingConfig.Key`; a test checks that every key has its flag).
    func config() throws -> MetaTrainingConfig {
        let flags: [MetaTrainingConfig.Key: OptionValue] = [
            .tasks: .list(try taskList(tasks, flag: "--tasks").map(OptionValue.string)), .instruct: .bool(instruct),
            .steps: .int(steps), .accumulation: .int(accumulation), .rank: .int(rank),
            .lr: .number(Double(lr)), .alphaLR: .number(Double(alphaLR)), .clip: .number(Double(clip)),
            .cEdit: .number(Double(cEdit)), .cLoc: .number(Double(cLoc)),
            .validateEvery: .int(validateEvery), .validationSize: .int(validationSize), .patience: .int(patience),
            .saveEvery: .int(saveEvery), .seed: .text(String(seed)), .locality: .text(locality),
            .equivalence: .text(equivalence), .editWeight: .text(editWeight),
        ].merging([.trainLimit: trainLimit.map(OptionValue.int), .lrDecay: lrDecay.map { .text($0.rawValue) },
                   .initialEditor: initialEditor.map(OptionValue.text)].compactMapValues { $0 }) { a, _ in a }
        var config = MetaTrainingConfig()
        do {
            try OptionDecoder.decode(from: .table(Dictionary(uniqueKeysWithValues: flags.map { ($0.rawValue, $1) }))) { try config.update(from: $0) }
        } catch let e as OptionError {
            throw InstructEditError(Self.flagMessage(e))
        }
        try config.validate()
        return config
    }

    /// "field 'locality'[2]: ..." as the flag: "--locality [2]: ...".
    static func flagMessage(_ e: OptionError) -> String {
        guard case .field(let key)? = e.path.first else { return e.description }
        let rest = OptionError(path: Array(e.path.dropFirst()), e.message).description
        return "--" + key.replacingOccurrences(of: "_", with: "-") + (rest.hasPrefix("[") ? " " : ": ") + rest
    }

    func execute() -> Int32 {
        let modelPath = model
        do {
            let config = try config()
            InterruptSignal.install()
            let model = try LanguageModel.load(modelPath)
            let trainer = try MetaTrainer(model: model, config: config, runDirectory: out)
            Console.err("training \(config.instruct ? "with" : "without") instructions on \(config.tasks.joined(separator: "+")) → \(out)"
                        + (trainer.step > 0 ? " (resuming at step \(trainer.step))" : ""))
            let progress = ProgressLine(title: "train")
            let result = try trainer.run { p in
                if p.validationLoss != nil { progress.finish(with: ProgressText.training(p)) } else { progress.line(ProgressText.training(p)) }
            }
            progress.finish()
            Console.err("\n" + ProgressText.trainingEnd(result))
            return result.ending == .interrupted ? 130 : 0
        } catch {
            Console.err(CommandLineTool.line("instructedit train", "\(error)"))
            return 1
        }
    }
}

/// A comma-separated task list: known names, none empty, at least one (`--tasks ,` is an error).
func taskList(_ text: String, flag: String) throws -> [String] {
    let known = ["counterfact", "recent", "convsent", "zsre"]
    let tasks = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    for t in tasks where !known.contains(t) {
        throw InstructEditError(t.isEmpty ? "\(flag) '\(text)': empty task name (tasks: \(known.joined(separator: ", ")))"
                                          : "\(flag): unknown task '\(t)' (tasks: \(known.joined(separator: ", ")))")
    }
    return tasks
}

