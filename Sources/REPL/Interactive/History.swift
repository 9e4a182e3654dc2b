import Core
import Foundation

/// The REPL's persistent history: whole chunks (a multi-line function is one entry), newest last, at
/// most `limit`. The file holds one entry per line with `\` and newlines escaped (`\\`, `\n`), and is
/// rewritten atomically after each chunk.
struct History {
    static let limit = 1000

    /// `$INSTRUCTEDIT_HISTORY`, else `history` in `$INSTRUCTEDIT_HOME` (default ~/.instructedit, where
    /// the model is installed too).
    static var defaultPath: String { defaultLocation.path }

    /// The path, and the variable that chose it (nil: the built-in default), for messages.
    static var defaultLocation: (path: String, variable: String?) {
        let env = ProcessInfo.processInfo.environment
        if let path = env["INSTRUCTEDIT_HISTORY"], !path.isEmpty { return (path, "INSTRUCTEDIT_HISTORY") }
        let home = (ModelPaths.home as NSString).appendingPathComponent("history")
        return (home, (env["INSTRUCTEDIT_HOME"] ?? "").isEmpty ? nil : "INSTRUCTEDIT_HOME")
    }

    let path: String
    /// The environment variable that chose `path`, named when it cannot be written.
    var variable: String?
    private(set) var entries: [String]
    private var warned = false

    /// Loads the file; a missing or unreadable file is an empty history.
    init(path: String) {
        self.path = path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        entries = text.split(separator: "\n").map { Self.decode(String($0)) }
    }

    mutating func append(_ chunk: String) {
        guard chunk != entries.last else { return }
        entries.append(chunk)
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
        save()
    }

    private mutating func save() {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = entries.map(Self.encode).joined(separator: "\n") + "\n"
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            let chosen = variable.map { " (chosen by \($0))" } ?? ""
            if !warned { Console.err("instructedit: cannot save the history to \(path)\(chosen): \(error.localizedDescription)") }
            warned = true
        }
    }

    static func encode(_ entry: String) -> String {
        entry.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for c in line {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
