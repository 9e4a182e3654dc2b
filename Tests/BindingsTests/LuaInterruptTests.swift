import Bindings
import Foundation
import XCTest

/// Stopping running code from another thread (as the REPL's SIGINT handler does).
final class LuaInterruptTests: XCTestCase {
    /// Runs `code` while another thread interrupts the session every 50 ms until the run ends (the
    /// first interrupt may come before the loop starts, and is then ignored).
    private func runInterrupted(_ session: LuaSession, _ code: String) -> LuaRunResult {
        let done = Atomic()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            while true {
                usleep(50_000)
                if done.value { break }
                session.interrupt()
            }
            finished.signal()
        }
        thread.start()
        let result = session.run(code, mode: .chunk)
        done.value = true
        finished.wait()
        return result
    }

    func testInterruptStopsAnEndlessLuaLoop() throws {
        let lua = try makeSession()
        let result = runInterrupted(lua, "while true do end")
        XCTAssertEqual(result.error?.message, "interrupted!")
        // The session survives and the hook is gone.
        XCTAssertEqual(lua.values("local n = 0; for i = 1, 100000 do n = n + i end; return n"), ["5000050000"])
    }

    func testInterruptStopsASwiftLoop() throws {
        let lua = try makeSession()
        let start = Date()
        let result = runInterrupted(lua, "sys.sleep(60)")
        XCTAssertEqual(result.error?.message, "interrupted!")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(lua.values("sys.sleep(0.01); return 'ok'"), ["ok"])
    }

    func testInterruptWhileIdleDoesNotLeakIntoTheNextRun() throws {
        let lua = try makeSession()
        lua.interrupt()
        LuaSession.interruptRunning()
        XCTAssertEqual(lua.values("sys.sleep(0.05); local n = 0; for i = 1, 1000 do n = n + 1 end; return n"), ["1000"])
    }
}

/// A flag shared with the interrupting thread.
final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
