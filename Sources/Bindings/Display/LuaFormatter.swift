import CLua

/// Formats Lua values for the REPL and notebooks (trepl style): strings raw at the top level, tables
/// with sorted keys, limited depth and length, cycles marked, one line when short; values with a
/// `__tostring` (tensors, models) through it, run under the session's protected call.
struct LuaFormatter {
    let session: LuaSession
    let state: OpaquePointer
    var maxDepth = 3
    var maxItems = 50
    var width = 80

    private var L: OpaquePointer { state }
    private var stack: LuaStack { LuaStack(state: state, session: session) }

    /// The text for the value at `index`; `topLevel` prints a string as is, not quoted.
    func describe(_ index: Int32, topLevel: Bool = false) -> String {
        var path: Set<UnsafeRawPointer> = []
        let absolute = lua_absindex(L, index)
        if topLevel, lua_type(L, absolute) == LUA_TSTRING { return stack.string(at: absolute) ?? "" }
        return render(node(at: absolute, depth: 0, path: &path), indent: 0)
    }

    private indirect enum Node {
        case leaf(String)
        /// `key` is nil for the items of the sequence part.
        case table([(key: String?, value: Node)], omitted: Int)
    }

    private func node(at index: Int32, depth: Int, path: inout Set<UnsafeRawPointer>) -> Node {
        switch lua_type(L, index) {
        case LUA_TSTRING: return .leaf(Self.quoted(stack.string(at: index) ?? ""))
        case LUA_TNUMBER, LUA_TBOOLEAN, LUA_TNIL: return .leaf(converted(index))
        case LUA_TTABLE where !hasCustomString(index): return table(at: index, depth: depth, path: &path)
        case LUA_TFUNCTION:
            let top = lua_gettop(L)
            defer { lua_settop(L, top) }
            lua_getfield(L, ie_lua_registryindex(), RegistryKey.helpNames)
            lua_pushvalue(L, index)
            lua_rawget(L, -2)
            if let name = stack.string(at: -1), let entry = session.help.entry(named: name) {
                return .leaf("function: \(entry.signature)")
            }
            return .leaf(converted(index))
        default: return .leaf(converted(index))
        }
    }

    private func hasCustomString(_ index: Int32) -> Bool {
        for field in ["__tostring", "__name"] where luaL_getmetafield(L, index, field) != LUA_TNIL {
            ie_lua_pop(L, 1)
            return true
        }
        return false
    }

    private func table(at index: Int32, depth: Int, path: inout Set<UnsafeRawPointer>) -> Node {
        guard let identity = lua_topointer(L, index) else { return .leaf("{}") }
        if path.contains(identity) { return .leaf("<cycle>") }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        guard lua_checkstack(L, 6) != 0 else { return .leaf("{...}") }
        lua_pushnil(L)
        guard lua_next(L, index) != 0 else { return .leaf("{}") }
        lua_settop(L, top)
        if depth >= maxDepth { return .leaf("{...}") }
        path.insert(identity)
        defer { path.remove(identity) }

        var entries: [(key: String?, value: Node)] = []
        var omitted = 0
        // The sequence part, in order.
        var length: lua_Integer = 0
        while lua_rawgeti(L, index, length + 1) != LUA_TNIL {
            length += 1
            if entries.count < maxItems {
                entries.append((nil, node(at: lua_gettop(L), depth: depth + 1, path: &path)))
            } else {
                omitted += 1
            }
            ie_lua_pop(L, 1)
        }
        ie_lua_pop(L, 1)
        // The other keys, sorted: numbers by value, then strings, then the rest by their text. The keys
        // are kept in a scratch sequence, so the stack does not grow with the table.
        lua_createtable(L, 0, 0)
        let keys = lua_gettop(L)
        var others: [(order: (Int, Double, String), key: String, slot: lua_Integer)] = []
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            ie_lua_pop(L, 1)
            if lua_isinteger(L, -1) != 0, case let k = ie_lua_tointeger(L, -1), k >= 1, k <= length { continue }
            let order: (Int, Double, String)
            let key: String
            switch lua_type(L, -1) {
            case LUA_TNUMBER:
                order = (0, ie_lua_tonumber(L, -1), "")
                key = "[\(converted(-1))]"
            case LUA_TSTRING:
                let s = stack.string(at: -1) ?? ""
                order = (1, 0, s)
                key = LuaSession.isIdentifier(s) && !Self.keywords.contains(s) ? s : "[\(Self.quoted(s))]"
            default:
                let s = converted(-1)
                order = (2, 0, s)
                key = "[\(s)]"
            }
            let slot = lua_Integer(others.count + 1)
            lua_pushvalue(L, -1)
            lua_rawseti(L, keys, slot)
            others.append((order, key, slot))
        }
        others.sort { $0.order < $1.order }
        for other in others {
            guard entries.count < maxItems else {
                omitted += 1
                continue
            }
            lua_rawgeti(L, keys, other.slot)
            lua_rawget(L, index)
            entries.append((other.key, node(at: lua_gettop(L), depth: depth + 1, path: &path)))
            ie_lua_pop(L, 1)
        }
        return .table(entries, omitted: omitted)
    }

    /// A value as `tostring` shows it, with metamethods run under the protected call.
    private func converted(_ index: Int32) -> String {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        switch lua_type(L, index) {
        case LUA_TNIL: return "nil"
        case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
        case LUA_TNUMBER:
            lua_pushvalue(L, index)
            return stack.bytesAsString(at: -1) ?? "?"
        default:
            let value = lua_absindex(L, index)
            lua_pushcclosure(L, ie_tostring, 0)
            lua_pushvalue(L, value)
            if let error = session.protectedCall(L, arguments: 1, results: 1) {
                return "<__tostring failed: \(error.message)>"
            }
            return stack.string(at: -1) ?? "?"
        }
    }

    private func render(_ node: Node, indent: Int) -> String {
        guard case let .table(entries, omitted) = node else {
            if case let .leaf(text) = node { return text }
            return ""
        }
        let items = entries.map { entry in (entry.key.map { "\($0) = " } ?? "", entry.value) }
        let more = omitted > 0 ? ["... (\(omitted) more)"] : []
        let oneLine = "{" + (items.map { $0.0 + render($0.1, indent: indent) } + more).joined(separator: ", ") + "}"
        if indent + oneLine.count <= width, !oneLine.contains("\n") { return oneLine }
        let pad = String(repeating: " ", count: indent + 2)
        var lines = ["{"]
        // Short items of the sequence part share lines, as many as fit.
        var packed = ""
        func flush() {
            if !packed.isEmpty { lines.append(pad + packed) }
            packed = ""
        }
        for (key, value) in items {
            let text = render(value, indent: indent + 2)
            if key.isEmpty, !text.contains("\n") {
                if !packed.isEmpty, pad.count + packed.count + text.count + 2 > width { flush() }
                packed += (packed.isEmpty ? "" : " ") + text + ","
            } else {
                flush()
                lines.append(pad + key + text + ",")
            }
        }
        flush()
        lines += more.map { pad + $0 }
        lines.append(String(repeating: " ", count: indent) + "}")
        return lines.joined(separator: "\n")
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 32 || scalar.value == 127: out += "\\\(scalar.value)"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]
}
