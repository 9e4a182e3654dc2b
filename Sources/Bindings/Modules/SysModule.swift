import Core
import Foundation

/// Clocks and an interruptible sleep.
enum SysModule: LuaModule {
    static let name: String? = "sys"
    static let summary = "Clocks, sleeping, and showing image files as figures."

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
            // Clamped to a century so the nanosecond count cannot overflow.
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(min(seconds, 3e9) * 1e9)
            while true {
                try Interrupt.check()
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= end { return [] }
                usleep(UInt32(min(end - now, 20_000_000) / 1000))
            }
        }
        module.function("figure", signature: "sys.figure(path [, title])",
                        summary: "Shows an image file you made (e.g. with another tool) as a figure: under the notebook cell, or as a line in the REPL.",
                        example: "sys.figure('loss.png', 'Training loss')") { args in
            let path = try args.checkString(1)
            guard FileManager.default.fileExists(atPath: path) else { throw args.error(1, "no file at '\(path)'") }
            let title = try args.optString(2) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            args.session.recordFigure(path: path, title: title)
            return []
        }
    }
}
