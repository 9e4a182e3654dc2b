import CLua
import Core

/// `who()`: the globals a user made in this session, with their types and sizes (trepl's `who`).
extension LuaSession {
    /// The names of the global table's string keys.
    func globalNames() -> Set<String> {
        guard let L = state else { return [] }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        ie_lua_pushglobaltable(L)
        var names: Set<String> = []
        lua_pushnil(L)
        while lua_next(L, top + 1) != 0 {
            ie_lua_pop(L, 1)
            if let name = LuaStack(state: L, session: self).string(at: -1) { names.insert(name) }
        }
        return names
    }

    /// One row per user global (not the built-in ones, nor the results `_` and `_n`), sorted by
    /// name: name, type, and what it holds.
    public func userGlobals() -> [(name: String, type: String, summary: String)] {
        guard let L = state else { return [] }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let names = globalNames().subtracting(builtinGlobals).filter { name in
            !(name.first == "_" && name.dropFirst().allSatisfy(\.isNumber))
        }
        return names.sorted().compactMap { name in
            ie_lua_pushglobaltable(L)
            LuaStack(state: L, session: self).pushString(name)
            lua_rawget(L, -2)
            defer { lua_settop(L, top) }
            return (name, LuaStack(state: L, session: self).typeName(at: -1), summary(at: lua_gettop(L), state: L))
        }
    }

    /// `who()`'s table, or a line saying there is nothing yet.
    public func whoText() -> String {
        let rows = userGlobals()
        guard !rows.isEmpty else { return "No globals of your own yet." }
        let nameWidth = max(4, rows.map(\.name.count).max() ?? 0), typeWidth = max(4, rows.map(\.type.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        return ([pad("name", nameWidth) + "  " + pad("type", typeWidth) + "  value"]
                + rows.map { pad($0.name, nameWidth) + "  " + pad($0.type, typeWidth) + "  " + $0.summary })
            .joined(separator: "\n")
    }

    /// A one-line size or value: a tensor's shape and bytes, a model's name and shape, a table's
    /// entry count, a string's length, a number's value.
    func summary(at index: Int32, state L: OpaquePointer) -> String {
        let stack = LuaStack(state: L, session: self)
        switch lua_type(L, index) {
        case LUA_TNUMBER, LUA_TBOOLEAN:
            return LuaFormatter(session: self, state: L).describe(index)
        case LUA_TSTRING:
            let s = stack.string(at: index) ?? ""
            return "\(s.utf8.count) bytes: " + LuaFormatter.quoted(s.count > 40 ? String(s.prefix(39)) + "…" : s)
        case LUA_TTABLE:
            var count = 0
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                ie_lua_pop(L, 1)
                count += 1
            }
            let length = lua_rawlen(L, index)
            return length > 0 && Int(length) == count ? "\(count) items" : "\(count) entries"
        case LUA_TUSERDATA:
            guard let object = try? object(at: index, state: L) else { return "(closed)" }
            switch object {
            case let box as TensorBox:
                let t = box.tensor
                return "size \(t.shape.map(String.init).joined(separator: "x")) (\(Self.bytes(t.count * 4)))"
            case let m as LuaModel:
                return m.summary.hasPrefix("Model ") ? String(m.summary.dropFirst(6)) : m.summary
            default:
                let text = LuaFormatter(session: self, state: L).describe(index)
                let line = text.split(separator: "\n").first.map(String.init) ?? text
                return line.count > 100 ? String(line.prefix(99)) + "…" : line
            }
        default:
            return LuaFormatter(session: self, state: L).describe(index)
        }
    }

    /// 40 → "40 B", 123456 → "120.6 KB".
    static func bytes(_ n: Int) -> String {
        for (scale, unit) in [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")] where n >= scale {
            return String(format: "%.1f", Double(n) / Double(scale)) + " " + unit
        }
        return "\(n) B"
    }
}
