import CLua

/// `?obj` on a value: what the value is, before the help of its type (which lists the methods), and
/// for a plain table (an eval result, a record) its fields and functions.
extension LuaSession {
    /// `?name` on a global path that holds a value (not a registered name): an object is described
    /// before its type's help, a table or plain value described alone. Nil when `name` is a
    /// registered name, a documented function or module, or leads nowhere.
    func describedHelp(for name: String, state L: OpaquePointer) -> String? {
        guard help.entry(named: name) == nil else { return nil }
        let components = Self.pathComponents(name)
        guard components.allSatisfy(Self.isIdentifier) else { return nil }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        guard pushPath(components, state: L) else { return nil }
        if let text = helpText(forValueAt: -1, state: L) {
            return describedValue(named: name, at: -1, state: L).map { $0 + "\n\n" + text }
        }
        guard lua_type(L, -1) != LUA_TFUNCTION else { return nil }
        return describedTable(named: name, at: -1, state: L)
    }

    /// "m: Model, SmolLM2-135M-Instruct.Q4_1 (llama, 30 layers, ...)" for an object of a registered
    /// type; nil for other values (documented functions and modules describe themselves).
    func describedValue(named name: String, at index: Int32, state L: OpaquePointer) -> String? {
        guard lua_type(L, index) == LUA_TUSERDATA else { return nil }
        return "\(name): \(LuaStack(state: L, session: self).typeName(at: index)), \(summary(at: lua_absindex(L, index), state: L))"
    }

    /// A table without help of its own: its fields with their types and values, then the names of
    /// its functions. Another value: its value and type. Nil for nil.
    func describedTable(named name: String, at index: Int32, state L: OpaquePointer) -> String? {
        guard lua_type(L, index) == LUA_TTABLE else {
            guard lua_type(L, index) != LUA_TNIL else { return nil }
            return "\(name) = \(summary(at: lua_absindex(L, index), state: L)) (\(LuaStack(state: L, session: self).typeName(at: index)))"
        }
        let table = lua_absindex(L, index)
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        var fields: [(String, String, String)] = []
        var functions: [String] = []
        var count = 0
        lua_pushnil(L)
        while lua_next(L, table) != 0 {
            count += 1
            let key = lua_type(L, -2) == LUA_TSTRING ? LuaStack(state: L, session: self).string(at: -2) : nil
            if let key, Self.isIdentifier(key) {
                if lua_type(L, -1) == LUA_TFUNCTION {
                    functions.append(key)
                } else {
                    fields.append((key, LuaStack(state: L, session: self).typeName(at: -1), summary(at: lua_gettop(L), state: L)))
                }
            }
            ie_lua_pop(L, 1)
        }
        let length = Int(lua_rawlen(L, table))
        var lines = ["\(name): a table of \(count) entr\(count == 1 ? "y" : "ies")" + (length > 0 ? ", \(length) in sequence" : "")]
        if !fields.isEmpty {
            let width = min(24, fields.map(\.0.count).max() ?? 0)
            lines.append("fields:")
            for (key, type, value) in fields.sorted(by: { $0.0 < $1.0 }) {
                lines.append("  \(key.padding(toLength: max(width, key.count), withPad: " ", startingAt: 0))  \(type): \(value)")
            }
        }
        if !functions.isEmpty { lines.append("functions: " + functions.sorted().map { "\(name).\($0)" }.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
