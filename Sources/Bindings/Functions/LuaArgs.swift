import CLua
import Core

/// The arguments of a Swift function called from Lua, with lauxlib's checks. Positions are Lua stack
/// positions from 1; in a method `self` is 1, so the first argument after it is 2 (as in lauxlib, and
/// Lua's error message then counts it as #1).
///
/// Every check throws a `LuaArgumentError` worded as Lua's own ("bad argument #2 to 'edit' (string
/// expected, got nil)"); `opt*` variants accept a missing argument or nil.
public struct LuaArgs {
    let state: OpaquePointer
    /// The session running the call (figures, help, other objects).
    public let session: LuaSession

    init(state: OpaquePointer, session: LuaSession) {
        self.state = state
        self.session = session
    }

    private var L: OpaquePointer { state }
    var stack: LuaStack { LuaStack(state: state, session: session) }

    /// How many arguments were passed.
    public var count: Int { Int(lua_gettop(L)) }

    /// The kind of value at `index` (`.none` past the last argument).
    public func kind(_ index: Int) -> LuaKind { LuaKind(lua_type(L, Int32(index))) }

    public func isNoneOrNil(_ index: Int) -> Bool { ie_lua_isnoneornil(L, Int32(index)) != 0 }

    /// A bad-argument error for checks of your own: `throw args.error(2, "positive number expected")`.
    public func error(_ index: Int, _ message: String) -> LuaArgumentError {
        LuaArgumentError(argument: index, message)
    }

    /// luaL_typeerror's "string expected, got nil".
    func typeError(_ index: Int, expected: String) -> LuaArgumentError {
        error(index, "\(expected) expected, got \(stack.typeName(at: Int32(index)))")
    }

    // MARK: Strings and numbers

    /// A string (numbers are converted, as luaL_checkstring does).
    public func checkString(_ index: Int) throws -> String {
        let type = lua_type(L, Int32(index))
        guard type == LUA_TSTRING || type == LUA_TNUMBER, let s = stack.bytesAsString(at: Int32(index)) else {
            throw typeError(index, expected: "string")
        }
        return s
    }

    public func optString(_ index: Int) throws -> String? {
        isNoneOrNil(index) ? nil : try checkString(index)
    }

    public func optString(_ index: Int, default value: String) throws -> String {
        try optString(index) ?? value
    }

    /// A number (numeric strings are converted, as luaL_checknumber does).
    public func checkNumber(_ index: Int) throws -> Double {
        var ok: Int32 = 0
        let n = lua_tonumberx(L, Int32(index), &ok)
        guard ok != 0 else { throw typeError(index, expected: "number") }
        return n
    }

    public func optNumber(_ index: Int) throws -> Double? {
        isNoneOrNil(index) ? nil : try checkNumber(index)
    }

    public func optNumber(_ index: Int, default value: Double) throws -> Double {
        try optNumber(index) ?? value
    }

    /// An integer: an integer, a float with an exact integer value, or a string of one.
    public func checkInt(_ index: Int) throws -> Int {
        var ok: Int32 = 0
        let n = lua_tointegerx(L, Int32(index), &ok)
        guard ok != 0 else {
            if lua_isnumber(L, Int32(index)) != 0 { throw error(index, "number has no integer representation") }
            throw typeError(index, expected: "number")
        }
        return Int(n)
    }

    public func optInt(_ index: Int) throws -> Int? {
        isNoneOrNil(index) ? nil : try checkInt(index)
    }

    public func optInt(_ index: Int, default value: Int) throws -> Int {
        try optInt(index) ?? value
    }

    /// A boolean (strictly `true` or `false`).
    public func checkBool(_ index: Int) throws -> Bool {
        guard lua_type(L, Int32(index)) == LUA_TBOOLEAN else { throw typeError(index, expected: "boolean") }
        return lua_toboolean(L, Int32(index)) != 0
    }

    public func optBool(_ index: Int, default value: Bool) throws -> Bool {
        isNoneOrNil(index) ? value : try checkBool(index)
    }

    // MARK: Tables and any value

    /// A table, converted (sequences to `.array`, others to `.table`).
    public func checkTable(_ index: Int) throws -> LuaValue {
        guard lua_type(L, Int32(index)) == LUA_TTABLE else { throw typeError(index, expected: "table") }
        do {
            return try stack.value(at: Int32(index))
        } catch let e as InstructEditError {
            throw error(index, e.message)
        }
    }

    public func optTable(_ index: Int) throws -> LuaValue? {
        isNoneOrNil(index) ? nil : try checkTable(index)
    }

    /// A sequence of integers, as token ids: `{504, 3575}`.
    public func checkIntArray(_ index: Int) throws -> [Int] {
        try checkArray(index, of: "integer") { $0.intValue }
    }

    /// A sequence of numbers.
    public func checkNumberArray(_ index: Int) throws -> [Double] {
        try checkArray(index, of: "number") { $0.doubleValue }
    }

    /// A sequence of strings.
    public func checkStringArray(_ index: Int) throws -> [String] {
        try checkArray(index, of: "string") { $0.stringValue }
    }

    private func checkArray<T>(_ index: Int, of element: String, _ convert: (LuaValue) -> T?) throws -> [T] {
        guard let items = try checkTable(index).arrayValue else {
            throw error(index, "sequence of \(element)s expected, got a table with other keys")
        }
        return try items.enumerated().map { i, item in
            guard let value = convert(item) else {
                throw error(index, "\(element) expected at [\(i + 1)], got \(item.kindName)")
            }
            return value
        }
    }

    /// Any value, converted (nil for a missing argument).
    public func value(_ index: Int) throws -> LuaValue {
        do {
            return try stack.value(at: Int32(index))
        } catch let e as InstructEditError {
            throw error(index, e.message)
        }
    }

    /// The options table at `index` (a missing argument or nil reads as an empty table).
    public func options(_ index: Int) throws -> LuaOptions {
        if isNoneOrNil(index) { return LuaOptions(args: self, index: nil) }
        guard lua_type(L, Int32(index)) == LUA_TTABLE else { throw typeError(index, expected: "table") }
        return LuaOptions(args: self, index: index)
    }

    // MARK: Userdata

    /// The Swift object behind a userdata of the registered type `T` (luaL_checkudata):
    /// "bad argument #1 to 'edit' (Model expected, got table)".
    public func checkUserdata<T: AnyObject>(_ index: Int, _ type: T.Type) throws -> T {
        let info = try session.typeInfo(for: T.self)
        guard let object = try session.object(at: Int32(index), state: L, of: info) as? T else {
            throw typeError(index, expected: info.name)
        }
        return object
    }

    public func optUserdata<T: AnyObject>(_ index: Int, _ type: T.Type) throws -> T? {
        isNoneOrNil(index) ? nil : try checkUserdata(index, type)
    }

    // MARK: Calling back into Lua

    /// Calls the function at `index` (e.g. a callback argument) with `arguments`, under the session's
    /// protected call; a Lua error is thrown as `LuaError` (and re-raised if you let it propagate).
    public func call(_ index: Int, with arguments: [LuaValue] = []) throws -> [LuaValue] {
        guard isCallable(index) else { throw typeError(index, expected: "function") }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_pushvalue(L, Int32(index))
        for argument in arguments { try stack.push(argument) }
        if let error = session.protectedCall(L, arguments: Int32(arguments.count)) { throw error }
        return try (top + 1 ..< lua_gettop(L) + 1).map { try stack.value(at: $0) }
    }

    private func isCallable(_ index: Int) -> Bool {
        if lua_type(L, Int32(index)) == LUA_TFUNCTION { return true }
        guard luaL_getmetafield(L, Int32(index), "__call") != LUA_TNIL else { return false }
        ie_lua_pop(L, 1)
        return true
    }
}

/// The type of a Lua value, as `lua_type` reports it.
public enum LuaKind: Sendable {
    case none, `nil`, boolean, lightUserdata, number, string, table, function, userdata, thread

    init(_ type: Int32) {
        switch type {
        case LUA_TNIL: self = .nil
        case LUA_TBOOLEAN: self = .boolean
        case LUA_TLIGHTUSERDATA: self = .lightUserdata
        case LUA_TNUMBER: self = .number
        case LUA_TSTRING: self = .string
        case LUA_TTABLE: self = .table
        case LUA_TFUNCTION: self = .function
        case LUA_TUSERDATA: self = .userdata
        case LUA_TTHREAD: self = .thread
        default: self = .none
        }
    }
}

extension LuaValue {
    /// Lua's name for the kind of this value, for error messages.
    var kindName: String {
        switch self {
        case .nil: "nil"
        case .bool: "boolean"
        case .int, .number: "number"
        case .string: "string"
        case .array, .table: "table"
        case .object: "userdata"
        }
    }
}
