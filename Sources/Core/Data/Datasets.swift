import Foundation

/// Records read from one split, and what could not be read.
public struct DatasetLoad: Sendable {
    public var records: [EditRecord]
    /// One line per skipped record, naming file and 0-based index in the JSON list:
    /// "recent_train.json record 17: 'target_new' missing".
    public var problems: [String]

    public init(records: [EditRecord], problems: [String]) {
        self.records = records
        self.problems = problems
    }
}

/// The project's data sets, by task and split (files under `ResourceFolder.data()`):
///
/// | task | train / val | test |
/// |---|---|---|
/// | counterfact | knowedit/wiki_counterfact/train_cf.json | knowedit/wiki_counterfact/test_cf.json |
/// | recent | knowedit/wiki_recent/recent_train.json | knowedit/wiki_recent/recent_test.json |
/// | convsent | knowedit/Convsent/blender_val.json | knowedit/Convsent/blender_test.json |
/// | zsre | (held out) | knowedit/ZsRE/ZsRE-test-all.json |
/// | zsre-portability | (held out) | easyedit/zsre/zsre_mend_eval_portability_gpt4.json (the paper's ZsRE test; records have task "zsre") |
///
/// `val` is every tenth record of the training file (file indices 9, 19, 29, …) and `train` the
/// other nine tenths, so the two never overlap. Malformed records are skipped and reported.
public enum Datasets {
    /// Task keys that `load(task:split:)` knows.
    public static let tasks = ["counterfact", "recent", "convsent", "zsre", "zsre-portability"]

    /// The splits of a task: ["train", "val", "test"], or ["test"] for the held-out ZsRE sets.
    public static func splits(task: String) throws -> [String] {
        guard let files = catalogue[task] else { throw unknownTask(task) }
        return files.train == nil ? ["test"] : ["train", "val", "test"]
    }

    /// The records of one split; `limit` keeps the first ones. `folder` overrides the data folder
    /// (default `ResourceFolder.data()`: `$INSTRUCTEDIT_DATA` or the shipped data).
    public static func load(task: String, split: String, limit: Int? = nil, folder: String? = nil) throws -> DatasetLoad {
        guard let files = catalogue[task] else { throw unknownTask(task) }
        let file: String?
        let keep: (Int) -> Bool
        switch split {
        case "train": file = files.train; keep = { $0 % 10 != 9 }
        case "val": file = files.train; keep = { $0 % 10 == 9 }
        case "test": file = files.test; keep = { _ in true }
        default: file = nil; keep = { _ in false }
        }
        guard let file else {
            throw InstructEditError("data set '\(task)' has no split '\(split)' (splits: "
                                    + (try splits(task: task)).joined(separator: ", ") + ")")
        }
        let path = (try folder ?? ResourceFolder.data()) + "/" + file
        return try load(path: path, task: files.recordTask, limit: limit, keep: keep)
    }

    /// Every record of a data file in any of the supported formats (KnowEdit, EasyEdit MEND-format
    /// ZsRE, ConvSent; told apart by their fields), labelled with `task`.
    public static func load(path: String, task: String, limit: Int? = nil) throws -> DatasetLoad {
        try load(path: path, task: task, limit: limit, keep: { _ in true })
    }

    private static func load(path: String, task: String, limit: Int?, keep: (Int) -> Bool) throws -> DatasetLoad {
        if let limit, limit < 0 { throw InstructEditError("data set limit must be 0 or more, got \(limit)") }
        let list = try JSONRecordFile.records(at: path)
        let file = URL(fileURLWithPath: path).lastPathComponent
        var parsed: [(index: Int, record: EditRecord)] = []
        var problems: [(index: Int, message: String)] = []
        switch Format(detecting: list) {
        case .convSent:
            (parsed, problems) = ConvSentFormat.records(list, task: task, file: file)
        case let format:
            let paraphrases = format == .knowEdit
                ? try RelationParaphrases.load(path: try ResourceFolder.root() + "/" + RelationParaphrases.fileName)
                : .empty
            for (i, item) in list.enumerated() where keep(i) {
                do {
                    let fields = try JSONFields(item)
                    let origin = "\(file) record \(i)"
                    parsed.append((i, format == .knowEdit
                        ? try KnowEditFormat.record(fields, task: task, origin: origin, paraphrases: paraphrases)
                        : try MENDZsREFormat.record(fields, task: task, origin: origin)))
                } catch {
                    problems.append((i, (error as? RecordProblem)?.message ?? "\(error)"))
                }
            }
        }
        var records = parsed.filter { keep($0.index) }.map(\.record)
        Neighbourhood.assign(&records)
        if let limit, records.count > limit { records.removeSubrange(limit...) }
        let lines = problems.filter { keep($0.index) }.map { "\(file) record \($0.index): \($0.message)" }
        return DatasetLoad(records: records, problems: lines)
    }

    private struct Files {
        let train: String?
        let test: String
        let recordTask: String
    }

    private static let catalogue: [String: Files] = [
        "counterfact": Files(train: "knowedit/wiki_counterfact/train_cf.json",
                             test: "knowedit/wiki_counterfact/test_cf.json", recordTask: "counterfact"),
        "recent": Files(train: "knowedit/wiki_recent/recent_train.json",
                        test: "knowedit/wiki_recent/recent_test.json", recordTask: "recent"),
        "convsent": Files(train: "knowedit/Convsent/blender_val.json",
                          test: "knowedit/Convsent/blender_test.json", recordTask: "convsent"),
        "zsre": Files(train: nil, test: "knowedit/ZsRE/ZsRE-test-all.json", recordTask: "zsre"),
        "zsre-portability": Files(train: nil, test: "easyedit/zsre/zsre_mend_eval_portability_gpt4.json",
                                  recordTask: "zsre"),
    ]

    private static func unknownTask(_ task: String) -> InstructEditError {
        InstructEditError("unknown data set '\(task)' (known: \(tasks.joined(separator: ", ")))")
    }

    private enum Format {
        case knowEdit, mendZsRE, convSent

        /// Decided by the fields of the first record that is a JSON object.
        init(detecting list: [JSONValue]) {
            let first = list.lazy.compactMap { item -> [String: JSONValue]? in
                if case .object(let o) = item { return o } else { return nil }
            }.first ?? [:]
            if first["ent"] != nil { self = .convSent }
            else if first["src"] != nil && first["alt"] != nil { self = .mendZsRE }
            else { self = .knowEdit }
        }
    }
}
