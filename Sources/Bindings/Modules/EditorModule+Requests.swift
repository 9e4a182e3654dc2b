import Core

/// Edit requests as Lua tables: `{prompt=, target=, task=, instruct=, unseen=, description=, topic=,
/// sentiment=, rephrase=}`, alone or in a sequence (a batch edit).
extension EditorModule {
    static let requestFields = ["prompt", "target", "task", "instruct", "unseen", "description", "topic", "sentiment", "rephrase"]

    /// One request table, or a non-empty sequence of them, at `index`.
    static func requests(_ args: LuaArgs, _ index: Int) throws -> [EditRequest] {
        let value = try args.checkTable(index)
        if let list = value.arrayValue, !list.isEmpty {
            return try list.enumerated().map { i, item in
                try request(item, args, index, label: "request \(i + 1): ")
            }
        }
        return [try request(value, args, index, label: "")]
    }

    /// Reads one request; errors name the field (and the request, in a batch).
    static func request(_ value: LuaValue, _ args: LuaArgs, _ index: Int, label: String) throws -> EditRequest {
        guard case .table = value, let fields = value.dictionaryValue else {
            if case .table = value {
                throw args.error(index, "\(label)request table {prompt=, target=, ...} or a sequence of them expected")
            }
            throw args.error(index, "\(label)table expected, got \(value.kindName)")
        }
        func fail(_ name: String, _ message: String) -> LuaArgumentError {
            args.error(index, "\(label)field '\(name)': \(message)")
        }
        func string(_ name: String) throws -> String? {
            guard let v = fields[name], v != .nil else { return nil }
            guard let s = v.stringValue else { throw fail(name, "string expected, got \(v.kindName)") }
            return s
        }
        func required(_ name: String) throws -> String {
            guard let s = try string(name) else { throw fail(name, "string expected, got nil") }
            guard !s.isEmpty else { throw fail(name, "non-empty string expected") }
            return s
        }
        func bool(_ name: String) throws -> Bool? {
            guard let v = fields[name], v != .nil else { return nil }
            guard let b = v.boolValue else { throw fail(name, "boolean expected, got \(v.kindName)") }
            return b
        }
        if let unknown = fields.keys.filter({ !requestFields.contains($0) }).sorted().first {
            throw args.error(index, "\(label)unknown field '\(unknown)' (known: \(requestFields.joined(separator: ", ")))")
        }
        let task = try string("task")
        var descriptionIndex: Int?
        if let v = fields["description"], v != .nil {
            guard let d = v.intValue else { throw fail("description", "integer expected, got \(v.kindName)") }
            guard d >= 1 else { throw fail("description", "index from 1 expected, got \(d)") }
            descriptionIndex = d - 1
        }
        return EditRequest(prompt: try required("prompt"), target: try required("target"), task: task,
                           instruct: try bool("instruct") ?? (task != nil), unseen: try bool("unseen") ?? false,
                           descriptionIndex: descriptionIndex, topic: try string("topic"),
                           sentiment: try string("sentiment"), rephrase: try string("rephrase"))
    }
}

extension EditRequest {
    /// The request as the table `ed:edit` reads.
    var luaValue: LuaValue {
        var t: [LuaValue: LuaValue] = ["prompt": .string(prompt), "target": .string(target),
                                       "instruct": .bool(instruct), "unseen": .bool(unseen)]
        if let task { t["task"] = .string(task) }
        if let descriptionIndex { t["description"] = .int(descriptionIndex + 1) }
        if let topic { t["topic"] = .string(topic) }
        if let sentiment { t["sentiment"] = .string(sentiment) }
        if let rephrase { t["rephrase"] = .string(rephrase) }
        return .table(t)
    }
}
