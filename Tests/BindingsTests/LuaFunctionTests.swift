import Bindings
import XCTest

/// The trampoline: Swift errors become Lua errors after Swift returns, worded as Lua words them.
final class LuaFunctionTests: XCTestCase {
    func testThrownErrorBecomesLuaErrorWithPosition() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.errorMessage("probe.fail('no such file: x.gguf')"), "stdin:1: no such file: x.gguf")
        let traceback = try XCTUnwrap(lua.run("probe.fail('boom')", mode: .chunk).error?.traceback)
        XCTAssertTrue(traceback.hasPrefix("stack traceback:"), traceback)
        // Only the user's own frames since issue 13: no "[C]: in function 'probe.fail'".
        XCTAssertTrue(traceback.contains("stdin:1: in main chunk"), traceback)
        XCTAssertFalse(traceback.contains("[C]"), traceback)
    }

    func testThrownErrorIsCatchableWithPcall() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("local ok, e = pcall(probe.fail, 'boom'); return ok, e"), ["false", "boom"])
        XCTAssertEqual(lua.values("local ok, e = pcall(function() probe.fail('deep') end); return ok, e"),
                       ["false", "stdin:1: deep"])
        // The session goes on working after errors.
        XCTAssertEqual(lua.values("return 1 + 1"), ["2"])
    }

    func testArgumentErrorsUseLuasWording() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.errorMessage("probe.typed()"), "stdin:1: bad argument #1 to 'typed' (string expected, got no value)")
        XCTAssertEqual(lua.errorMessage("probe.typed('s', nil)"), "stdin:1: bad argument #2 to 'typed' (number expected, got nil)")
        XCTAssertEqual(lua.errorMessage("probe.typed('s', 1.5)"), "stdin:1: bad argument #2 to 'typed' (number has no integer representation)")
        XCTAssertEqual(lua.errorMessage("probe.typed('s', 1, {})"), "stdin:1: bad argument #3 to 'typed' (number expected, got table)")
        XCTAssertEqual(lua.errorMessage("probe.typed('s', 1, 2, 'yes')"), "stdin:1: bad argument #4 to 'typed' (boolean expected, got string)")
        XCTAssertEqual(lua.errorMessage("probe.typed('s', 1, 2, true, io.stdout)"), "stdin:1: bad argument #5 to 'typed' (table expected, got FILE*)")
        // Lua's own functions word it the same way: the check is Lua's, not an imitation.
        XCTAssertEqual(lua.errorMessage("string.rep()"), "stdin:1: bad argument #1 to 'rep' (string expected, got no value)")
    }

    func testLenientConversionsMatchLauxlib() throws {
        let lua = try makeSession()
        // Numbers pass as strings, numeric strings as numbers, integral floats as integers.
        XCTAssertEqual(lua.values("return probe.typed(12, '3', '2.5', false, {})"), ["12", "3", "2.5", "false", "{}"])
        XCTAssertEqual(lua.values("return probe.typed('s', 4.0, 1, true, {})")[1], "4")
    }

    func testSequenceArguments() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("return probe.ids({504, 3575, 282})"), ["4361"])
        XCTAssertEqual(lua.errorMessage("probe.ids({1, 'x'})"), "stdin:1: bad argument #1 to 'ids' (integer expected at [2], got string)")
        XCTAssertEqual(lua.errorMessage("probe.ids({a = 1})"), "stdin:1: bad argument #1 to 'ids' (sequence of integers expected, got a table with other keys)")
    }

    func testOptionsNameTheField() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("return probe.generate('hi', {max_tokens = 4, stop = '\\n'})"), ["hi", "4", "0.0", "{\"\\n\"}"])
        XCTAssertEqual(lua.values("return probe.generate('hi')"), ["hi", "32", "0.0", "{}"])
        XCTAssertEqual(lua.errorMessage("probe.generate('hi', {max_tokens = 'many'})"),
                       "stdin:1: bad argument #2 to 'generate' (field 'max_tokens': number expected, got string)")
        XCTAssertEqual(lua.errorMessage("probe.generate('hi', {stop = {1}})"),
                       "stdin:1: bad argument #2 to 'generate' (field 'stop': string or sequence of strings expected, got table)")
        XCTAssertEqual(lua.errorMessage("probe.generate('hi', {max_token = 4})"),
                       "stdin:1: bad argument #2 to 'generate' (unknown option 'max_token' (known: max_tokens, stop, temperature))")
        XCTAssertEqual(lua.errorMessage("probe.generate('hi', 5)"), "stdin:1: bad argument #2 to 'generate' (table expected, got number)")
    }

    func testCallbacksRunUnderTheProtectedCall() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("return probe.call(function(a, b) return a * b, 'ok' end, 6, 7)"), ["42", "ok"])
        // An error in the callback travels through Swift back into Lua, catchable there.
        XCTAssertEqual(lua.values("return pcall(probe.call, function() error('inner') end)"), ["false", "stdin:1: inner"])
        XCTAssertEqual(lua.errorMessage("probe.call(3)"), "stdin:1: bad argument #1 to 'call' (function expected, got number)")
    }
}
