import Core
import Foundation

/// `instructedit eval`: evaluates several editors side by side on several test sets in one process
/// (they share the cached residual streams), writing a Markdown table and JSON. The experiments
/// E1-E5 are runs of this command (see RESULTS.md).
enum EvalCommand {
    static let usage = """
        usage: instructedit eval --method NAME:KIND[:PATH][:instruct][:unseen] ... [--tasks a,b] [--n N]
                                 [--seed N] [--split test|val] [--out table.md] [--json results.json] [--model PATH]
          KIND: none (unedited model), ft (FT-L), mend (an editor checkpoint at PATH)
          e.g. --method "InstructEdit:mend:runs/e1-instruct/best.ckpt:instruct"
        """

    struct Method {
        var name: String
        var editor: (any KnowledgeEditor)?
        var instruct = false
        var unseen = false
    }

    static func main(_ arguments: [String]) -> Int32 {
        var specs: [String] = []
        var tasks = ["counterfact", "recent", "convsent", "zsre"]
        var n = 50
        var split = "test"
        var seed: UInt64 = 0
        var out: String?, jsonOut: String?, modelPath: String?
        do {
            var args = ArgumentReader(arguments)
            while let flag = args.next() {
                switch flag {
                case "--method": specs.append(try args.value(for: flag))
                case "--tasks": tasks = try args.value(for: flag).split(separator: ",").map(String.init)
                case "--n": n = try args.int(for: flag)
                case "--split": split = try args.value(for: flag)
                case "--seed": seed = UInt64(try args.int(for: flag))
                case "--out": out = try args.value(for: flag)
                case "--json": jsonOut = try args.value(for: flag)
                case "--model": modelPath = try args.value(for: flag)
                case "-h", "--help": Console.out(usage); return 0
                default: throw InstructEditError("unknown option '\(flag)'")
                }
            }
            guard !specs.isEmpty else { throw InstructEditError("at least one --method is needed\n" + usage) }
            InterruptSignal.install()
            let model = try LanguageModel.load(modelPath)
            let methods = try specs.map { try parse($0, model: model) }
            let scorer = ModelScorer(model: model, lowestEditedBlock: try EditTargets.mlp(of: model.weights).lowestBlock)
            try scorer.addInstructionPrefixes(tasks: tasks)
            var table = ResultsTable()
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
                    if let out { try write(table.markdown(), to: out) }
                    if let jsonOut { try write(table.json(), to: jsonOut) }
                }
            }
            Console.out(table.markdown())
            return 0
        } catch {
            Console.err("\ninstructedit eval: \(error)")
            return error is Interrupted ? 130 : 1
        }
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

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
