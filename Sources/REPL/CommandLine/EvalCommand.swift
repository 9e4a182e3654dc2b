import ArgumentParser
import Core
import Foundation

/// `instructedit eval`: evaluates several editors side by side on several test sets in one process
/// (they share the cached residual streams), writing a Markdown table and JSON. The experiments
/// E1-E5 are runs of this command (see RESULTS.md).
struct EvalCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluates editors side by side on test sets (Markdown and JSON).",
        discussion: """
            KIND: none (the unedited model), or an editor kind: \(EditorRegistry.kinds.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).
            After KIND: a bare word sets the kind's main option (mend: path), key=value sets any other
            option as editor.new takes it, and instruct / unseen render the prompts with instructions.
            e.g. --method "InstructEdit:mend:runs/e1-instruct/best.ckpt:instruct"  --method "FT:ft:steps=20:layers=1"
            """)

    struct Method {
        var name: String
        var editor: (any KnowledgeEditor)?
        var instruct = false
        var unseen = false
    }

    @Option(name: .customLong("method"), help: ArgumentHelp("A method to evaluate (repeatable).", valueName: "NAME:KIND[:PATH][:instruct][:unseen]"))
    var specs: [String] = []
    @Option(help: ArgumentHelp("Test tasks, comma-separated (counterfact, recent, convsent, zsre).", valueName: "a,b"))
    var tasks = "counterfact,recent,convsent,zsre"
    @Option(parsing: .unconditional, help: "Records per task (a seeded sample of the test split).")
    var n = 50
    @Option(parsing: .unconditional, help: "Seed of the sample and of the instructions' choice.")
    var seed: UInt64 = 0
    @Option(help: ArgumentHelp("The split to sample: test, or val (every tenth training record; tune on it, not on test).", valueName: "test|val"))
    var split = "test"
    @Option(help: ArgumentHelp("Portability over an answer's aliases: first (the canonical one) or best.", valueName: "first|best"))
    var alias = Metrics.reportedAliasChoice.rawValue
    @Option(parsing: .unconditional, help: ArgumentHelp("Render with this instruction description (from 1) instead of a seeded choice.", valueName: "I"))
    var description: Int?
    @Option(help: ArgumentHelp("Also write the Markdown table here (rewritten after each run; marked partial until done).", valueName: "table.md"))
    var out: String?
    @Option(name: .customLong("json"), help: ArgumentHelp("Also write the results as JSON here.", valueName: "results.json"))
    var jsonOut: String?
    @Option(help: ArgumentHelp("The model (default: the installed SmolLM2-135M-Instruct).", valueName: "PATH"))
    var model: String?

    /// Everything that can be checked before the model loads: counts, task names, method specs,
    /// checkpoint files, and that the outputs can be written (and are not an input).
    func validate() throws {
        do {
            guard !specs.isEmpty else { throw InstructEditError("at least one --method is needed") }
            try SizeCheck.count(n, "--n", in: 1...1_000_000)
            for task in try taskList(tasks, flag: "--tasks") where !(try Datasets.splits(task: task)).contains(split) {
                throw InstructEditError("--split \(split): task '\(task)' has no such split (splits: \(try Datasets.splits(task: task).joined(separator: ", ")))")
            }
            _ = try options()
            // Options of editors built without a file are checked now (a checkpoint is read later).
            for spec in specs {
                let s = try Spec(spec)
                if s.kind != "none", s.options["path"] == nil { _ = try Self.makeEditor(s, spec: spec, model: nil) }
            }
            let checkpoints = try specs.compactMap { try Self.checkpointPath(of: $0) }
            for path in checkpoints {
                if let problem = FileAccess.readProblem(path) { throw InstructEditError("--method: cannot read editor checkpoint '\(path)': \(problem)") }
            }
            for (flag, path) in [("--out", out), ("--json", jsonOut)] {
                if let path { try FileAccess.checkOutput(path, what: "\(flag) file", notOverwriting: checkpoints + [model].compactMap { $0 }) }
            }
            if let out, let jsonOut, FileAccess.canonical(out) == FileAccess.canonical(jsonOut) {
                throw InstructEditError("--out and --json name the same file '\(out)'")
            }
        } catch let e as InstructEditError {
            throw usageError(e.message)
        }
    }

    /// The flags as evaluation settings, decoded by the keys `eval.run` takes (`EvaluationOptions.Key`).
    func options() throws -> EvaluationOptions {
        var table: [EvaluationOptions.Key: OptionValue] = [.n: .int(n), .seed: .text(String(seed)), .split: .string(split), .alias: .string(alias)]
        if let description { table[.description] = .int(description) }
        var o = EvaluationOptions()
        do {
            try OptionDecoder.decode(from: .table(Dictionary(uniqueKeysWithValues: table.map { ($0.rawValue, $1) }))) { try o.update(from: $0) }
        } catch let e as OptionError {
            throw InstructEditError(TrainCommand.flagMessage(e))
        }
        return o
    }

    func execute() -> Int32 {
        let modelPath = model
        do {
            let tasks = try taskList(tasks, flag: "--tasks")
            let base = try options()
            InterruptSignal.install()
            let model = try LanguageModel.load(modelPath)
            let methods = try specs.map { try Self.parse($0, model: model) }
            // One scorer per cached block, shared by the methods editing at or above it.
            var scorers: [Int: ModelScorer] = [:]
            func scorer(for editor: (any KnowledgeEditor)?) throws -> ModelScorer {
                let block = try Core.Evaluator.cacheBlock(for: editor, on: model)
                if let s = scorers[block] { return s }
                let s = ModelScorer(model: model, lowestEditedBlock: block)
                try s.addInstructionPrefixes(tasks: tasks)
                scorers[block] = s
                return s
            }
            var table = ResultsTable()
            table.plannedRows = tasks.count * methods.count
            // The table files say "partial" until the last run is in; an error or Ctrl-C leaves them so.
            defer { if !table.rows.isEmpty { Console.out(table.markdown()) } }
            for task in tasks {
                let records = try Datasets.sample(task: task, split: base.split, seed: base.seed, n: base.n)
                for m in methods {
                    var options = base
                    options.instruct = m.instruct
                    options.unseen = m.unseen
                    let progress = ProgressLine(title: "\(task) · \(m.name)")
                    let result = try Core.Evaluator.run(model: model, editor: m.editor, records: records, options: options,
                                                        scorer: try scorer(for: m.editor)) { done, total in
                        progress.update(done, total)
                    }
                    table.rows.append(.init(method: m.name, result: result))
                    let s = result.summary
                    progress.finish(with: "\(task) · \(m.name): rel \(ResultsTable.cell(s.reliability)) gen \(ResultsTable.cell(s.generalization)) loc \(ResultsTable.cell(s.locality)) nbr \(ResultsTable.cell(s.neighbourhood)) port \(ResultsTable.cell(s.portability)) (\(ProgressText.duration(result.seconds)))")
                    if let out { try FileAccess.write(Data(table.markdown().utf8), to: out, what: "table") }
                    if let jsonOut { try FileAccess.write(Data(try table.json().utf8), to: jsonOut, what: "JSON results") }
                }
            }
            return 0
        } catch {
            Console.err("\n" + CommandLineTool.line("instructedit eval", "\(error)"))
            return error is Interrupted ? 130 : 1
        }
    }

    /// A `--method` spec split into its label, kind, editor options and evaluation flags.
    struct Spec {
        var name: String
        var kind: String
        var options: [String: OptionValue] = [:]
        var instruct = false
        var unseen = false

        init(_ spec: String) throws {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, !parts[0].isEmpty else { throw InstructEditError("--method '\(spec)': expected NAME:KIND[:PATH][:key=value][:instruct][:unseen]") }
            name = parts[0]
            kind = parts[1]
            let positional: String?
            if kind == "none" {
                positional = nil
            } else {
                guard let k = EditorRegistry.kinds.first(where: { $0.name == kind }) else {
                    throw InstructEditError("--method '\(spec)': unknown kind '\(kind)' (none, \(EditorRegistry.names.joined(separator: ", ")))")
                }
                positional = k.positional
            }
            for word in parts.dropFirst(2) {
                switch word {
                case "instruct": instruct = true
                case "unseen": unseen = true
                default:
                    if let eq = word.firstIndex(of: "="), kind != "none" {
                        options[String(word[..<eq])] = .text(String(word[word.index(after: eq)...]))
                    } else if let positional, options[positional] == nil, !word.isEmpty {
                        options[positional] = .text(word)
                    } else {
                        throw InstructEditError("--method '\(spec)': unknown flag '\(word)' (instruct, unseen\(kind == "none" ? "" : ", key=value"))")
                    }
                }
            }
            if kind == "mend", options["path"] == nil { throw InstructEditError("--method '\(spec)': mend needs a checkpoint path") }
        }
    }

    /// The checkpoint path of a `NAME:mend:PATH...` spec, nil for other kinds; throws on a malformed spec.
    static func checkpointPath(of spec: String) throws -> String? {
        guard case .text(let path)? = try Spec(spec).options["path"] else { return nil }
        return try ShippedEditors.resolve(path)
    }

    static func parse(_ spec: String, model: LanguageModel) throws -> Method {
        let s = try Spec(spec)
        var m = Method(name: s.name, instruct: s.instruct, unseen: s.unseen)
        if s.kind != "none" { m.editor = try makeEditor(s, spec: spec, model: model) }
        return m
    }

    /// The spec's editor from the registry; option errors name the spec and the option as
    /// `editor.new` names them.
    static func makeEditor(_ s: Spec, spec: String, model: LanguageModel?) throws -> any KnowledgeEditor {
        do {
            return try EditorRegistry.make(s.kind, EditorContext(options: .table(s.options), model: model))
        } catch let e as OptionError {
            throw InstructEditError("--method '\(spec)': \(e.description)")
        }
    }
}
