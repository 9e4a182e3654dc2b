import CLua

extension LuaSession {
    /// What `help(name)` prints: the overview for "", else the entry for a name or path ("model.load",
    /// "m:encode"), or a line saying there is none. The REPL's `?name`.
    public func helpText(for name: String) -> String {
        if name.isEmpty { return help.overview() }
        guard let L = state else { return "No help: the Lua session is closed." }
        return describedHelp(for: name, state: L) ?? helpText(forName: name, state: L) ?? "No help for '\(name)'."
    }

    /// Help for a name as typed after `?`: a registered name ("model.load", "Model:encode"), or a path
    /// from the globals whose value is documented ("m" → its type, "m:encode" → "Model:encode").
    func helpText(forName name: String, state L: OpaquePointer) -> String? {
        if let text = help.text(for: name) { return text }
        let components = Self.pathComponents(name)
        guard components.allSatisfy(Self.isIdentifier) else { return nil }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        if pushPath(components, state: L), let text = helpText(forValueAt: -1, state: L) { return text }
        // A member of an object: "m:encode" → "Model:encode", "m.config" → "Model.config".
        guard components.count > 1, pushPath(Array(components.dropLast()), state: L),
              let typeName = swiftTypeName(at: -1, state: L) else { return nil }
        let member = components[components.count - 1]
        return help.text(for: "\(typeName):\(member)") ?? help.text(for: "\(typeName).\(member)")
    }

    /// Help for a value: a documented function or module table, or an object of a registered type.
    func helpText(forValueAt index: Int32, state L: OpaquePointer) -> String? {
        let value = lua_absindex(L, index)
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_getfield(L, ie_lua_registryindex(), RegistryKey.helpNames)
        lua_pushvalue(L, value)
        lua_rawget(L, -2)
        if let name = LuaStack(state: L, session: self).string(at: -1) { return help.text(for: name) }
        return swiftTypeName(at: value, state: L).flatMap(help.text(for:))
    }

    /// The registered type name of a userdata made by this session, or nil.
    private func swiftTypeName(at index: Int32, state L: OpaquePointer) -> String? {
        guard lua_type(L, index) == LUA_TUSERDATA, luaL_getmetafield(L, index, "__name") == LUA_TSTRING else { return nil }
        defer { ie_lua_pop(L, 1) }
        return LuaStack(state: L, session: self).string(at: -1).flatMap { typesByName[$0]?.name }
    }
}
