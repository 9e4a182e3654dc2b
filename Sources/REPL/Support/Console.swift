import Foundation

/// Where the REPL writes. Standard output goes through C stdio, shared with Lua's `print`, so the two
/// stay in order; standard error is written after flushing it for the same reason.
enum Console {
    static func out(_ text: String) {
        print(text)
    }

    static func err(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) != 0 }
}

/// ANSI colours, only when standard output is a terminal and NO_COLOR is not set.
struct Style {
    let enabled: Bool

    static let plain = Style(enabled: false)

    static func forStandardOutput() -> Style {
        let noColour = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(enabled: isatty(STDOUT_FILENO) != 0 && !noColour)
    }

    private func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func error(_ text: String) -> String { paint(text, "31") }
    func dim(_ text: String) -> String { paint(text, "2") }

    /// A prompt for libedit: escape sequences are wrapped in \1...\2 so they take no width.
    func prompt(_ text: String) -> String {
        enabled ? "\u{1}\u{1B}[1;32m\u{2}\(text)\u{1}\u{1B}[0m\u{2}" : text
    }
}
