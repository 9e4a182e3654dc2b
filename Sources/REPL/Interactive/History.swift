import Foundation

/// The REPL's persistent history: whole chunks (a multi-line function is one entry), newest last, at
/// most `limit`. The file holds one entry per line with `\` and newlines escaped (`\\`, `\n`), and is
/// rewritten atomically after each chunk.
struct History {
    static let limit = 1000

    /// `$INSTRUCTEDIT_HISTORY`, else `~/.instructedit/history`.
    static var defaultPath: String {
        if let path = ProcessInfo.processInfo.environment["INSTRUCTEDIT_HISTORY"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".instructedit/history").path
    }

    let path: String
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
            if !warned { Console.err("instructedit: cannot save the history to \(path): \(error.localizedDescription)") }
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
