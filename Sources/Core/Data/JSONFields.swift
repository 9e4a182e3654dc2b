import Foundation

/// What is wrong with one record; the loader prefixes file and index and skips the record.
struct RecordProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A parsed JSON value. The data files are read with `JSONSerialization` and converted once into
/// this tree: dynamic casts on every field access (each may bridge through Foundation on Linux)
/// cost four times the parse.
indirect enum JSONValue {
    case string(String)
    case number(Double)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(_ any: Any) {
        switch any {
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map { JSONValue($0) })
        case let d as [String: Any]: self = .object(d.mapValues { JSONValue($0) })
        case let n as NSNumber: self = .number(n.doubleValue)
        default: self = .null
        }
    }
}

/// Reads the top-level list of a JSON data file; anything else is the user's error, naming the file.
enum JSONRecordFile {
    static func records(at path: String) throws -> [JSONValue] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InstructEditError("data file not found: \(path)")
        }
        let data = try FileAccess.read(path, what: "data file")
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw InstructEditError("data file \(path) is not valid JSON")
        }
        guard case .array(let list) = JSONValue(object) else {
            throw InstructEditError("data file \(path) is not a JSON list of records")
        }
        return list
    }
}

/// Typed, validating access to one JSON object (a record, or an item inside one). Every failure is
/// a `RecordProblem` naming the field, prefixed with `context` (e.g. "locality 'Forgetfulness' item 0: ").
struct JSONFields {
    let object: [String: JSONValue]
    let context: String

    init(_ value: JSONValue, context: String = "", what: String = "record") throws {
        guard case .object(let object) = value else {
            throw RecordProblem("\(context)\(what) is not a JSON object")
        }
        self.object = object
        self.context = context
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// A required, non-empty string (trimmed).
    func string(_ key: String) throws -> String {
        guard let s = try optionalString(key) else { throw RecordProblem("\(context)'\(key)' missing") }
        return s
    }

    /// A string that may be absent or null; present but empty or not a string is a problem.
    func optionalString(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw RecordProblem("\(context)'\(key)' is not a string") }
        let t = cleanText(s)
        guard !t.isEmpty else { throw RecordProblem("\(context)'\(key)' is empty") }
        return t
    }

    /// A string or a list of strings (absent = empty list); empty strings are dropped.
    func stringList(_ key: String) throws -> [String] {
        guard let v = value(key) else { return [] }
        let items: [JSONValue]
        if case .array(let list) = v { items = list } else { items = [v] }
        return try items.compactMap { item in
            guard case .string(let s) = item else {
                throw RecordProblem("\(context)'\(key)' is not a string or a list of strings")
            }
            let t = cleanText(s)
            return t.isEmpty ? nil : t
        }
    }

    /// Answers in any of the files' shapes — a string, a list of strings, or a list of alias lists —
    /// flattened in order (canonical first). Required and non-empty.
    func answers(_ key: String) throws -> [String] {
        guard let answers = try optionalAnswers(key) else { throw RecordProblem("\(context)'\(key)' missing") }
        return answers
    }

    /// Answers that may be absent; with `emptyIsAbsent`, an empty string or list also counts as absent
    /// (KnowEdit has `"ground_truth": ""` where the old answer is unknown).
    func optionalAnswers(_ key: String, emptyIsAbsent: Bool = false) throws -> [String]? {
        guard let v = value(key) else { return nil }
        var out: [String] = []
        try visitAnswers(v, key: key) { out.append($0); return false }
        if out.isEmpty && emptyIsAbsent { return nil }
        guard !out.isEmpty else { throw RecordProblem("\(context)'\(key)' has no answer") }
        return out
    }

    /// The canonical answer only (the first of `answers(key)`), without reading every alias.
    func firstAnswer(_ key: String) throws -> String {
        guard let v = value(key) else { throw RecordProblem("\(context)'\(key)' missing") }
        var first: String?
        try visitAnswers(v, key: key) { first = $0; return true }
        guard let first else { throw RecordProblem("\(context)'\(key)' has no answer") }
        return first
    }

    /// KnowEdit's `{kind: [{prompt, ground_truth}, ...]}` groups, kinds in sorted order (absent = none).
    func probeGroups(_ key: String) throws -> [(kind: String, items: [JSONFields])] {
        guard let v = value(key) else { return [] }
        guard case .object(let groups) = v else {
            throw RecordProblem("\(context)'\(key)' is not a JSON object of lists")
        }
        return try groups.keys.sorted().map { kind in
            guard case .array(let list)? = groups[kind] else {
                throw RecordProblem("\(context)\(key) '\(kind)' is not a list")
            }
            let items = try list.enumerated().map { i, item in
                try JSONFields(item, context: "\(context)\(key) '\(kind)' item \(i): ", what: "item")
            }
            return (kind, items)
        }
    }

    /// A nested object, or nil when absent.
    func optionalObject(_ key: String) throws -> JSONFields? {
        guard let v = value(key) else { return nil }
        return try JSONFields(v, context: "\(context)\(key): ", what: "'\(key)'")
    }

    /// Calls `found` with each non-empty answer string in order until it returns true. Lists nest
    /// at most twice (a list of alias lists).
    private func visitAnswers(_ value: JSONValue, key: String, depth: Int = 0, _ found: (String) -> Bool) throws {
        var stop = false
        func visit(_ value: JSONValue, depth: Int) throws {
            guard !stop else { return }
            switch value {
            case .string(let s):
                let t = cleanText(s)
                if !t.isEmpty { stop = found(t) }
            case .array(let list) where depth < 2:
                for item in list { try visit(item, depth: depth + 1) }
            default:
                throw RecordProblem("\(context)'\(key)' is not a string, a list of strings or a list of alias lists")
            }
        }
        try visit(value, depth: depth)
    }

    /// nil for absent and for JSON null.
    private func value(_ key: String) -> JSONValue? {
        guard let v = object[key] else { return nil }
        if case .null = v { return nil }
        return v
    }
}

/// The data's strings without surrounding whitespace (ConvSent utterances come padded with spaces).
func cleanText(_ s: String) -> String {
    guard let first = s.first, let last = s.last, first.isWhitespace || last.isWhitespace else { return s }
    return s.trimmingCharacters(in: .whitespacesAndNewlines)
}
