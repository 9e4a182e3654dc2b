import Bindings
import Core
import XCTest

/// Every Swift object behind a Lua tensor is released once the Lua state closes, however many are
/// alive, shared, nested in tables or closed early.
final class TensorLifetimeTests: XCTestCase {
    func testNoTensorOutlivesItsSession() throws {
        let before = LuaSession.liveObjectCount
        weak var weakBox: TensorBox?
        do {
            let lua = try LuaSession()
            XCTAssertEqual(lua.values("""
                keep = {}
                for i = 1, 200 do keep[i] = tensor.randn(4, 4) * i end
                keep.nested = {{tensor.ones(2)}, cat = tensor.cat({keep[1], keep[2]})}
                keep.alias = keep[3]
                do local closed <close> = tensor.zeros(3) end
                local v, i = keep[1]:max(1)
                keep.pair = {v, i}
                first = keep[1]
                collectgarbage(); collectgarbage()
                return #keep
                """), ["200"])
            // 200 + nested ones + cat + the max pair; the alias is the same userdata as keep[3].
            XCTAssertEqual(LuaSession.liveObjectCount, before + 204)
            weakBox = try XCTUnwrap(try lua.global("first").object(as: TensorBox.self))
            lua.close()
            XCTAssertEqual(LuaSession.liveObjectCount, before)
        }
        XCTAssertNil(weakBox, "a TensorBox is still referenced after the session closed")
    }

    func testCollectedTensorsAreReleasedBeforeClose() throws {
        let lua = try LuaSession()
        defer { lua.close() }
        let before = LuaSession.liveObjectCount
        XCTAssertEqual(lua.values("for i = 1, 1000 do local t = tensor.ones(8) + i end; collectgarbage(); collectgarbage(); return 0"), ["0"])
        XCTAssertEqual(LuaSession.liveObjectCount, before)
    }
}
