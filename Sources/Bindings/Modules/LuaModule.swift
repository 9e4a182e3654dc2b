import CLua
import Core

/// A Lua module written in Swift: a global table of functions (`model.load`), userdata types
/// (`Model` with `m:encode`, `m.config`) and constants, each with its help entry.
///
/// Adding a module takes two steps: write a type conforming to `LuaModule` in its own file under
/// `Sources/Bindings/Modules/`, and add it to `LuaSession.standardModules` (StandardModules.swift).
/// Closures receive a `LuaArgs` (checks worded as Lua's own) and return `[LuaValue]`; whatever they
/// throw becomes a Lua error, so Core's `InstructEditError`s reach the user as they are. A closure
/// must not capture the session; use `args.session`.
///
/// ```swift
/// import Core
///
/// /// A counter, as a complete example of a module with a userdata type.
/// final class Counter {
///     var count = 0
/// }
///
/// enum CounterModule: LuaModule {
///     static let name: String? = "counter"
///     static let summary = "Counters that go up."
///
///     static func register(in module: LuaModuleBuilder) throws {
///         try module.type(Counter.self, name: "Counter", summary: "A number that only goes up.") { t in
///             t.method("add", signature: "c:add([n]) -> integer", summary: "Adds n (default 1), returns the count.",
///                      example: "c:add(2)") { counter, args in
///                 let n = try args.optInt(2, default: 1)   // position 1 is self
///                 guard n >= 0 else { throw args.error(2, "non-negative integer expected, got \(n)") }
///                 counter.count += n
///                 return [.int(counter.count)]
///             }
///             t.field("count", summary: "The current count.") { counter in .int(counter.count) }
///             t.description { counter in "Counter(\(counter.count))" }
///         }
///         module.function("new", signature: "counter.new([options]) -> Counter",
///                         summary: "A new counter; options: start (integer, default 0).",
///                         example: "c = counter.new({start=5})") { args in
///             let options = try args.options(1)
///             let counter = Counter()
///             counter.count = try options.int("start", default: 0)
///             try options.rejectUnknown()
///             return [.object(counter)]
///         }
///     }
/// }
/// ```
///
/// In Lua: `c = counter.new({start=5}); c:add(2); print(c.count, c)` prints `7  Counter(7)`;
/// `c:add("x")` fails with "bad argument #1 to 'add' (number expected, got string)"; `help(c)` and
/// `?counter.new` show the help text.
public protocol LuaModule: Sendable {
    /// The global table the module's functions go into ("model" → `model.load`); nil puts them
    /// directly into the global table (as `help`).
    static var name: String? { get }
    /// One line for `help()`.
    static var summary: String { get }
    /// Adds the module's functions, types and constants.
    static func register(in module: LuaModuleBuilder) throws
}

/// Collects one module's functions, types and constants into its table and the help registry.
public final class LuaModuleBuilder {
    /// The session being set up (its `help` registry, figure folder).
    public let session: LuaSession
    private let name: String?
    private let state: OpaquePointer
    /// Stack position of the module table (the global table for a nil name).
    private let table: Int32

    init(session: LuaSession, name: String?, state: OpaquePointer, table: Int32) {
        self.session = session
        self.name = name
        self.state = state
        self.table = table
    }

    private func qualified(_ member: String) -> String { name.map { "\($0).\(member)" } ?? member }

    /// Adds the function `name` with its help: `signature` is one line ("model.load([path]) -> Model"),
    /// `summary` a sentence, `example` a line of Lua.
    public func function(_ name: String, signature: String, summary: String, example: String,
                         _ body: @escaping LuaFunction) {
        session.pushFunction(.values(body), state: state)
        session.nameForHelp(value: -1, qualified(name), state: state)
        lua_setfield(state, table, name)
        session.help.add(name: qualified(name), signature: signature, summary: summary, example: example)
    }

    /// Adds a constant, e.g. `module.value("version", "0.1")`.
    public func value(_ name: String, _ value: LuaValue) throws {
        try LuaStack(state: state, session: session).push(value)
        lua_setfield(state, table, name)
    }

    /// Registers the Swift class `T` as the userdata type `name` (its `__name`, as in "Model expected,
    /// got table"); `define` adds its methods and fields. Afterwards `.object(instance)` pushes an
    /// instance and `args.checkUserdata(i, T.self)` takes it back.
    public func type<T: AnyObject>(_ type: T.Type, name: String, summary: String,
                                   _ define: (LuaTypeBuilder<T>) throws -> Void) throws {
        let builder = LuaTypeBuilder<T>(info: LuaTypeInfo(name: name), module: self)
        try define(builder)
        try session.defineType(builder.info, for: ObjectIdentifier(T.self), state: state)
        session.help.add(name: name, signature: name, summary: summary, example: "")
    }
}

extension LuaSession {
    /// Registers `module`: builds its table, sets the global and `package.loaded[name]` (so `require`
    /// finds it), and records its help.
    func register(_ module: any LuaModule.Type) throws {
        guard let L = state else { throw InstructEditError("the Lua session is closed") }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        if module.name != nil {
            ie_lua_newtable(L)
        } else {
            ie_lua_pushglobaltable(L)
        }
        let builder = LuaModuleBuilder(session: self, name: module.name, state: L, table: lua_gettop(L))
        try module.register(in: builder)
        guard let name = module.name else { return }
        nameForHelp(value: -1, name, state: L)
        lua_getfield(L, ie_lua_registryindex(), "_LOADED")
        lua_pushvalue(L, -2)
        lua_setfield(L, -2, name)
        ie_lua_pop(L, 1)
        LuaStack(state: L, session: self).setGlobal(name)
        help.add(name: name, signature: name, summary: module.summary, example: "")
    }

    /// Remembers that the value at `index` (a function or module table) is documented as `name`, so
    /// `help(value)` finds it.
    func nameForHelp(value index: Int32, _ name: String, state L: OpaquePointer) {
        let value = lua_absindex(L, index)
        lua_getfield(L, ie_lua_registryindex(), RegistryKey.helpNames)
        lua_pushvalue(L, value)
        LuaStack(state: L, session: self).pushString(name)
        lua_rawset(L, -3)
        ie_lua_pop(L, 1)
    }
}
