import CLua
import Core
import Foundation
import Synchronization

/// A Lua 5.4 state with the standard libraries and InstructEdit's modules, and the one place Swift runs
/// Lua code. The REPL, scripts and notebooks each own one session.
///
/// A session is used from one thread. The exceptions are `interrupt()` (any thread) and
/// `LuaSession.interruptRunning()` (a signal handler).
public final class LuaSession: @unchecked Sendable {
    /// The Lua state; nil once closed.
    var state: OpaquePointer?
    /// The state's address, fixed at creation, compared with `runningState` without touching `state`.
    private let stateAddress: Int

    /// One-line signatures, summaries and examples of every registered module, function and type.
    public let help = HelpRegistry()
    /// Swift closures callable from Lua, indexed by the slot each Lua closure carries as an upvalue.
    var functions: [LuaFunctionSlot] = []
    /// Userdata types by Swift type and by Lua name.
    var types: [ObjectIdentifier: LuaTypeInfo] = [:]
    var typesByName: [String: LuaTypeInfo] = [:]

    /// Where plot functions write images when the user gives no path. The notebook points it at the
    /// folder beside its report; created on first use by `newFigurePath`.
    public var figureDirectory: String = "figures"
    /// Whether plot functions given no path write image files. Notebooks and scripts do; the REPL
    /// draws figures in the terminal instead and writes files only when a path is given.
    public var writesFigureFiles = true
    /// Figures recorded since the last `takeFigures()`.
    public private(set) var figures: [LuaFigure] = []
    private var figureCounter = 0

    /// The globals a fresh session has (Lua's and the modules'); `who()` lists the others.
    var builtinGlobals: Set<String> = []
    /// Number of cells run in `.cell` mode; cell `n`'s first value is the global `_n`.
    public private(set) var cellCount = 0
    /// Depth of Swift → Lua calls in progress, so only the outermost manages interrupts.
    private var callDepth = 0

    /// Creates a state, opens Lua's standard libraries and registers `modules` in order.
    public init(modules: [any LuaModule.Type] = LuaSession.standardModules) throws {
        guard let L = luaL_newstate() else { throw InstructEditError("cannot create a Lua state (out of memory)") }
        state = L
        stateAddress = Int(bitPattern: UnsafeMutableRawPointer(L))
        // Touch the globals the signal handler reads, so their lazy initialisation never runs there.
        _ = runningState.load(ordering: .relaxed)
        Interrupt.reset()
        luaL_openlibs(L)
        ie_lua_extraspace(L).pointee = Unmanaged.passUnretained(self).toOpaque()
        createRegistryTables(L)
        do {
            for module in modules { try register(module) }
        } catch {
            close()
            throw error
        }
        builtinGlobals = globalNames()
    }

    deinit { close() }

    /// The session that owns `L` (or one of its coroutines).
    static func owning(_ L: OpaquePointer) -> LuaSession? {
        guard let raw = ie_lua_extraspace(L).pointee else { return nil }
        return Unmanaged<LuaSession>.fromOpaque(raw).takeUnretainedValue()
    }

    public var isClosed: Bool { state == nil }

    /// Closes the state: every userdata is finalised, so the Swift objects behind them are released.
    public func close() {
        guard let L = state else { return }
        lua_close(L)
        state = nil
        functions = []
    }

    private func createRegistryTables(_ L: OpaquePointer) {
        for (key, mode) in [(RegistryKey.objects, "v"), (RegistryKey.helpNames, "k"), (RegistryKey.hooks, "k")] {
            ie_lua_newtable(L)
            ie_lua_newtable(L)
            lua_pushstring(L, mode)
            lua_setfield(L, -2, "__mode")
            lua_setmetatable(L, -2)
            lua_setfield(L, ie_lua_registryindex(), key)
        }
    }

    // MARK: Running code

    /// Runs `code`. In `.cell` mode (the REPL, notebooks) an expression, or a last line that is one,
    /// yields its values (see `loadCell`); the cell is numbered and its first value becomes `_` and `_n`.
    /// In `.chunk` mode the code runs as a plain chunk (`-e`). Never throws: errors are in the result.
    public func run(_ code: String, chunkName: String = "=stdin", mode: LuaRunMode = .cell) -> LuaRunResult {
        let start = DispatchTime.now()
        guard let L = state else { return LuaRunResult(error: LuaError(message: "the Lua session is closed")) }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }

        if mode == .chunk || !loadCell(L, code, chunkName: chunkName) {
            if let message = load(L, code, chunkName: chunkName) {
                return LuaRunResult(error: LuaError(message: message), isIncomplete: message.hasSuffix("<eof>"),
                                    seconds: seconds(since: start))
            }
        }
        var result = LuaRunResult()
        if mode == .cell {
            cellCount += 1
            result.cell = cellCount
        }
        result.error = callOutermost(L, arguments: 0)
        if result.error == nil {
            let count = lua_gettop(L) - top
            let formatter = LuaFormatter(session: self, state: L)
            result.values = (0..<count).map { formatter.describe(top + 1 + $0, topLevel: true) }
            if mode == .cell && count > 0 {
                lua_pushvalue(L, top + 1)
                LuaStack(state: L, session: self).setGlobal("_")
                lua_pushvalue(L, top + 1)
                LuaStack(state: L, session: self).setGlobal("_\(cellCount)")
            }
        }
        result.seconds = seconds(since: start)
        return result
    }

    /// Runs the script at `path` as lua.c does: the global `arg` holds the script name at 0 and
    /// `arguments` from 1, and the chunk receives `arguments` as `...`.
    public func runFile(_ path: String, arguments: [String] = []) -> LuaRunResult {
        let start = DispatchTime.now()
        guard let L = state else { return LuaRunResult(error: LuaError(message: "the Lua session is closed")) }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let stack = LuaStack(state: L, session: self)
        lua_createtable(L, Int32(arguments.count), 1)
        stack.pushString(path)
        lua_rawseti(L, -2, 0)
        for (i, argument) in arguments.enumerated() {
            stack.pushString(argument)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        LuaStack(state: L, session: self).setGlobal("arg")
        if ie_luaL_loadfile(L, path) != LUA_OK {
            return LuaRunResult(error: LuaError(message: stack.string(at: -1) ?? "cannot load \(path)"))
        }
        for argument in arguments { stack.pushString(argument) }
        var result = LuaRunResult(error: callOutermost(L, arguments: Int32(arguments.count)))
        result.seconds = seconds(since: start)
        return result
    }

    /// Compiles a cell that yields values: `return <code>` (an expression), or the statements with
    /// `return` before the last line when that line is an expression (`x = f()` then `x * 2`). Line
    /// numbers stay those of `code`. Returns false when neither compiles.
    private func loadCell(_ L: OpaquePointer, _ code: String, chunkName: String) -> Bool {
        if load(L, "return " + code, chunkName: chunkName) == nil { return true }
        let body = code.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let split = body.lastIndex(of: "\n"),
              let lead = code.range(of: body).map({ code[..<$0.lowerBound] }) else { return false }
        let statements = lead + body[..<split]
        let last = body[body.index(after: split)...]
        // The last line must be an expression on its own: a block's closing `end` would otherwise
        // become `return end`, a return inside the loop it closes.
        guard load(L, "return " + last, chunkName: chunkName) == nil else { return false }
        ie_lua_pop(L, 1)
        return load(L, statements + "\nreturn " + last, chunkName: chunkName) == nil
    }

    /// Compiles `code` onto the stack; returns the syntax error message instead (pushing nothing) when it
    /// does not compile.
    private func load(_ L: OpaquePointer, _ code: String, chunkName: String) -> String? {
        var code = code
        let status = code.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { ie_luaL_loadbuffer(L, $0.baseAddress, $0.count, chunkName) }
        }
        if status == LUA_OK { return nil }
        defer { ie_lua_pop(L, 1) }
        return LuaStack(state: L, session: self).string(at: -1) ?? "syntax error"
    }

    /// The one protected call from Swift into Lua: calls the function below `arguments` values on the
    /// stack under lua.c's traceback handler, leaving its results (or nothing, on error) on the stack.
    func protectedCall(_ L: OpaquePointer, arguments: Int32, results: Int32 = LUA_MULTRET) -> LuaError? {
        let base = lua_gettop(L) - arguments
        lua_pushcclosure(L, ie_msghandler, 0)
        ie_lua_insert(L, base)
        let status = ie_lua_pcall(L, arguments, results, base)
        ie_lua_remove(L, base)
        guard status != LUA_OK else { return nil }
        let error = LuaError(handled: LuaStack(state: L, session: self).string(at: -1) ?? "(error object is not a string)")
        ie_lua_pop(L, 1)
        return error
    }

    /// A top-level call: while it runs, Ctrl-C (`interruptRunning`) and `interrupt()` can stop it.
    private func callOutermost(_ L: OpaquePointer, arguments: Int32) -> LuaError? {
        guard callDepth == 0 else { return protectedCall(L, arguments: arguments) }
        callDepth += 1
        Interrupt.reset()
        ie_lua_clear_hook(L)
        runningState.store(stateAddress, ordering: .releasing)
        defer {
            runningState.store(0, ordering: .releasing)
            ie_lua_clear_hook(L)
            callDepth -= 1
        }
        return protectedCall(L, arguments: arguments)
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    // MARK: Interrupts

    /// Stops the code this session is running: a Lua loop at its next instruction ("interrupted!"),
    /// a long Swift loop at its next `Interrupt.check()`. Safe from any thread; does nothing when
    /// this session is not running code.
    public func interrupt() {
        let running = runningState.load(ordering: .acquiring)
        guard running != 0, running == stateAddress, let L = OpaquePointer(bitPattern: running) else { return }
        Interrupt.request()
        ie_set_interrupt_hook(L)
    }

    /// Interrupts whichever session is running code. Async-signal-safe: the REPL's SIGINT handler
    /// calls it (after at least one session exists).
    public static func interruptRunning() {
        Interrupt.request()
        let running = runningState.load(ordering: .acquiring)
        if running != 0, let L = OpaquePointer(bitPattern: running) { ie_set_interrupt_hook(L) }
    }

    // MARK: Globals

    /// Reads the global `name` as a Swift value.
    public func global(_ name: String) throws -> LuaValue {
        guard let L = state else { throw InstructEditError("the Lua session is closed") }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        ie_lua_pushglobaltable(L)
        LuaStack(state: L, session: self).pushString(name)
        lua_rawget(L, -2)
        return try LuaStack(state: L, session: self).value(at: -1)
    }

    /// Sets the global `name` to `value`.
    public func setGlobal(_ name: String, _ value: LuaValue) throws {
        guard let L = state else { throw InstructEditError("the Lua session is closed") }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try LuaStack(state: L, session: self).push(value)
        LuaStack(state: L, session: self).setGlobal(name)
    }

    // MARK: Figures

    /// Notes that a plot function made a figure (an image at `path`, "" when no file was written),
    /// so the notebook can show it under the cell and the REPL in the terminal.
    public func recordFigure(path: String, title: String, scene: PlotScene? = nil) {
        figures.append(LuaFigure(path: path, title: title, scene: scene))
    }

    /// Returns and forgets the figures recorded so far.
    public func takeFigures() -> [LuaFigure] {
        defer { figures = [] }
        return figures
    }

    /// A fresh path `<figureDirectory>/<stem>-<n>.<ext>` for a plot the user gave no path for; creates
    /// the folder.
    public func newFigurePath(stem: String = "figure", extension ext: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: figureDirectory, withIntermediateDirectories: true)
        } catch {
            throw InstructEditError("cannot create the figure folder \(figureDirectory): \(FileAccess.reason(error))")
        }
        while true {
            figureCounter += 1
            let path = (figureDirectory as NSString).appendingPathComponent("\(stem)-\(figureCounter).\(ext)")
            if !FileManager.default.fileExists(atPath: path) { return path }
        }
    }
}

/// The state address of the session running a top-level call (0 when none); read by signal handlers.
private let runningState = Atomic<Int>(0)

/// Registry fields holding the session's private tables.
enum RegistryKey {
    /// Weak-valued: Swift object address → its userdata, so one object is one Lua value.
    static let objects = "instructedit.objects"
    /// Weak-keyed: function or module table → its help name.
    static let helpNames = "instructedit.helpnames"
    /// Weak-keyed: model userdata → its hooks, {{id=, name=, fn=}, ...} (see ModelModule+Hooks).
    static let hooks = "instructedit.hooks"
}

/// How `LuaSession.run` treats its code.
public enum LuaRunMode: Sendable {
    /// A REPL or notebook cell: `return <code>` first, results numbered as `_n`.
    case cell
    /// A plain chunk, as `lua -e`.
    case chunk
}

/// A figure a plot function made: the image it wrote ("" if none), the title it showed, and the
/// scene itself, for drawing it again elsewhere (in the terminal).
public struct LuaFigure: Sendable, Equatable {
    public let path: String
    public let title: String
    public let scene: PlotScene?

    public init(path: String, title: String, scene: PlotScene? = nil) {
        self.path = path
        self.title = title
        self.scene = scene
    }

    /// Same file and title (scenes are not compared).
    public static func == (a: LuaFigure, b: LuaFigure) -> Bool { a.path == b.path && a.title == b.title }
}

/// The outcome of running a cell, chunk or script.
public struct LuaRunResult: Sendable {
    /// The returned values, formatted for printing (strings raw, tables pretty-printed).
    public var values: [String] = []
    /// The Lua error (message and traceback), if the code failed to compile or run.
    public var error: LuaError?
    /// The code is an unfinished statement (a syntax error at `<eof>`, which `error` holds): read
    /// another line.
    public var isIncomplete = false
    /// The cell number (`.cell` mode only): its first value is the global `_<cell>`.
    public var cell: Int?
    /// Wall-clock time of compiling and running.
    public var seconds: Double = 0

    public var succeeded: Bool { error == nil && !isIncomplete }
}

/// A Lua error as the user sees it: the message and, for runtime errors, the stack traceback.
public struct LuaError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    /// "stack traceback:\n\t..." or "" (syntax errors have none).
    public let traceback: String

    public init(message: String, traceback: String = "") {
        self.message = message
        self.traceback = traceback
    }

    /// Splits what `ie_msghandler` produced into message and traceback.
    init(handled text: String) {
        if let range = text.range(of: "\nstack traceback:") {
            message = String(text[..<range.lowerBound])
            // Only the user's own frames: C frames ("[C]: in function 'tensor.zeros'", "[C]: in ?")
            // are the bindings' and Lua's machinery, not places to look.
            let frames = text[range.upperBound...].split(separator: "\n").filter { !$0.hasPrefix("\t[C]:") }
            traceback = frames.isEmpty ? "" : (["stack traceback:"] + frames).joined(separator: "\n")
        } else {
            message = text
            traceback = ""
        }
    }

    public var description: String { traceback.isEmpty ? message : message + "\n" + traceback }
}
