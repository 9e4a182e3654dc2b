import Core

/// Describes how a Swift class looks in Lua: its methods (`m:encode(...)`), read-only fields
/// (`m.config`), other keys (`t[1]`), metamethods (`__add`, `__len`, `__call`, ...) and how it prints.
/// Obtained from `LuaModuleBuilder.type`; see `LuaModule` for a complete example.
public final class LuaTypeBuilder<T: AnyObject> {
    let info: LuaTypeInfo
    private let module: LuaModuleBuilder

    init(info: LuaTypeInfo, module: LuaModuleBuilder) {
        self.info = info
        self.module = module
    }

    /// A method called as `obj:name(...)`. `body` receives the object and the arguments, where `self`
    /// is position 1 and the first argument after it position 2.
    public func method(_ name: String, signature: String, summary: String, example: String,
                       _ body: @escaping (T, LuaArgs) throws -> [LuaValue]) {
        info.methods.append((name, { args in try body(args.checkUserdata(1, T.self), args) }))
        module.session.help.add(name: "\(info.name):\(name)", signature: signature, summary: summary, example: example)
    }

    /// A read-only field read as `obj.name`, computed on each access.
    public func field(_ name: String, summary: String, _ get: @escaping (T) throws -> LuaValue) {
        info.fields[name] = { object in
            guard let object = object as? T else { throw InstructEditError("internal error: \(type(of: object)) is not \(T.self)") }
            return try get(object)
        }
        module.session.help.add(name: "\(info.name).\(name)", signature: "\(info.name).\(name)", summary: summary, example: "")
    }

    /// Handles keys that are neither methods nor fields, such as `t[2]` (position 2 holds the key).
    public func index(_ body: @escaping (T, LuaArgs) throws -> [LuaValue]) {
        info.indexFallback = { args in try body(args.checkUserdata(1, T.self), args) }
    }

    /// Any other metamethod, e.g. `__add`, `__len`, `__call`, `__newindex`, `__eq`. The operands are
    /// not necessarily `T` (`1 + t` passes the number first), so `body` checks its arguments itself.
    /// `__index`, `__gc`, `__close`, `__tostring` and `__name` are the session's own.
    public func metamethod(_ name: String, _ body: @escaping LuaFunction) throws {
        guard name.hasPrefix("__"), !LuaTypeInfo.reserved.contains(name) else {
            throw InstructEditError("\(info.name): '\(name)' cannot be set with metamethod(); use method/field/index/description")
        }
        info.metamethods.append((name, body))
    }

    /// What `tostring(obj)` and the REPL show (defaults to "Name: 0x...").
    public func description(_ body: @escaping (T) -> String) {
        info.describe = { object in (object as? T).map(body) ?? "\(type(of: object))" }
    }
}

/// Everything the session knows about one userdata type.
final class LuaTypeInfo {
    static let reserved: Set<String> = ["__index", "__gc", "__close", "__tostring", "__name", "__metatable", "__mode"]

    let name: String
    var methods: [(String, LuaFunction)] = []
    var fields: [String: (AnyObject) throws -> LuaValue] = [:]
    var indexFallback: LuaFunction?
    var metamethods: [(String, LuaFunction)] = []
    var describe: ((AnyObject) -> String)?

    init(name: String) { self.name = name }
}
