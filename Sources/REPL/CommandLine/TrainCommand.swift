import Core
import Foundation

/// `instructedit train`: meta-trains an editor (the E1-E5 runs). Resumes when the run folder holds a
/// resume checkpoint for the same settings; Ctrl-C saves and stops.
enum TrainCommand {
    static let usage = """
        usage: instructedit train --out DIR [--tasks counterfact,recent,convsent] [--no-instruct]
                                  [--steps N] [--accumulation N] [--rank R] [--lr X] [--alpha-lr X]
                                  [--c-edit X] [--c-loc X] [--locality own,neighbour,unrelated]
                                  [--validate-every N] [--validation-size N] [--patience N]
                                  [--save-every N] [--train-limit N] [--seed N] [--model PATH]
        """

    static func main(_ arguments: [String]) -> Int32 {
        var config = MetaTrainingConfig()
        var out: String?
        var modelPath: String?
        do {
            var args = ArgumentReader(arguments)
            while let flag = args.next() {
                switch flag {
                case "--out": out = try args.value(for: flag)
                case "--model": modelPath = try args.value(for: flag)
                case "--tasks": config.tasks = try args.value(for: flag).split(separator: ",").map(String.init)
                case "--no-instruct": config.instruct = false
                case "--instruct": config.instruct = true
                case "--steps": config.steps = try args.int(for: flag)
                case "--accumulation": config.accumulation = try args.int(for: flag)
                case "--rank": config.rank = try args.int(for: flag)
                case "--lr": config.editorLearningRate = try args.float(for: flag)
                case "--alpha-lr": config.stepSizeLearningRate = try args.float(for: flag)
                case "--c-edit": config.cEdit = try args.float(for: flag)
                case "--c-loc": config.cLoc = try args.float(for: flag)
                case "--validate-every": config.validateEvery = try args.int(for: flag)
                case "--validation-size": config.validationSize = try args.int(for: flag)
                case "--patience": config.patience = try args.int(for: flag)
                case "--save-every": config.saveEvery = try args.int(for: flag)
                case "--train-limit": config.trainLimit = try args.int(for: flag)
                case "--locality": config.locality = try MetaTrainingConfig.LocalitySource.list(try args.value(for: flag))
                case "--seed": config.seed = UInt64(try args.int(for: flag))
                case "-h", "--help": Console.out(usage); return 0
                default: throw InstructEditError("unknown option '\(flag)'")
                }
            }
            guard let out else { throw InstructEditError("--out DIR is required") }
            InterruptSignal.install()
            let model = try LanguageModel.load(modelPath)
            let trainer = try MetaTrainer(model: model, config: config, runDirectory: out)
            Console.err("training \(config.instruct ? "with" : "without") instructions on \(config.tasks.joined(separator: "+")) → \(out)"
                        + (trainer.step > 0 ? " (resuming at step \(trainer.step))" : ""))
            let result = try trainer.run { p in
                FileHandle.standardError.write(Data(("\r" + ProgressText.training(p) + "\u{1B}[K").utf8))
                if p.validationLoss != nil { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            Console.err("\n\(result.ending.rawValue) after \(result.steps) steps in \(ProgressText.duration(result.seconds))"
                        + " (\(ProgressText.fixed(result.stepsPerSecond, 2)) steps/s); best validation loss "
                        + ProgressText.fixed(result.bestValidationLoss ?? .nan, 4) + " → \(result.bestPath)")
            return result.ending == .interrupted ? 130 : 0
        } catch {
            Console.err("instructedit train: \(error)")
            return 1
        }
    }
}

/// Reads `--flag value` arguments with errors that name the flag.
struct ArgumentReader {
    private var rest: ArraySlice<String>
    init(_ arguments: [String]) { rest = arguments[...] }
    mutating func next() -> String? { rest.popFirst() }
    mutating func value(for flag: String) throws -> String {
        guard let v = rest.popFirst() else { throw InstructEditError("\(flag) needs a value") }
        return v
    }
    mutating func int(for flag: String) throws -> Int {
        let v = try value(for: flag)
        guard let i = Int(v) else { throw InstructEditError("\(flag) expects an integer, got '\(v)'") }
        return i
    }
    mutating func float(for flag: String) throws -> Float {
        let v = try value(for: flag)
        guard let f = Float(v) else { throw InstructEditError("\(flag) expects a number, got '\(v)'") }
        return f
    }
}
