import Core
import Foundation

/// `eval.run`, `eval.table`, `eval.json`.
enum EvalModule: LuaModule {
    static let name: String? = "eval"
    static let summary = "Reliability, Generalization, Locality and Portability of an editor on a test set, and results tables."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("run", signature: "eval.run(m, ed or nil, ds or task [, {n=200, instruct=true, unseen=false, description=, seed=0, alias=\"first\", split=\"test\", name=, quiet=false}]) -> result",
                        summary: "Edits each record into m alone (undone before the next), scores it, and averages: {reliability=, generalization=, locality=, neighbourhood=, portability=, reliability_plain= (0-100, nil where the records have no such probe; reliability_plain: on the plain edit prompt, scored when instruct is on), n=, task=, method=, name=, seconds=, instruct=, unseen=, seed=}. ds is a list of records (the first n are used) or a task name (a sample of its split, shuffled with seed, as `instructedit eval` takes it). ed=nil scores the unedited model. instruct renders the prompts with task instructions (unseen: held-out ones; description: a fixed one, from 1). Shows progress on a terminal for n > 20; Ctrl-C stops it.",
                        example: "r = eval.run(m, ed, \"counterfact\", {n=50})") { args in
            let m = try args.checkUserdata(1, LuaModel.self)
            let ed = try args.optUserdata(2, LuaEditor.self)
            // The evaluation settings decode as `instructedit eval`'s flags do; name and quiet are Lua's.
            var o = EvaluationOptions()
            o.n = 200
            o.instruct = true
            let table = try args.optionTable(4)
            let (name, quiet) = try args.reportingOptions(4) {
                try OptionDecoder.decode(from: table) { d -> (String?, Bool) in
                    try o.update(from: d)
                    let k = try d.container(keyedBy: SurfaceKey.self)
                    return (try k.decodeIfPresent(String.self, forKey: .name), try k.decodeIfPresent(Bool.self, forKey: .quiet) ?? false)
                }
            }
            let n = o.n ?? 200

            let records = try testRecords(args, 3, options: o)
            let editor = try ed?.editor(for: m)
            let scorer = try ModelScorer(model: m.model, editor: editor,
                                         instructionTasks: o.instruct ? Array(Set(records.map(\.task))).sorted() : [])
            let label = Set(records.map(\.task)).count == 1 ? records[0].task : Array(Set(records.map(\.task))).sorted().joined(separator: "+")
            let progress = ProgressLine(title: "eval \(label) · \(name ?? editor?.method ?? "unedited")",
                                        enabled: !quiet && min(n, records.count) > 20)
            defer { progress.finish() }
            let result = try Core.Evaluator.run(model: m.model, editor: editor, records: records, options: o, scorer: scorer) { done, total in
                progress.update(done, total)
            }
            return [luaValue(result, task: label, name: name)]
        }
        module.function("table", signature: "eval.table(result, ...) or eval.table({results}) -> string",
                        summary: "Results of eval.run as Markdown tables, one per task: a row per method (its name, else method and instruction setting), Reliability, Reliability on the plain prompt (instruction-rendered rows), Generalization, Locality, Neighbourhood, Portability and seconds.",
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

    /// The fields of `eval.run`'s options beside the evaluation settings.
    enum SurfaceKey: String, CodingKey { case name, quiet }

    /// The records to evaluate: a list of record tables, or a task name (a sample of its split).
    static func testRecords(_ args: LuaArgs, _ index: Int, options o: EvaluationOptions) throws -> [EditRecord] {
        guard [.string, .table].contains(args.kind(index)) else {
            throw args.typeError(index, expected: "list of records or task name")
        }
        if args.kind(index) == .string {
            return try Datasets.sample(task: try args.checkString(index), split: o.split, seed: o.seed, n: o.n)
        }
        guard let list = try args.checkTable(index).arrayValue, !list.isEmpty else {
            throw args.error(index, "non-empty list of records (from data.load) or a task name expected")
        }
        return try list.prefix(o.n ?? list.count).enumerated().map { i, item in
            do { return try LuaRecordReader(item).record() } catch let e as InstructEditError {
                throw args.error(index, "record \(i + 1): \(e.message)")
            }
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
                              ("portability", s.portability), ("reliability_plain", s.plainReliability)] {
            if let metric { t[.string(key)] = .number(metric.value) }
        }
        if let name { t["name"] = .string(name) }
        return .table(t)
    }
}
