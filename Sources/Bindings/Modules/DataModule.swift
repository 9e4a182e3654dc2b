import Core
import Foundation

/// `data.load`, `data.tasks`, `data.splits`, `data.request`.
enum DataModule: LuaModule {
    static let name: String? = "data"
    static let summary = "The editing data sets (CounterFact, Recent, ConvSent, ZsRE) as lists of plain tables."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("load", signature: "data.load(task, split [, {limit=}]) -> records, problems",
                        summary: "The records of a split (\"train\", \"val\" = every tenth training record, \"test\"), each a table {task, prompt, subject, target, ground_truth, rephrases, equivalence, locality={{prompt, answer, kind}}, portability={{prompt, answers, kind}}, origin, convsent={topic, sentiment, wanted, opposite, locality}}. Records that cannot be read are skipped, with a warning; the second result lists them.",
                        example: "ds = data.load(\"counterfact\", \"test\", {limit=100})") { args in
            let task = try args.checkString(1)
            let split = try args.checkString(2)
            let options = try args.options(3)
            let limit = try options.int("limit")
            try options.rejectUnknown()
            if let limit, limit < 0 { throw args.error(3, "field 'limit': non-negative integer expected, got \(limit)") }
            let load = try Datasets.load(task: task, split: split, limit: limit)
            if !load.problems.isEmpty {
                FileHandle.standardError.write(Data("warning: data.load skipped \(load.problems.count) unreadable record\(load.problems.count == 1 ? "" : "s") of \(task)/\(split) (the second result lists them)\n".utf8))
            }
            return [.array(load.records.map(\.luaValue)), LuaValue(load.problems)]
        }
        module.function("tasks", signature: "data.tasks() -> {names}",
                        summary: "The data sets data.load knows.",
                        example: "data.tasks()  --> {\"counterfact\", \"recent\", \"convsent\", \"zsre\", \"zsre-portability\"}") { _ in
            [LuaValue(Datasets.tasks)]
        }
        module.function("splits", signature: "data.splits(task) -> {names}",
                        summary: "The splits of a data set: {\"train\", \"val\", \"test\"}, or {\"test\"} for the held-out ZsRE sets.",
                        example: "data.splits(\"zsre\")") { args in
            [LuaValue(try Datasets.splits(task: try args.checkString(1)))]
        }
        module.function("request", signature: "data.request(record [, {instruct=true, unseen=false, description=}]) -> request",
                        summary: "The edit request of a record, as ed:edit takes it: its prompt, its target as a continuation (with the leading space), its task, and ConvSent's topic and sentiment.",
                        example: "e = ed:edit(m, data.request(ds[1]))") { args in
            let record: EditRecord
            do { record = try LuaRecordReader(try args.checkTable(1)).record() } catch let e as InstructEditError {
                throw args.error(1, e.message)
            }
            let options = try args.options(2)
            let instruct = try options.bool("instruct", default: true)
            let unseen = try options.bool("unseen", default: false)
            let description = try options.int("description")
            try options.rejectUnknown()
            if let description, description < 1 { throw args.error(2, "field 'description': index from 1 expected, got \(description)") }
            let request = EditRequest(prompt: record.prompt, target: TeacherForcing.continuation(record.target), task: record.task,
                                      instruct: instruct, unseen: unseen, descriptionIndex: description.map { $0 - 1 },
                                      topic: record.convSent?.topic, sentiment: record.convSent?.sentiment.rawValue)
            return [request.luaValue]
        }
    }
}
