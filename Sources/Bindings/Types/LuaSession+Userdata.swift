import CLua
import Core
import Synchronization

/// Swift objects currently retained by userdata, across all sessions.
private let liveObjects = Atomic<Int>(0)

/// A userdata block holds one retained object pointer; nil once the userdata is closed or collected.
private typealias ObjectSlot = UnsafeMutablePointer<UnsafeMutableRawPointer?>

/// Metatable field that marks the userdata types a session created.
private let swiftTypeMarker = "__swift"

extension LuaSession {
    /// How many Swift objects are held by Lua userdata right now (all sessions). Zero after every
    /// session is closed: each userdata releases its object when collected, closed, or at `close()`.
    public static var liveObjectCount: Int { liveObjects.load(ordering: .relaxed) }

    func typeInfo<T: AnyObject>(for type: T.Type) throws -> LuaTypeInfo {
        guard let info = types[ObjectIdentifier(T.self)] else {
            throw InstructEditError("internal error: the Swift type \(T.self) is not registered as a Lua type")
        }
        return info
    }

    /// Creates the metatable of a userdata type, liolib style.
    func defineType(_ info: LuaTypeInfo, for swiftType: ObjectIdentifier, state L: OpaquePointer) throws {
        guard types[swiftType] == nil, typesByName[info.name] == nil, luaL_newmetatable(L, info.name) != 0 else {
            throw InstructEditError("a Lua type named '\(info.name)' (or for this Swift type) is already registered")
        }
        lua_pushboolean(L, 1)
        lua_setfield(L, -2, swiftTypeMarker)

        lua_createtable(L, 0, Int32(info.methods.count))
        for (name, body) in info.methods {
            pushFunction(.values(body), state: L)
            nameForHelp(value: -1, "\(info.name):\(name)", state: L)
            lua_setfield(L, -2, name)
        }
        lua_setfield(L, -2, "__methods")
        // Field names, for tab completion.
        lua_createtable(L, 0, Int32(info.fields.count))
        for name in info.fields.keys {
            lua_pushboolean(L, 1)
            lua_setfield(L, -2, name)
        }
        lua_setfield(L, -2, "__fields")

        pushFunction(.raw { args in try LuaSession.index(args, info: info) }, state: L)
        lua_setfield(L, -2, "__index")
        pushFunction(.raw { args in LuaSession.tostring(args) }, state: L)
        lua_setfield(L, -2, "__tostring")
        for name in ["__gc", "__close"] {
            ie_push_swift_function(L, releaseEntry)
            lua_setfield(L, -2, name)
        }
        for (name, body) in info.metamethods {
            pushFunction(.values(body), state: L)
            lua_setfield(L, -2, name)
        }
        ie_lua_pop(L, 1)
        types[swiftType] = info
        typesByName[info.name] = info
    }

    /// Pushes the userdata of `object`, reusing the live one if the object is already in Lua.
    func pushObject(_ object: AnyObject, state L: OpaquePointer) throws {
        guard let info = types[ObjectIdentifier(type(of: object))] else {
            throw InstructEditError("internal error: the Swift type \(type(of: object)) is not registered as a Lua type")
        }
        let key = UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
        lua_getfield(L, ie_lua_registryindex(), RegistryKey.objects)
        if lua_rawgetp(L, -1, key) == LUA_TUSERDATA {
            ie_lua_remove(L, -2)
            return
        }
        ie_lua_pop(L, 1)
        guard let block = lua_newuserdatauv(L, MemoryLayout<UnsafeMutableRawPointer?>.size, 0) else {
            throw InstructEditError("out of memory")
        }
        block.initializeMemory(as: UnsafeMutableRawPointer?.self, to: Unmanaged.passRetained(object).toOpaque())
        liveObjects.add(1, ordering: .relaxed)
        luaL_setmetatable(L, info.name)
        lua_pushvalue(L, -1)
        lua_rawsetp(L, -3, key)
        ie_lua_remove(L, -2)
    }

    /// The slot and type of a userdata this session created, or nil for any other value.
    private func swiftUserdata(at index: Int32, state L: OpaquePointer) -> (slot: ObjectSlot, info: LuaTypeInfo)? {
        guard lua_type(L, index) == LUA_TUSERDATA, let block = lua_touserdata(L, index),
              lua_rawlen(L, index) == lua_Unsigned(MemoryLayout<UnsafeMutableRawPointer?>.size),
              lua_getmetatable(L, index) != 0 else { return nil }
        let top = lua_gettop(L) - 1
        defer { lua_settop(L, top) }
        LuaStack(state: L, session: self).rawField(-1, "__name")
        guard let name = LuaStack(state: L, session: self).string(at: -1), let info = typesByName[name] else { return nil }
        ie_luaL_getmetatable(L, name)
        guard lua_rawequal(L, -1, -3) != 0 else { return nil }
        return (block.assumingMemoryBound(to: UnsafeMutableRawPointer?.self), info)
    }

    /// The Swift object behind a userdata of any registered type (nil for other values); throws if it
    /// was closed.
    func object(at index: Int32, state L: OpaquePointer) throws -> AnyObject? {
        try swiftUserdata(at: index, state: L).map(Self.unwrap)
    }

    /// The Swift object behind a userdata of type `info` (nil for other values); throws if closed.
    func object(at index: Int32, state L: OpaquePointer, of info: LuaTypeInfo) throws -> AnyObject? {
        guard let found = swiftUserdata(at: index, state: L), found.info === info else { return nil }
        return try Self.unwrap(found)
    }

    private static func unwrap(_ found: (slot: ObjectSlot, info: LuaTypeInfo)) throws -> AnyObject {
        guard let pointer = found.slot.pointee else { throw InstructEditError("attempt to use a closed \(found.info.name)") }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// `__index`: methods first, then fields, then the type's own handler for other keys.
    private static func index(_ args: LuaArgs, info: LuaTypeInfo) throws -> Int32 {
        let L = args.state
        guard let object = try args.session.object(at: 1, state: L, of: info) else {
            throw args.typeError(1, expected: info.name)
        }
        if lua_getmetatable(L, 1) != 0 {
            args.stack.rawField(-1, "__methods")
            lua_pushvalue(L, 2)
            if lua_rawget(L, -2) != LUA_TNIL { return 1 }
        }
        lua_settop(L, 2)
        if let name = args.stack.string(at: 2), let get = info.fields[name] {
            try args.stack.push(get(object))
            return 1
        }
        if let fallback = info.indexFallback { return try args.stack.push(results: fallback(args)) }
        lua_pushnil(L)
        return 1
    }

    /// `__tostring`: the type's description, "Name: 0x..." by default, "Name (closed)" once closed.
    private static func tostring(_ args: LuaArgs) -> Int32 {
        let L = args.state
        guard let (slot, info) = args.session.swiftUserdata(at: 1, state: L) else {
            args.stack.pushString("?")
            return 1
        }
        guard let pointer = slot.pointee else {
            args.stack.pushString("\(info.name) (closed)")
            return 1
        }
        let object = Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
        args.stack.pushString(info.describe?(object) ?? "\(info.name): \(pointer)")
        return 1
    }
}

/// `__gc` and `__close`: releases the object (once) and forgets the userdata in the object cache.
/// Needs no session, so it also runs safely while `lua_close` tears the state down.
private let releaseEntry: ie_swift_fn = { L in
    guard let L, lua_type(L, 1) == LUA_TUSERDATA, let block = lua_touserdata(L, 1),
          lua_rawlen(L, 1) == lua_Unsigned(MemoryLayout<UnsafeMutableRawPointer?>.size),
          luaL_getmetafield(L, 1, swiftTypeMarker) != LUA_TNIL else { return 0 }
    let slot = block.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    guard let pointer = slot.pointee else { return 0 }
    slot.pointee = nil
    lua_getfield(L, ie_lua_registryindex(), RegistryKey.objects)
    if lua_rawgetp(L, -1, pointer) == LUA_TUSERDATA, lua_rawequal(L, -1, 1) != 0 {
        lua_pushnil(L)
        lua_rawsetp(L, -3, pointer)
    }
    Unmanaged<AnyObject>.fromOpaque(pointer).release()
    liveObjects.subtract(1, ordering: .relaxed)
    return 0
}
