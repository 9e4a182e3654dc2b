import Core
import Foundation

/// `eval.run`, `eval.table`, `eval.json`.
enum EvalModule: LuaModule {
    static let name: String? = "eval"
    static let summary = "Reliability, Generalization, Locality and Portability of an editor on a test set, and results tables."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("run", signature: "eval.run(m, ed or nil, ds or task [, {n=200, instruct=true, unseen=false, description=, seed=0, alias=\"first\", name=, quiet=false}]) -> result",
                        summary: "Edits each record into m alone (undone before the next), scores it, and averages: {reliability=, generalization=, locality=, neighbourhood=, portability= (0-100, nil where the records have no such probe), n=, task=, method=, name=, seconds=, instruct=, unseen=, seed=}. ds is a list of records (the first n are used) or a task name (its test split, shuffled with seed, as `instructedit eval` does). ed=nil scores the unedited model. instruct renders the prompts with task instructions (unseen: held-out ones; description: a fixed one, from 1). Shows progress on a terminal for n > 20; Ctrl-C stops it.",
                        example: "r = eval.run(m, ed, \"counterfact\", {n=50})") { args in
            let m = try args.checkUserdata(1, LuaModel.self)
            let ed = try args.optUserdata(2, LuaEditor.self)
            let options = try args.options(4)
            var o = EvaluationOptions()
            let n = try options.int("n", default: 200)
            o.instruct = try options.bool("instruct", default: true)
            o.unseen = try options.bool("unseen", default: false)
            let description = try options.int("description")
            let seed = try options.int("seed", default: 0)
            let alias = try options.string("alias", default: Metrics.reportedAliasChoice.rawValue)
            let name = try options.string("name")
            let quiet = try options.bool("quiet", default: false)
            try options.rejectUnknown()
            guard n >= 1 else { throw args.error(4, "field 'n': positive integer expected, got \(n)") }
            guard seed >= 0 else { throw args.error(4, "field 'seed': non-negative integer expected, got \(seed)") }
            if let description, description < 1 { throw args.error(4, "field 'description': index from 1 expected, got \(description)") }
            guard let choice = Metrics.AliasChoice(rawValue: alias) else {
                throw args.error(4, "field 'alias': \"best\" or \"first\" expected, got \"\(alias)\"")
            }
            o.n = n
            o.seed = UInt64(seed)
            o.descriptionIndex = description.map { $0 - 1 }
            o.aliasChoice = choice

            let records = try testRecords(args, 3, seed: o.seed, n: n)
            let editor = try ed?.editor(for: m)
            let scorer = ModelScorer(model: m.model, lowestEditedBlock: try lowestEditedBlock(editor, m.model))
            if o.instruct { try scorer.addInstructionPrefixes(tasks: Array(Set(records.map(\.task))).sorted()) }
            let label = Set(records.map(\.task)).count == 1 ? records[0].task : Array(Set(records.map(\.task))).sorted().joined(separator: "+")
            let progress = Progress(enabled: !quiet && min(n, records.count) > 20,
                                    title: "eval \(label) · \(name ?? editor?.method ?? "unedited")")
            defer { progress.finish() }
            let result = try Core.Evaluator.run(model: m.model, editor: editor, records: records, options: o, scorer: scorer) { done, total in
                progress.update(done, total)
            }
            return [luaValue(result, task: label, name: name)]
        }
        module.function("table", signature: "eval.table(result, ...) or eval.table({results}) -> string",
                        summary: "Results of eval.run as Markdown tables, one per task: a row per method (its name, else method and instruction setting), Reliability / Generalization / Locality / Portability and seconds.",
                        example: "print(eval.table(r1, r2))") { args in
            [.string(try markdown(try results(args)))]
        }
        module.function("json", signature: "eval.json(result or {results}) -> string",
                        summary: "A result (or a list of them) as JSON text, e.g. to write to a file.",
                        example: "io.open(\"r.json\", \"w\"):write(eval.json(r)):close()") { args in
            [.string(try json(try args.checkTable(1), args))]
        }
        module.function("read", signature: "eval.read(path) -> {results}",
                        summary: "The results an `instructedit eval --json` file holds, as tables like eval.run's (metrics as numbers 0-100, nil where absent), e.g. to plot runs made on the command line.",
                        example: "rs = eval.read(\"runs/e1-e3.json\"); print(eval.table(rs))") { args in
            let path = try args.checkString(1)
            let data = try FileAccess.read(path, what: "eval results")
            guard let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw InstructEditError("eval.read: '\(path)' is not a list of results as `instructedit eval --json` writes")
            }
            return [.array(list.map(readResult))]
        }
    }

    /// One row of an `eval --json` file as a result table: {value=, n=} metrics become their value.
    static func readResult(_ row: [String: Any]) -> LuaValue {
        var t: [LuaValue: LuaValue] = [:]
        for (key, value) in row {
            switch value {
            case let m as [String: Any]: if let v = m["value"] as? Double { t[.string(key)] = .number(v) }
            case let s as String: t[.string(key)] = .string(s)
            case let b as Bool where key == "instruct" || key == "unseen" || key == "partial": t[.string(key)] = .bool(b)
            case let d as Double: t[.string(key)] = key == "n" ? .int(Int(d)) : .number(d)
            case let i as Int: t[.string(key)] = .int(i)
            default: break
            }
        }
        if let method = row["method"] as? String { t["name"] = .string(method) }
        return .table(t)
    }

    /// The records to evaluate: a list of record tables, or a task name (its test split, shuffled).
    static func testRecords(_ args: LuaArgs, _ index: Int, seed: UInt64, n: Int) throws -> [EditRecord] {
        guard [.string, .table].contains(args.kind(index)) else {
            throw args.typeError(index, expected: "list of records or task name")
        }
        if args.kind(index) == .string {
            var records = try Datasets.load(task: try args.checkString(index), split: "test").records
            var rng = SeededRandom(seed: seed)
            records.shuffle(using: &rng)
            return Array(records.prefix(n))
        }
        guard let list = try args.checkTable(index).arrayValue, !list.isEmpty else {
            throw args.error(index, "non-empty list of records (from data.load) or a task name expected")
        }
        return try list.prefix(n).enumerated().map { i, item in
            do { return try LuaRecordReader(item).record() } catch let e as InstructEditError {
                throw args.error(index, "record \(i + 1): \(e.message)")
            }
        }
    }

    /// The lowest block the editor changes (the scorer caches the residual stream entering it).
    static func lowestEditedBlock(_ editor: (any KnowledgeEditor)?, _ model: LanguageModel) throws -> Int {
        let w = model.weights
        switch editor {
        case let mend as MENDEditor: return try mend.targets(in: model).lowestBlock
        case let ft as FineTuneEditor: return try (ft.targetNames.map { try EditTargets.named($0, in: w) } ?? EditTargets.mlp(of: w)).lowestBlock
        case nil: return (try? EditTargets.mlp(of: w).lowestBlock) ?? 0
        default: return 0
        }
    }

    static func luaValue(_ r: EvaluationResult, task: String, name: String?) -> LuaValue {
        let s = r.summary
        var t: [LuaValue: LuaValue] = [
            "task": .string(task), "method": .string(r.method), "n": .int(s.n), "seconds": .number(r.seconds),
            "instruct": .bool(r.options.instruct), "unseen": .bool(r.options.unseen), "seed": .int(Int(r.options.seed)),
        ]
        for (key, metric) in [("reliability", s.reliability), ("generalization", s.generalization),
                              ("locality", s.locality), ("neighbourhood", s.neighbourhood),
                              ("portability", s.portability)] {
            if let metric { t[.string(key)] = .number(metric.value) }
        }
        if let name { t["name"] = .string(name) }
        return .table(t)
    }
}

/// A progress line on a terminal's stderr, redrawn in place and cleared at the end; nothing when
/// stderr is not a terminal (a notebook or a log keeps only real output).
final class Progress {
    private let enabled: Bool
    private let title: String
    private var shown = false

    init(enabled: Bool, title: String) {
        self.enabled = enabled && isatty(STDERR_FILENO) != 0
        self.title = title
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        shown = true
        write("\r\(title): \(ProgressText.bar(done: done, total: total))\u{1B}[K")
    }

    func line(_ text: String) {
        guard enabled else { return }
        shown = true
        write("\r\(text)\u{1B}[K")
    }

    func finish() {
        if shown { write("\r\u{1B}[K") }
        shown = false
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
