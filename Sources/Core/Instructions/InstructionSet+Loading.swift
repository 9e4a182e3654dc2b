import Foundation

extension InstructionSet {
    /// Reads an instructions file laid out like `Resources/instructions.json`:
    /// `{"tasks": [{"task": key, "name": display name, "seen": [...], "unseen": [...]}, ...]}`.
    /// Every mistake is an error naming the file and the entry.
    public static func load(path: String) throws -> InstructionSet {
        let data = try FileAccess.read(path, what: "instructions file")
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw InstructEditError("instructions file \(path) is not valid JSON")
        }
        guard let top = json as? [String: Any], let list = top["tasks"] as? [Any] else {
            throw InstructEditError("instructions file \(path): expected a JSON object with a 'tasks' list")
        }
        let entries = try list.enumerated().map { i, item -> TaskInstructions in
            let at = "instructions file \(path): tasks[\(i)]"
            guard let object = item as? [String: Any] else { throw InstructEditError("\(at) is not a JSON object") }
            guard let key = object["task"] as? String else { throw InstructEditError("\(at): 'task' (a string) missing") }
            if object["name"] != nil && !(object["name"] is String) {
                throw InstructEditError("\(at) ('\(key)'): 'name' is not a string")
            }
            func strings(_ field: String, required: Bool) throws -> [String] {
                guard let value = object[field] else {
                    if required { throw InstructEditError("\(at) ('\(key)'): '\(field)' missing") }
                    return []
                }
                guard let list = value as? [Any], let strings = list as? [String] else {
                    throw InstructEditError("\(at) ('\(key)'): '\(field)' is not a list of strings")
                }
                return strings
            }
            return TaskInstructions(key: key, name: object["name"] as? String ?? key,
                                    seen: try strings("seen", required: true),
                                    unseen: try strings("unseen", required: false))
        }
        do {
            return try InstructionSet(validating: entries)
        } catch let error as InstructEditError {
            throw InstructEditError("instructions file \(path): \(error.message)")
        }
    }

    /// Checks what `render` relies on: unique one-line task keys, at least one seen description
    /// per task, one-line non-empty descriptions, and no braces other than the placeholders.
    public init(validating instructions: [TaskInstructions]) throws {
        var keys = Set<String>()
        for entry in instructions {
            let key = entry.key
            guard !key.isEmpty, !key.contains(where: \.isNewline) else {
                throw InstructEditError("task key '\(key)' must be non-empty and on one line")
            }
            guard keys.insert(key).inserted else { throw InstructEditError("task '\(key)' appears twice") }
            guard !entry.seen.isEmpty else { throw InstructEditError("task '\(key)' has no seen descriptions") }
            for (field, list) in [("seen", entry.seen), ("unseen", entry.unseen)] {
                for (i, description) in list.enumerated() {
                    let at = "task '\(key)' \(field)[\(i)]"
                    guard !description.trimmingCharacters(in: .whitespaces).isEmpty,
                          !description.contains(where: \.isNewline) else {
                        throw InstructEditError("\(at) must be non-empty and on one line")
                    }
                    var rest = description
                    for placeholder in Self.placeholders { rest = rest.replacingOccurrences(of: placeholder, with: "") }
                    if rest.contains("{") || rest.contains("}") {
                        throw InstructEditError("\(at) has a brace that is not a placeholder (allowed: "
                                                + Self.placeholders.joined(separator: ", ") + "): \(description)")
                    }
                }
            }
        }
        self.instructions = instructions
    }
}
