import Bindings
import Foundation
import XCTest

/// Running cells, chunks and scripts; printing; completion; figures.
final class LuaSessionTests: XCTestCase {
    func testCellsReturnExpressionsAndNumberResults() throws {
        let lua = try makeSession()
        let first = lua.run("1 + 1")
        XCTAssertEqual(first.values, ["2"])
        XCTAssertEqual(first.cell, 1)
        XCTAssertEqual(lua.run("x = 10").values, [])
        XCTAssertEqual(lua.run("'a', 'b'").values, ["a", "b"])
        XCTAssertEqual(lua.run("_, _1, _3").values, ["a", "2", "a"])
        XCTAssertEqual(lua.cellCount, 4)
        XCTAssertEqual(lua.run("_4").values, ["a"])
        // A cell whose last line is an expression shows it, as a notebook cell does.
        XCTAssertEqual(lua.run("local y = 20\nprint('side effect')\ny + 1").values, ["21"])
        XCTAssertEqual(lua.run("z = 1\nz = 2").values, [])
        XCTAssertEqual(lua.run("\n\nlocal q = 1\nerror('x' .. q)").error?.message, "stdin:4: x1")
        // A chunk does not try `return` first.
        XCTAssertNotNil(lua.run("1 + 1", mode: .chunk).error)
    }

    func testIncompleteInputAsksForMore() throws {
        let lua = try makeSession()
        XCTAssertTrue(lua.run("function f(x)").isIncomplete)
        XCTAssertTrue(lua.run("t = {1, 2,").isIncomplete)
        XCTAssertTrue(lua.run("s = [[open").isIncomplete)
        XCTAssertFalse(lua.run("function f(x)\n  return x * 2\nend").isIncomplete)
        XCTAssertEqual(lua.run("f(21)").values, ["42"])
        let syntax = lua.run("x = = 1")
        XCTAssertFalse(syntax.isIncomplete)
        XCTAssertEqual(syntax.error?.message, "stdin:1: unexpected symbol near '='")
    }

    func testRunFileSetsArgAndVarargs() throws {
        let lua = try makeSession()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lua-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("s.lua").path
        try "#!/usr/bin/env instructedit\nresult = table.concat({...}, ',') .. '|' .. arg[0] .. '|' .. #arg\n".write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertNil(lua.runFile(script, arguments: ["a", "b c"]).error)
        XCTAssertEqual(try lua.global("result"), .string("a,b c|\(script)|2"))
        let failing = dir.appendingPathComponent("f.lua").path
        try "local x = 1\nerror('bad thing')\n".write(toFile: failing, atomically: true, encoding: .utf8)
        XCTAssertEqual(lua.runFile(failing).error?.message, "\(failing):2: bad thing")
        XCTAssertEqual(lua.runFile(dir.appendingPathComponent("missing.lua").path).error?.message.hasPrefix("cannot open"), true)
    }

    func testFormatting() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.run("'raw\\nstring'").values, ["raw\nstring"])
        XCTAssertEqual(lua.run("{'q\"', 1, 2.5, true}").values, ["{\"q\\\"\", 1, 2.5, true}"])
        XCTAssertEqual(lua.run("{b = 1, a = {c = 2}, [3] = 'x', ['not id'] = 0, [1] = 'one'}").values,
                       ["{\"one\", [3] = \"x\", a = {c = 2}, b = 1, [\"not id\"] = 0}"])
        XCTAssertEqual(lua.run("local t = {name = 'loop'}; t.self = t; return t").values, ["{name = \"loop\", self = <cycle>}"])
        XCTAssertEqual(lua.run("{{{{{1}}}}}").values, ["{{{{...}}}}"])
        XCTAssertEqual(lua.run("{}").values, ["{}"])
        XCTAssertEqual(lua.run("counter.new({start = 2})").values, ["Counter(2)"])
        XCTAssertEqual(lua.run("setmetatable({}, {__tostring = function() error('no') end})").values.first?.hasPrefix("<__tostring failed"), true)
        XCTAssertEqual(lua.run("counter.new").values, ["function: counter.new([options]) -> Counter"])
        let long = try XCTUnwrap(lua.run("local t = {}; for i = 1, 30 do t['key' .. i] = i end; return t").values.first)
        XCTAssertTrue(long.hasPrefix("{\n  key1 = 1,\n  key10 = 10,\n"), long)
        let many = try XCTUnwrap(lua.run("local t = {}; for i = 1, 200 do t[i] = i end; return t").values.first)
        XCTAssertTrue(many.hasSuffix("  ... (150 more)\n}"), many)
    }

    func testCompletion() throws {
        let lua = try makeSession()
        _ = lua.values("my_table = {alpha = 1, beta = {gamma = 2}}; c = counter.new(); s = 'text'; return 0")
        XCTAssertEqual(lua.completions(for: "my_ta"), ["my_table"])
        XCTAssertEqual(lua.completions(for: "print(my_table.al"), ["print(my_table.alpha"])
        XCTAssertEqual(lua.completions(for: "my_table.beta.g"), ["my_table.beta.gamma"])
        XCTAssertEqual(lua.completions(for: "c:a"), ["c:add"])
        XCTAssertEqual(lua.completions(for: "c.co"), ["c.count"])
        XCTAssertEqual(lua.completions(for: "s:up"), ["s:upper"])
        XCTAssertEqual(lua.completions(for: "sys.cl"), ["sys.clock"])
        XCTAssertEqual(lua.completions(for: "fun"), ["function"])
        XCTAssertTrue(lua.completions(for: "nothing.x").isEmpty)
        XCTAssertTrue(lua.completions(for: "1.").isEmpty)
    }

    func testFigureHook() throws {
        let lua = try makeSession()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("figs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        lua.figureDirectory = dir
        let path = try lua.newFigurePath(stem: "scatter", extension: "svg")
        XCTAssertEqual(path, dir + "/scatter-1.svg")
        XCTAssertNotEqual(try lua.newFigurePath(stem: "scatter", extension: "svg"), path)
        lua.recordFigure(path: path, title: "PCA")
        XCTAssertEqual(lua.takeFigures(), [LuaFigure(path: path, title: "PCA")])
        XCTAssertEqual(lua.takeFigures(), [])
    }
}
