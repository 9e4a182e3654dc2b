import CLua
import Core

/// Reads an options table such as `{max_tokens=32, stop={"\n"}}`, naming the field in errors:
/// "bad argument #3 to 'generate' (field 'max_tokens': number expected, got string)".
///
/// Every reader returns nil (or the default) for a missing field. Call `rejectUnknown()` after reading
/// them all to report a misspelt option instead of ignoring it.
public final class LuaOptions {
    private let args: LuaArgs
    /// Stack position of the table; nil when the argument was missing (no options).
    private let index: Int?
    private var known: Set<String> = []

    init(args: LuaArgs, index: Int?) {
        self.args = args
        self.index = index
    }

    private var L: OpaquePointer { args.state }

    /// Pushes field `name` (raw access), runs `read` with its stack position, pops it.
    private func withField<T>(_ name: String, _ read: (Int32) throws -> T?) throws -> T? {
        known.insert(name)
        guard let index else { return nil }
        args.stack.pushString(name)
        lua_rawget(L, Int32(index))
        defer { ie_lua_pop(L, 1) }
        if lua_type(L, -1) == LUA_TNIL { return nil }
        return try read(lua_gettop(L))
    }

    private func fieldError(_ name: String, _ message: String) -> LuaArgumentError {
        args.error(index ?? 0, "field '\(name)': \(message)")
    }

    private func typeError(_ name: String, expected: String, at position: Int32) -> LuaArgumentError {
        fieldError(name, "\(expected) expected, got \(args.stack.typeName(at: position))")
    }

    public func string(_ name: String) throws -> String? {
        try withField(name) { p in
            guard lua_type(L, p) == LUA_TSTRING || lua_type(L, p) == LUA_TNUMBER, let s = args.stack.bytesAsString(at: p)
            else { throw typeError(name, expected: "string", at: p) }
            return s
        }
    }

    public func string(_ name: String, default value: String) throws -> String { try string(name) ?? value }

    public func number(_ name: String) throws -> Double? {
        try withField(name) { p in
            var ok: Int32 = 0
            let n = lua_tonumberx(L, p, &ok)
            guard ok != 0 else { throw typeError(name, expected: "number", at: p) }
            return n
        }
    }

    public func number(_ name: String, default value: Double) throws -> Double { try number(name) ?? value }

    public func int(_ name: String) throws -> Int? {
        try withField(name) { p in
            var ok: Int32 = 0
            let n = lua_tointegerx(L, p, &ok)
            guard ok != 0 else {
                if lua_isnumber(L, p) != 0 { throw fieldError(name, "number has no integer representation") }
                throw typeError(name, expected: "number", at: p)
            }
            return Int(n)
        }
    }

    public func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

    public func bool(_ name: String) throws -> Bool? {
        try withField(name) { p in
            guard lua_type(L, p) == LUA_TBOOLEAN else { throw typeError(name, expected: "boolean", at: p) }
            return lua_toboolean(L, p) != 0
        }
    }

    public func bool(_ name: String, default value: Bool) throws -> Bool { try bool(name) ?? value }

    /// A string or a sequence of strings (`stop="\n"` or `stop={"\n", "."}`).
    public func strings(_ name: String) throws -> [String]? {
        try withField(name) { p in
            if lua_type(L, p) == LUA_TSTRING { return [args.stack.string(at: p) ?? ""] }
            if lua_type(L, p) == LUA_TTABLE, let items = try? args.stack.value(at: p).arrayValue {
                let strings = items.compactMap(\.stringValue)
                if strings.count == items.count { return strings }
            }
            throw typeError(name, expected: "string or sequence of strings", at: p)
        }
    }

    /// Any value, converted.
    public func value(_ name: String) throws -> LuaValue? {
        try withField(name) { p in
            do { return try args.stack.value(at: p) } catch let e as InstructEditError { throw fieldError(name, e.message) }
        }
    }

    /// The object behind a userdata field of the registered type `T`.
    public func userdata<T: AnyObject>(_ name: String, _ type: T.Type) throws -> T? {
        try withField(name) { p in
            let info = try args.session.typeInfo(for: T.self)
            guard let object = try args.session.object(at: p, state: L, of: info) as? T else {
                throw typeError(name, expected: info.name, at: p)
            }
            return object
        }
    }

    /// Throws if the table has a field none of the readers above asked for.
    public func rejectUnknown() throws {
        guard let index else { return }
        var unknown: [String] = []
        lua_pushnil(L)
        while lua_next(L, Int32(index)) != 0 {
            ie_lua_pop(L, 1)
            if let name = args.stack.string(at: -1) {
                if !known.contains(name) { unknown.append("'\(name)'") }
            } else {
                unknown.append("[\(args.stack.typeName(at: -1)) key]")
            }
        }
        guard unknown.isEmpty else {
            let list = known.sorted().joined(separator: ", ")
            throw args.error(index, "unknown option\(unknown.count > 1 ? "s" : "") \(unknown.sorted().joined(separator: ", ")) (known: \(list))")
        }
    }
}
