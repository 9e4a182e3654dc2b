import Bindings
import XCTest

/// Userdata of Swift types: methods, fields, type checks, identity and lifetime.
final class LuaUserdataTests: XCTestCase {
    func testDocumentedExampleBehavesAsDocumented() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("c = counter.new({start=5}); c:add(2); return c.count, tostring(c)"), ["7", "Counter(7)"])
        XCTAssertEqual(lua.errorMessage("c:add('x')"), "stdin:1: bad argument #1 to 'add' (number expected, got string)")
        XCTAssertEqual(lua.errorMessage("c:add(-1)"), "stdin:1: bad argument #1 to 'add' (non-negative integer expected, got -1)")
        XCTAssertEqual(lua.errorMessage("counter.new({begin=1})"),
                       "stdin:1: bad argument #1 to 'new' (unknown option 'begin' (known: start))")
    }

    func testUserdataTypeChecks() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("return probe.total(counter.new({start = 3}))"), ["3"])
        XCTAssertEqual(lua.errorMessage("probe.total({})"), "stdin:1: bad argument #1 to 'total' (Counter expected, got table)")
        XCTAssertEqual(lua.errorMessage("probe.total(io.stdout)"), "stdin:1: bad argument #1 to 'total' (Counter expected, got FILE*)")
        XCTAssertEqual(lua.errorMessage("probe.total()"), "stdin:1: bad argument #1 to 'total' (Counter expected, got no value)")
        // A method called on the wrong self.
        XCTAssertEqual(lua.errorMessage("c = counter.new(); c.add({})"), "stdin:1: bad argument #1 to 'add' (Counter expected, got table)")
        XCTAssertEqual(lua.errorMessage("c = counter.new(); local t = {add = c.add}; t:add()"), "stdin:1: calling 'add' on bad self (Counter expected, got table)")
    }

    func testMetatableFollowsLiolib() throws {
        let lua = try makeSession()
        XCTAssertEqual(lua.values("""
            local mt = getmetatable(counter.new())
            return mt.__name, type(mt.__index), type(mt.__gc), type(mt.__close), type(mt.__tostring)
            """), ["Counter", "function", "function", "function", "function"])
        XCTAssertEqual(lua.values("return counter.new().missing"), ["nil"])
    }

    func testOneObjectIsOneLuaValue() throws {
        let lua = try makeSession()
        let counter = Counter()
        try lua.setGlobal("a", .object(counter))
        try lua.setGlobal("b", .object(counter))
        XCTAssertEqual(lua.values("return rawequal(a, b)"), ["true"])
        XCTAssertTrue(try lua.global("a").object(as: Counter.self) === counter)
    }

    func testClosedObjectsRefuseUse() throws {
        let lua = try makeSession()
        let before = LuaSession.liveObjectCount
        XCTAssertEqual(lua.values("do local c <close> = counter.new(); c:add() end; return 1"), ["1"])
        XCTAssertEqual(LuaSession.liveObjectCount, before)
        XCTAssertEqual(lua.errorMessage("c = counter.new(); getmetatable(c).__close(c); c:add()"), "stdin:1: attempt to use a closed Counter")
        XCTAssertEqual(lua.values("return tostring(c)"), ["Counter (closed)"])
        XCTAssertEqual(lua.errorMessage("probe.total(c)"), "stdin:1: attempt to use a closed Counter")
    }

    func testPushingAnUnregisteredTypeIsAnError() throws {
        let lua = try makeSession()
        XCTAssertTrue(lua.errorMessage("probe.unregistered()").contains("not registered as a Lua type"))
    }

    func testNoLiveObjectsAfterClose() throws {
        let before = LuaSession.liveObjectCount
        let lua = try makeSession()
        XCTAssertEqual(lua.values("""
            keep = {}
            for i = 1, 10 do keep[i] = counter.new({start = i}) end
            local v = {probe.values()}
            return #keep
            """), ["10"])
        XCTAssertEqual(LuaSession.liveObjectCount, before + 11)
        XCTAssertEqual(lua.values("keep[1] = nil; collectgarbage(); collectgarbage(); return 0"), ["0"])
        XCTAssertEqual(LuaSession.liveObjectCount, before + 9)
        lua.close()
        XCTAssertEqual(LuaSession.liveObjectCount, before)
        XCTAssertTrue(lua.isClosed)
        XCTAssertNotNil(lua.run("return 1").error)
    }

    func testSessionIsReleasedWhenDropped() throws {
        weak var weakSession: LuaSession?
        let before = LuaSession.liveObjectCount
        do {
            let lua = try makeSession()
            weakSession = lua
            XCTAssertEqual(lua.values("c = counter.new(); return c.count"), ["0"])
        }
        XCTAssertNil(weakSession, "registered closures must not keep the session alive")
        XCTAssertEqual(LuaSession.liveObjectCount, before)
    }
}
