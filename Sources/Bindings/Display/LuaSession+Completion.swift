import CLua

extension LuaSession {
    /// Tab completions for `text`, the input up to the cursor: each is `text` with its trailing name
    /// path ("pri", "sys.cl", "m:enc") completed from the globals, table fields and methods (following
    /// metatables' `__index` tables and the methods and fields of Swift types). After `:` only
    /// functions are offered. Runs no Lua code. Sorted.
    public func completions(for text: String) -> [String] {
        guard let L = state else { return [] }
        let path = String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == ":" }.reversed())
        let head = String(text.dropLast(path.count))
        let separatorIndex = path.lastIndex { $0 == "." || $0 == ":" }
        let base = separatorIndex.map { String(path[..<$0]) } ?? ""
        let partial = separatorIndex.map { String(path[path.index(after: $0)...]) } ?? path
        guard partial.isEmpty || Self.isIdentifier(partial) else { return [] }

        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        var names: [String: Bool]
        if let separatorIndex {
            let components = Self.pathComponents(base)
            guard components.allSatisfy(Self.isIdentifier), pushPath(components, state: L) else { return [] }
            names = memberNames(of: -1, state: L)
            if path[separatorIndex] == ":" { names = names.filter(\.value) }
        } else {
            ie_lua_pushglobaltable(L)
            names = memberNames(of: -1, state: L)
            for keyword in LuaFormatter.keywords { names[keyword] = false }
        }
        let stem = head + (separatorIndex.map { base + String(path[$0]) } ?? "")
        return names.keys.filter { $0.hasPrefix(partial) }.sorted().map { stem + $0 }
    }
}
