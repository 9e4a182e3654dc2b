import Bindings
import XCTest

/// Swift values ↔ Lua values.
final class LuaValueTests: XCTestCase {
    func testRoundTripThroughLua() throws {
        let lua = try makeSession()
        let values: [LuaValue] = [
            nil, true, false, 0, -7, .int(Int.max), 2.5, -0.125, 1e300, "", "héllo\0wörld",
            [1, 2, 3], ["x", ["nested", [true]]],
            ["a": 1, "b": ["c": "d", "e": [1.5, 2.5]]],
            .table([.int(2): "two", .int(10): "ten"]), [:],
        ]
        for value in values {
            try lua.setGlobal("x", value)
            XCTAssertEqual(lua.values("y = x; return 0"), ["0"])
            XCTAssertEqual(try lua.global("y"), value, "\(value)")
        }
    }

    func testSwiftFunctionRoundTrip() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("""
            local t = probe.echo({1, 2, {a = 'b'}, [1.5] = true})
            return t[1], t[3].a, t[1.5], #t
            """), ["1", "b", "true", "3"])
        XCTAssertEqual(lua.values("return math.type(probe.echo(3)), math.type(probe.echo(3.0))"), ["integer", "float"])
        XCTAssertEqual(lua.errorMessage("probe.echo(print)"),
                       "stdin:1: bad argument #1 to 'echo' (a function value cannot be converted to a Swift value)")
        XCTAssertEqual(lua.errorMessage("local t = {}; t.self = t; probe.echo(t)"),
                       "stdin:1: bad argument #1 to 'echo' (a table that contains itself cannot be converted to a Swift value)")
    }

    func testEveryKindPushes() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("""
            local n, b, i, f, s, a, t, o = probe.values()
            return n, b, math.type(i), math.type(f), s, #a, t.b.c, getmetatable(o).__name
            """), ["nil", "true", "integer", "float", "text", "3", "d", "Counter"])
    }

    func testSwiftConversions() {
        XCTAssertEqual(LuaValue([1, 2]), .array([.int(1), .int(2)]))
        XCTAssertEqual(LuaValue(["k": [Float(0.5)]]), .table([.string("k"): .array([.number(0.5)])]))
        XCTAssertEqual(LuaValue(Optional<String>.none), .nil)
        let table: LuaValue = ["name": "x", "n": 3]
        XCTAssertEqual(table["name"]?.stringValue, "x")
        XCTAssertEqual(table.dictionaryValue?["n"]?.intValue, 3)
        XCTAssertEqual(LuaValue.number(4.0).intValue, 4)
        XCTAssertNil(LuaValue.number(4.5).intValue)
        XCTAssertEqual(LuaValue.table([:]).arrayValue, [])
        XCTAssertNil(LuaValue.table([.int(1): 1, .string("a"): 2]).dictionaryValue)
    }
}
