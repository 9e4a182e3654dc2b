import CLua

/// Looks values up by name without running any Lua code (no `__index` functions, no calls), for tab
/// completion and help. Tables are read raw, then through their metatables' `__index` tables; userdata
/// of Swift types through their `__methods` and `__fields`.
extension LuaSession {
    /// Splits "a.b:c" into ["a", "b", "c"].
    static func pathComponents(_ path: String) -> [String] {
        path.split(separator: ".", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: ":", omittingEmptySubsequences: false) }
            .map(String.init)
    }

    /// Pushes the value at `components` from the global table and returns true, or pushes nothing and
    /// returns false when a step is missing.
    func pushPath(_ components: [String], state L: OpaquePointer) -> Bool {
        let top = lua_gettop(L)
        ie_lua_pushglobaltable(L)
        for component in components {
            guard pushField(of: -1, component, state: L) else {
                lua_settop(L, top)
                return false
            }
            ie_lua_remove(L, -2)
        }
        return true
    }

    /// Pushes `value[key]` for the value at `index` and returns true, or pushes nothing and returns false.
    func pushField(of index: Int32, _ key: String, state L: OpaquePointer) -> Bool {
        let top = lua_gettop(L)
        lua_pushvalue(L, index)
        let stack = LuaStack(state: L, session: self)
        for _ in 0..<8 {
            // Stack: top+1 = the value searched now.
            if lua_type(L, top + 1) == LUA_TTABLE {
                stack.pushString(key)
                if lua_rawget(L, top + 1) != LUA_TNIL { return found(top: top, state: L) }
                ie_lua_pop(L, 1)
            }
            guard lua_getmetatable(L, top + 1) != 0 else { break }
            if LuaStack(state: L, session: self).rawField(-1, "__methods") == LUA_TTABLE {
                stack.pushString(key)
                if lua_rawget(L, -2) != LUA_TNIL { return found(top: top, state: L) }
                ie_lua_pop(L, 1)
            }
            ie_lua_pop(L, 1)
            guard LuaStack(state: L, session: self).rawField(-1, "__index") == LUA_TTABLE else { break }
            ie_lua_replace(L, top + 1)
            lua_settop(L, top + 1)
        }
        lua_settop(L, top)
        return false
    }

    /// Moves the value on top to `top + 1` and drops the rest.
    private func found(top: Int32, state L: OpaquePointer) -> Bool {
        ie_lua_replace(L, top + 1)
        lua_settop(L, top + 1)
        return true
    }

    /// The names reachable from the value at `index` with `.` or `:`, and whether each is a function.
    func memberNames(of index: Int32, state L: OpaquePointer) -> [String: Bool] {
        var names: [String: Bool] = [:]
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_pushvalue(L, index)
        var seen: Set<UnsafeRawPointer> = []
        for _ in 0..<8 {
            if lua_type(L, top + 1) == LUA_TTABLE, let p = lua_topointer(L, top + 1), seen.insert(p).inserted {
                addKeys(of: top + 1, to: &names, state: L)
            }
            guard lua_getmetatable(L, top + 1) != 0 else { break }
            if LuaStack(state: L, session: self).rawField(-1, "__methods") == LUA_TTABLE { addKeys(of: lua_gettop(L), to: &names, state: L) }
            ie_lua_pop(L, 1)
            if LuaStack(state: L, session: self).rawField(-1, "__fields") == LUA_TTABLE {
                for name in addKeys(of: lua_gettop(L), to: &names, state: L) { names[name] = false }
            }
            ie_lua_pop(L, 1)
            guard LuaStack(state: L, session: self).rawField(-1, "__index") == LUA_TTABLE else { break }
            ie_lua_replace(L, top + 1)
            lua_settop(L, top + 1)
        }
        return names
    }

    /// Adds the identifier keys of the table at `index`; returns the ones it added.
    @discardableResult
    private func addKeys(of index: Int32, to names: inout [String: Bool], state L: OpaquePointer) -> [String] {
        var added: [String] = []
        let stack = LuaStack(state: L, session: self)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            if let key = stack.string(at: -2), Self.isIdentifier(key), names[key] == nil {
                names[key] = lua_type(L, -1) == LUA_TFUNCTION
                added.append(key)
            }
            ie_lua_pop(L, 1)
        }
        return added
    }

    static func isIdentifier(_ s: some StringProtocol) -> Bool {
        guard let first = s.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return s.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
    }
}
