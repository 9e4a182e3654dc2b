/// Help text for every module, function, type, method and field. Modules add their entries as they
/// register (`LuaModuleBuilder` does it); `help(x)` in Lua and `?name` in the REPL print them.
/// Names: `model` (module), `model.load` (function), `Model` (type), `Model:encode` (method),
/// `Model.config` (field).
public final class HelpRegistry {
    public struct Entry: Sendable, Equatable {
        public let name: String
        /// One line: "model.load([path]) -> Model".
        public let signature: String
        public let summary: String
        /// A line of Lua, or "".
        public let example: String
    }

    private var entries: [String: Entry] = [:]

    /// Adds or replaces the entry for `name`.
    public func add(name: String, signature: String, summary: String, example: String) {
        entries[name] = Entry(name: name, signature: signature, summary: summary, example: example)
    }

    public func entry(named name: String) -> Entry? { entries[name] }

    /// Entries one level below `name` (`model.load`, `Model:encode`, `Model.config`), sorted.
    public func members(of name: String) -> [Entry] {
        entries.values.filter { entry in
            guard entry.name.count > name.count + 1, entry.name.hasPrefix(name) else { return false }
            let rest = entry.name.dropFirst(name.count)
            return (rest.first == "." || rest.first == ":") && !rest.dropFirst().contains(where: { $0 == "." || $0 == ":" })
        }
        .sorted { $0.name < $1.name }
    }

    /// The help text for `name`: its signature, summary and example, then its members.
    public func text(for name: String) -> String? {
        guard let entry = entries[name] else { return nil }
        var lines = [entry.signature == entry.name ? entry.name : entry.signature]
        if !entry.summary.isEmpty { lines.append("  " + entry.summary) }
        if !entry.example.isEmpty { lines.append("  example: " + entry.example) }
        let members = members(of: name)
        if !members.isEmpty {
            let width = min(members.map(\.signature.count).max() ?? 0, 40)
            lines.append("")
            for member in members {
                let padded = member.signature.padding(toLength: max(width, member.signature.count), withPad: " ", startingAt: 0)
                lines.append("  \(padded)  \(member.summary)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The overview `help()` prints: every module and global function with its summary.
    public func overview() -> String {
        let top = entries.values.filter { !$0.name.contains(".") && !$0.name.contains(":") }
            .sorted { $0.name < $1.name }
        let width = top.map(\.name.count).max() ?? 0
        var lines = ["InstructEdit: instruction-based knowledge editing in Lua 5.4.", ""]
        for entry in top {
            lines.append("  \(entry.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(entry.summary)")
        }
        lines.append("")
        lines.append("help(x) describes a module, function or object (?x in the REPL).")
        return lines.joined(separator: "\n")
    }
}
