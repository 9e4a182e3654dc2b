import CLua
import Core

/// Moves values between Swift and a Lua stack. Uses only API calls that cannot raise a Lua error
/// (raw table access, no metamethods), so it is safe in Swift frames.
struct LuaStack {
    let state: OpaquePointer
    let session: LuaSession

    private var L: OpaquePointer { state }

    // MARK: Swift → Lua

    func pushString(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes `value`; nested tables are built with raw sets.
    func push(_ value: LuaValue) throws {
        guard lua_checkstack(L, 4) != 0 else { throw InstructEditError("Lua stack overflow (a value is nested too deeply)") }
        switch value {
        case .nil: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .int(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): pushString(s)
        case .array(let elements):
            lua_createtable(L, Int32(clamping: elements.count), 0)
            for (i, element) in elements.enumerated() {
                try push(element)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .table(let entries):
            lua_createtable(L, 0, Int32(clamping: entries.count))
            for (key, element) in entries {
                if key == .nil || key.doubleValue?.isNaN == true {
                    throw InstructEditError("a table key cannot be nil or NaN")
                }
                try push(key)
                try push(element)
                lua_rawset(L, -3)
            }
        case .object(let object):
            try session.pushObject(object, state: L)
        }
    }

    /// Pushes a function's results, returning how many.
    func push(results: [LuaValue]) throws -> Int32 {
        guard lua_checkstack(L, Int32(clamping: results.count + 4)) != 0 else {
            throw InstructEditError("too many results (\(results.count))")
        }
        for value in results { try push(value) }
        return Int32(results.count)
    }

    /// Pushes `table[name]` for the table at `index` without metamethods; returns its type.
    @discardableResult
    func rawField(_ index: Int32, _ name: String) -> Int32 {
        let table = lua_absindex(L, index)
        pushString(name)
        return lua_rawget(L, table)
    }

    /// Pops the value on top into the global `name` (raw: a metatable on `_G` cannot raise here).
    func setGlobal(_ name: String) {
        ie_lua_pushglobaltable(L)
        ie_lua_insert(L, -2)
        pushString(name)
        ie_lua_insert(L, -2)
        lua_rawset(L, -3)
        ie_lua_pop(L, 1)
    }

    // MARK: Lua → Swift

    /// The string at `index` without converting numbers in place (nil for anything but a string).
    func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        return bytesAsString(at: index)
    }

    /// The string at `index`, which must be a string or a number (a number is converted in place, as
    /// `lua_tolstring` does).
    func bytesAsString(at index: Int32) -> String? {
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self)
    }

    /// The Lua type name of the value at `index` as `luaL_typeerror` names it: `__name` of its
    /// metatable if a string, else "light userdata", "no value", "nil", "table", ...
    func typeName(at index: Int32) -> String {
        if luaL_getmetafield(L, index, "__name") == LUA_TSTRING, let name = string(at: -1) {
            ie_lua_pop(L, 1)
            return name
        }
        if lua_type(L, index) == LUA_TLIGHTUSERDATA { return "light userdata" }
        return String(cString: ie_luaL_typename(L, index))
    }

    /// Converts the value at `index`. Functions, coroutines and foreign userdata have no Swift form.
    func value(at index: Int32) throws -> LuaValue {
        var path: Set<UnsafeRawPointer> = []
        return try value(at: lua_absindex(L, index), path: &path)
    }

    private func value(at index: Int32, path: inout Set<UnsafeRawPointer>) throws -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNONE, LUA_TNIL: return .nil
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            return lua_isinteger(L, index) != 0 ? .int(Int(ie_lua_tointeger(L, index))) : .number(ie_lua_tonumber(L, index))
        case LUA_TSTRING: return .string(string(at: index) ?? "")
        case LUA_TTABLE: return try table(at: index, path: &path)
        case LUA_TUSERDATA:
            if let object = try session.object(at: index, state: L) { return .object(object) }
            throw InstructEditError("a \(typeName(at: index)) value cannot be converted to a Swift value")
        default:
            throw InstructEditError("a \(typeName(at: index)) value cannot be converted to a Swift value")
        }
    }

    private func table(at index: Int32, path: inout Set<UnsafeRawPointer>) throws -> LuaValue {
        guard let identity = lua_topointer(L, index), path.insert(identity).inserted else {
            throw InstructEditError("a table that contains itself cannot be converted to a Swift value")
        }
        defer { path.remove(identity) }
        guard lua_checkstack(L, 4) != 0 else { throw InstructEditError("Lua stack overflow (a table is nested too deeply)") }
        var entries: [LuaValue: LuaValue] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let key = try value(at: lua_gettop(L) - 1, path: &path)
            entries[key] = try value(at: lua_gettop(L), path: &path)
            ie_lua_pop(L, 1)
        }
        let count = entries.count
        if count > 0, (1...count).allSatisfy({ entries[.int($0)] != nil }) {
            return .array((1...count).map { entries[.int($0)] ?? .nil })
        }
        return .table(entries)
    }
}
