import Bindings
import Core
import Foundation
import XCTest

/// Calls every function of every standard module, and every method and metamethod of every userdata
/// type, with wrong argument types and counts. Each call must return or fail with a proper message
/// ("bad argument #1 to 'x' (...)", never an internal error or a non-string), and never crash.
///
/// The functions are found, not listed: the tables of `LuaSession.standardModules`, global functions
/// with a help entry, and the metatables of Swift userdata types in the registry (methods from
/// `__methods`, metamethods from the metatable). Objects that successful calls return become the
/// `self` of their type's methods, so modules added later are covered without changing this test.
final class ExhaustiveArgumentTests: XCTestCase {
    /// Functions that are called only with arguments that cannot be valid (a boolean, a function or a
    /// coroutine first), because plausible ones would make them slow. Add a function here when the
    /// test reports that one of its calls took too long.
    static let cheapArgumentsOnly: [String: String] = [
        "sys.sleep": "a positive number sleeps that long",
        "model.load": "no path, nil or an options table loads the 98 MB default model",
    ]

    /// Modules whose every function needs arguments, so every function must reject some of the calls.
    static let strictModules = ["tensor", "plot", "analysis"]

    func testEveryFunctionRejectsWrongArgumentsWithAMessage() throws {
        let before = LuaSession.liveObjectCount
        let lua = try LuaSession()
        let sweep = try Self.sweep(lua, modules: LuaSession.standardModules)
        XCTAssertTrue(sweep.failures.isEmpty, "\(sweep.failures.count) bad calls:\n" + sweep.failures.prefix(40).joined(separator: "\n"))
        print("ExhaustiveArgumentTests: \(sweep.calls) calls to \(sweep.visited.count) functions in \(String(format: "%.2f", sweep.seconds)) s")

        for module in LuaSession.standardModules.compactMap({ $0.name }) {
            XCTAssertTrue(sweep.visited.contains { $0.hasPrefix(module + ".") }, "no functions found in module \(module)")
        }
        XCTAssertTrue(sweep.visited.contains("help"))
        XCTAssertTrue(sweep.visited.contains("Tensor:mm") && sweep.visited.contains("Tensor.__add") && sweep.visited.contains("Tensor.__index"))
        for name in sweep.visited where Self.strictModules.contains(where: { name.hasPrefix($0 + ".") }) {
            XCTAssertNotNil(sweep.errors[name], "\(name) accepted every wrong call")
        }
        XCTAssertGreaterThan(sweep.calls, 10_000)

        // The session is still sound, and every object it made goes away with it.
        XCTAssertEqual(lua.values("return (tensor.ones(2) + 1):sum()"), ["4.0"])
        lua.close()
        XCTAssertEqual(LuaSession.liveObjectCount, before)
    }

    /// The sweep notices a function whose error is not worded for the user, and finds methods through
    /// objects that other functions return.
    func testSweepReportsBadMessages() throws {
        let modules = LuaSession.standardModules + [CarelessModule.self]
        let lua = try LuaSession(modules: modules)
        defer { lua.close() }
        let sweep = try Self.sweep(lua, modules: modules)
        XCTAssertTrue(sweep.failures.contains { $0.hasPrefix("careless.leak(2.5): bad message: ") }, sweep.failures.joined(separator: "\n"))
        XCTAssertTrue(sweep.failures.contains { $0.hasPrefix("Careless:peek(Careless, 2.5): bad message: ") }, sweep.failures.joined(separator: "\n"))
        XCTAssertTrue(sweep.failures.allSatisfy { $0.contains("(2.5") || $0.contains(", 2.5") }, sweep.failures.joined(separator: "\n"))
    }

    private struct Sweep {
        var failures: [String], calls: Int, visited: [String], errors: [String: LuaValue], seconds: Double
    }

    /// Runs the sweep over `modules` (registered in `lua`) and the userdata types of `lua`.
    private static func sweep(_ lua: LuaSession, modules: [any LuaModule.Type]) throws -> Sweep {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ie-exhaustive-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Numbers are valid Lua strings, so a wrong-typed path such as 2.5 names a file: keep such
        // files out of the working tree by sweeping from inside the scratch folder.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let previousDirectory = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(folder.path)
        defer { FileManager.default.changeCurrentDirectoryPath(previousDirectory) }
        lua.figureDirectory = folder.appendingPathComponent("figures").path
        let globals = lua.values("""
            local names = {}
            for k, v in pairs(_G) do if type(k) == 'string' and type(v) == 'function' then names[#names + 1] = k end end
            return table.concat(names, ' ')
            """).first?.split(separator: " ").map(String.init) ?? []
        try lua.setGlobal("_modules", LuaValue(modules.compactMap { $0.name }))
        try lua.setGlobal("_functions", LuaValue(globals.filter { lua.help.entry(named: $0) != nil }.sorted()))
        try lua.setGlobal("_cheap", LuaValue(cheapArgumentsOnly.keys.sorted()))
        // A path in a folder that does not exist, so functions that write files fail instead.
        try lua.setGlobal("_path", .string(folder.appendingPathComponent("missing/file").path))

        let start = Date()
        let result = withStandardOutputDiscarded { lua.run(sweepCode, chunkName: "=sweep", mode: .chunk) }
        if let error = result.error { throw error }
        return Sweep(failures: try lua.global("_failures").arrayValue?.compactMap(\.stringValue) ?? [],
                     calls: try lua.global("_calls").intValue ?? 0,
                     visited: try lua.global("_visited").arrayValue?.compactMap(\.stringValue) ?? [],
                     errors: try lua.global("_errors").dictionaryValue ?? [:],
                     seconds: Date().timeIntervalSince(start))
    }

    /// Runs `body` with file descriptor 1 pointed at /dev/null (`help` prints whatever it is given).
    private static func withStandardOutputDiscarded<R>(_ body: () -> R) -> R {
        fflush(nil)
        let saved = dup(1), null = open("/dev/null", O_WRONLY)
        guard saved >= 0, null >= 0 else { return body() }
        dup2(null, 1)
        defer {
            fflush(nil)
            dup2(saved, 1)
            close(saved)
            close(null)
        }
        return body()
    }

    /// The sweep, in Lua: reads `_modules`, `_functions`, `_cheap`, `_path`; leaves `_failures`,
    /// `_calls`, `_visited` and `_errors` (calls that failed, by function).
    static let sweepCode = #"""
        local cheap = {}
        for _, name in ipairs(_cheap) do cheap[name] = true end
        local noop = function() end
        local co = coroutine.create(noop)
        local T = tensor.ones(2, 2)
        local V = table.pack(nil, true, false, 0, -1, 2.5, 0/0, math.huge, -math.huge, 1 << 40, '', _path,
                             {}, {1, 2}, {{}}, {a = 1}, noop, co, io.stdout, T, tensor.from(3))
        local firsts = table.pack(T, 1, '', {})
        local lists = {{n = 0}}
        for i = 1, V.n do
          lists[#lists + 1] = table.pack(V[i])
          lists[#lists + 1] = table.pack(V[i], V[i])
          for j = 1, firsts.n do
            lists[#lists + 1] = table.pack(firsts[j], V[i])
            lists[#lists + 1] = table.pack(V[i], firsts[j])
          end
        end
        for _, filler in ipairs({T, 1, 'x'}) do
          local many = {n = 9}
          for i = 1, 9 do many[i] = filler end
          lists[#lists + 1] = many
        end

        local function swiftType(v)
          local mt = type(v) == 'userdata' and getmetatable(v)
          return mt and rawget(mt, '__swift') and rawget(mt, '__name') or nil
        end
        local function describe(list)
          local parts = {}
          for i = 1, list.n do
            local v = list[i]
            if type(v) == 'string' then parts[i] = string.format('%q', v)
            elseif type(v) == 'userdata' then parts[i] = (getmetatable(v) or {}).__name or 'userdata'
            else parts[i] = tostring(v) end
          end
          return '(' .. table.concat(parts, ', ') .. ')'
        end
        local function cheapList(list)
          local kind = list.n > 0 and type(list[1])
          return kind == 'boolean' or kind == 'function' or kind == 'thread'
        end

        _failures, _calls, _visited, _errors = {}, 0, {}, {}
        local instances = {Tensor = T}
        local function fail(name, list, what) _failures[#_failures + 1] = name .. describe(list) .. ': ' .. what end

        -- One call: success, or a string message in Lua's wording; `expect` must then appear in it.
        local function call(name, f, list, expect)
          local t0 = os.clock()
          local r = table.pack(pcall(f, table.unpack(list, 1, list.n)))
          local dt = os.clock() - t0
          _calls = _calls + 1
          if dt > 2 then fail(name, list, string.format('took %.1f s; add it to cheapArgumentsOnly', dt)) end
          if r[1] then
            for i = 2, r.n do
              local tn = swiftType(r[i])
              if tn and instances[tn] == nil then instances[tn] = r[i] end
            end
            if expect then fail(name, list, 'succeeded; expected an error mentioning "' .. expect .. '"') end
            return
          end
          _errors[name] = (_errors[name] or 0) + 1
          local err = r[2]
          if type(err) ~= 'string' then return fail(name, list, 'raised a ' .. type(err) .. ' instead of a message') end
          if err == '' or err:find('internal error', 1, true) or err:find('error object is not a string', 1, true) then
            return fail(name, list, 'bad message: ' .. err)
          end
          if err:find('bad argument', 1, true) and not err:find("bad argument #%d+ to '[^']+' %(.+%)$") then
            return fail(name, list, 'malformed message: ' .. err)
          end
          if expect and not err:find(expect, 1, true) then fail(name, list, 'message "' .. err .. '" lacks "' .. expect .. '"') end
        end

        local function sweep(name, f, prefix)
          _visited[#_visited + 1] = name
          for _, list in ipairs(lists) do
            if not cheap[name] or cheapList(list) then
              if prefix then list = table.pack(prefix, table.unpack(list, 1, list.n)) end
              call(name, f, list)
            end
          end
        end

        local function sortedFunctions(t)
          local keys = {}
          for k, v in pairs(t) do if type(k) == 'string' and type(v) == 'function' then keys[#keys + 1] = k end end
          table.sort(keys)
          return keys
        end

        for _, m in ipairs(_modules) do
          for _, k in ipairs(sortedFunctions(_G[m])) do sweep(m .. '.' .. k, _G[m][k]) end
        end
        for _, name in ipairs(_functions) do sweep(name, _G[name]) end

        -- Userdata types: methods with wrong selves, then with a real self; metamethods with both.
        local registry = debug.getregistry()
        local typeNames = {}
        for k, v in pairs(registry) do
          if type(k) == 'string' and type(v) == 'table' and rawget(v, '__swift') then typeNames[#typeNames + 1] = k end
        end
        table.sort(typeNames)
        for _, tn in ipairs(typeNames) do
          local mt = registry[tn]
          local self = instances[tn]
          local wrongSelves = table.pack(nil, 1, '', {}, io.stdout, noop)
          for other, instance in pairs(instances) do
            if other ~= tn then wrongSelves[wrongSelves.n + 1] = instance; wrongSelves.n = wrongSelves.n + 1 end
          end
          local methods = rawget(mt, '__methods') or {}
          for _, k in ipairs(sortedFunctions(methods)) do
            local name = tn .. ':' .. k
            for i = 1, wrongSelves.n do
              call(name, methods[k], table.pack(wrongSelves[i]), tn .. ' expected')
              call(name, methods[k], table.pack(wrongSelves[i], 1, 'x'), tn .. ' expected')
            end
            if self ~= nil then sweep(name, methods[k], self) else _visited[#_visited + 1] = name end
          end
          for _, k in ipairs(sortedFunctions(mt)) do
            local name = tn .. '.' .. k
            local f = mt[k]
            _visited[#_visited + 1] = name
            -- __gc and __close release any Swift object they are given: only wrong values for them.
            local releases = k == '__gc' or k == '__close'
            for _, list in ipairs(lists) do
              if not (releases and swiftType(list[1])) then call(name, f, list) end
              if self ~= nil and not releases then
                call(name, f, table.pack(self, table.unpack(list, 1, list.n)))
                if list.n > 0 then call(name, f, table.pack(list[1], self)) end
              end
            end
          end
        end
        """#
}

/// Errors worded for nobody, for `testSweepReportsBadMessages`: a function and a method that fail
/// with an internal error when given 2.5.
final class Careless {}

enum CarelessModule: LuaModule {
    static let name: String? = "careless"
    static let summary = "Test module with badly worded errors."

    static func register(in module: LuaModuleBuilder) throws {
        try module.type(Careless.self, name: "Careless", summary: "An object with a careless method.") { t in
            t.method("peek", signature: "c:peek(x)", summary: "Fails badly on 2.5.", example: "") { _, args in
                if args.kind(2) == .number, try args.checkNumber(2) == 2.5 { throw InstructEditError("internal error: peek") }
                return []
            }
        }
        module.function("new", signature: "careless.new()", summary: "A Careless object.", example: "") { _ in [.object(Careless())] }
        module.function("leak", signature: "careless.leak(x)", summary: "Fails badly on 2.5.", example: "") { args in
            if args.kind(1) == .number, try args.checkNumber(1) == 2.5 { throw InstructEditError("internal error: leak") }
            return []
        }
    }
}
