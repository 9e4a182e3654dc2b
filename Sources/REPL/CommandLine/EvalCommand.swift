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
            KIND: none (unedited model), ft (FT-L), mend (an editor checkpoint at PATH)
            e.g. --method "InstructEdit:mend:runs/e1-instruct/best.ckpt:instruct"
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

    func execute() -> Int32 {
        let modelPath = model
        do {
            let tasks = try taskList(tasks, flag: "--tasks")
            InterruptSignal.install()
            let model = try LanguageModel.load(modelPath)
            let methods = try specs.map { try Self.parse($0, model: model) }
            let scorer = ModelScorer(model: model, lowestEditedBlock: try EditTargets.mlp(of: model.weights).lowestBlock)
            try scorer.addInstructionPrefixes(tasks: tasks)
            var table = ResultsTable()
            table.plannedRows = tasks.count * methods.count
            // The table files say "partial" until the last run is in; an error or Ctrl-C leaves them so.
            defer { if !table.rows.isEmpty { Console.out(table.markdown()) } }
            for task in tasks {
                var records = try Datasets.load(task: task, split: split).records
                var rng = SeededRandom(seed: seed)
                records.shuffle(using: &rng)
                records = Array(records.prefix(n))
                for m in methods {
                    var options = EvaluationOptions()
                    options.instruct = m.instruct
                    options.unseen = m.unseen
                    options.seed = seed
                    let result = try Core.Evaluator.run(model: model, editor: m.editor, records: records, options: options, scorer: scorer) { done, total in
                        FileHandle.standardError.write(Data("\r\(task) · \(m.name): \(ProgressText.bar(done: done, total: total))\u{1B}[K".utf8))
                    }
                    table.rows.append(.init(method: m.name, result: result))
                    let s = result.summary
                    Console.err("\r\(task) · \(m.name): rel \(ResultsTable.cell(s.reliability)) gen \(ResultsTable.cell(s.generalization)) loc \(ResultsTable.cell(s.locality)) nbr \(ResultsTable.cell(s.neighbourhood)) port \(ResultsTable.cell(s.portability)) (\(ProgressText.duration(result.seconds)))\u{1B}[K")
                    if let out { try FileAccess.write(Data(table.markdown().utf8), to: out, what: "table") }
                    if let jsonOut { try FileAccess.write(Data(try table.json().utf8), to: jsonOut, what: "JSON results") }
                }
            }
            return 0
        } catch {
            Console.err("\ninstructedit eval: \(error)")
            return error is Interrupted ? 130 : 1
        }
    }

    /// The checkpoint path of a `NAME:mend:PATH...` spec, nil for other kinds; throws on a malformed spec.
    static func checkpointPath(of spec: String) throws -> String? {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty else { throw InstructEditError("--method '\(spec)': expected NAME:KIND[:PATH][:instruct][:unseen]") }
        var rest = Array(parts.dropFirst(2))
        var path: String?
        switch parts[1] {
        case "none", "ft": break
        case "mend":
            guard let p = rest.first, !p.isEmpty else { throw InstructEditError("--method '\(spec)': mend needs a checkpoint path") }
            path = try ShippedEditors.resolve(p)
            rest.removeFirst()
        default: throw InstructEditError("--method '\(spec)': unknown kind '\(parts[1])' (none, ft, mend)")
        }
        for flag in rest where !["instruct", "unseen"].contains(flag) {
            throw InstructEditError("--method '\(spec)': unknown flag '\(flag)' (instruct, unseen)")
        }
        return path
    }

    static func parse(_ spec: String, model: LanguageModel) throws -> Method {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { throw InstructEditError("--method '\(spec)': expected NAME:KIND[:PATH][:instruct][:unseen]") }
        var m = Method(name: parts[0])
        var rest = Array(parts.dropFirst(2))
        switch parts[1] {
        case "none": m.editor = nil
        case "ft": m.editor = try FineTuneEditor()
        case "mend":
            guard let path = rest.first else { throw InstructEditError("--method '\(spec)': mend needs a checkpoint path") }
            rest.removeFirst()
            m.editor = try EditorCheckpoint.read(from: ShippedEditors.resolve(path), expecting: model.editorIdentity).editor
        default: throw InstructEditError("--method '\(spec)': unknown kind '\(parts[1])' (none, ft, mend)")
        }
        for flag in rest {
            switch flag {
            case "instruct": m.instruct = true
            case "unseen": m.unseen = true
            default: throw InstructEditError("--method '\(spec)': unknown flag '\(flag)' (instruct, unseen)")
            }
        }
        return m
    }
}
