import Foundation

/// The one progress display of the tool (`eval.run`, `train.run`, `instructedit eval/train`): a line
/// on stderr redrawn in place on a terminal, and nothing but the final lines otherwise (a notebook
/// or a log keeps only real output).
public final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let terminal: Bool
    private let title: String
    private var shown = false

    /// `enabled: false` shows nothing at all (quiet runs, short ones).
    public init(title: String, enabled: Bool = true) {
        self.title = title
        self.terminal = isatty(STDERR_FILENO) != 0
        self.enabled = enabled
    }

    /// "title: ████░░ 40/100".
    public func update(_ done: Int, _ total: Int) {
        line("\(title): \(ProgressText.bar(done: done, total: total))")
    }

    /// Replaces the line with `text` (terminal only).
    public func line(_ text: String) {
        guard enabled, terminal else { return }
        shown = true
        write("\r\(text)\u{1B}[K")
    }

    /// Clears the line.
    public func finish() {
        if shown { write("\r\u{1B}[K") }
        shown = false
    }

    /// Replaces the line with `text` for good (printed on any stderr).
    public func finish(with text: String) {
        guard enabled else { return }
        write(terminal ? "\r\(text)\u{1B}[K\n" : text + "\n")
        shown = false
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
