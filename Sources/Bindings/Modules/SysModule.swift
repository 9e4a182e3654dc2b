import Core
import Foundation

/// Clocks and an interruptible sleep.
enum SysModule: LuaModule {
    static let name: String? = "sys"
    static let summary = "Clocks and sleeping."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("time", signature: "sys.time() -> number",
                        summary: "Wall-clock seconds since 1970, with fractions.",
                        example: "t0 = sys.time()") { _ in
            [.number(Date().timeIntervalSince1970)]
        }
        module.function("clock", signature: "sys.clock() -> number",
                        summary: "Monotonic seconds (for timing code; unaffected by clock changes).",
                        example: "t0 = sys.clock(); work(); print(sys.clock() - t0)") { _ in
            [.number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)]
        }
        module.function("sleep", signature: "sys.sleep(seconds)",
                        summary: "Waits the given seconds; Ctrl-C stops it.",
                        example: "sys.sleep(0.5)") { args in
            let seconds = try args.checkNumber(1)
            guard seconds.isFinite, seconds >= 0 else { throw args.error(1, "non-negative number expected, got \(seconds)") }
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            while true {
                try Interrupt.check()
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= end { return [] }
                usleep(UInt32(min(end - now, 20_000_000) / 1000))
            }
        }
    }
}
