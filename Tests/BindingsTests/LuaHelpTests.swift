@testable import Bindings
import XCTest

/// The help registry and `help(x)`.
final class LuaHelpTests: XCTestCase {
    func testModulesRegisterTheirHelp() throws {
        let lua = try makeSession()
        let entry = try XCTUnwrap(lua.help.entry(named: "counter.new"))
        XCTAssertEqual(entry.signature, "counter.new([options]) -> Counter")
        XCTAssertEqual(entry.example, "c = counter.new({start=5})")
        XCTAssertNotNil(lua.help.entry(named: "Counter:add"))
        XCTAssertNotNil(lua.help.entry(named: "Counter.count"))
        XCTAssertNotNil(lua.help.entry(named: "sys.sleep"))
        XCTAssertNotNil(lua.help.entry(named: "help"))
        XCTAssertEqual(lua.help.members(of: "counter").map(\.name), ["counter.new"])
        XCTAssertEqual(lua.help.members(of: "Counter").map(\.name), ["Counter.count", "Counter:add"])
    }

    func testHelpFindsNamesValuesAndObjects() throws {
        let lua = try makeSession()
        let L = try XCTUnwrap(lua.state)
        let byName = try XCTUnwrap(lua.helpText(forName: "counter.new", state: L))
        XCTAssertTrue(byName.hasPrefix("counter.new([options]) -> Counter\n  A new counter"), byName)
        XCTAssertTrue(byName.contains("example: c = counter.new({start=5})"), byName)
        let module = try XCTUnwrap(lua.helpText(forName: "counter", state: L))
        XCTAssertTrue(module.contains("counter.new([options]) -> Counter"), module)
        // Through a variable: the object's type, its methods and fields.
        _ = lua.values("c = counter.new(); alias = sys.sleep; return 0")
        XCTAssertTrue(try XCTUnwrap(lua.helpText(forName: "c", state: L)).hasPrefix("Counter\n  A number that only goes up."))
        XCTAssertTrue(try XCTUnwrap(lua.helpText(forName: "c:add", state: L)).hasPrefix("c:add([n]) -> integer"))
        XCTAssertTrue(try XCTUnwrap(lua.helpText(forName: "c.count", state: L)).contains("The current count."))
        XCTAssertTrue(try XCTUnwrap(lua.helpText(forName: "alias", state: L)).hasPrefix("sys.sleep(seconds)"))
        XCTAssertNil(lua.helpText(forName: "nothing.here", state: L))
        XCTAssertNil(lua.helpText(forName: "string.format", state: L))
        XCTAssertTrue(lua.help.overview().contains("counter"))
    }

    func testHelpFunctionRunsFromLua() throws {
        let lua = try makeSession()
        for code in ["help()", "help(counter.new)", "help('c:add')", "help(print)", "help('nothing')"] {
            XCTAssertNil(lua.run(code, mode: .chunk).error, code)
        }
    }
}
