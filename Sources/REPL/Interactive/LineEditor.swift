import CEditline
import Foundation

/// libedit through its readline callback interface: the REPL waits for stdin itself, so Ctrl-C at the
/// prompt (which interrupts the wait) can drop the line and show a fresh prompt.
final class LineEditor {
    enum Event {
        case line(String)
        /// Ctrl-C: the line was dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case eof
    }

    // libedit calls back into plain C functions; these hold what they need. One editor per process.
    nonisolated(unsafe) fileprivate static var completer: ((String) -> [String])?
    nonisolated(unsafe) fileprivate static var received: String?
    nonisolated(unsafe) fileprivate static var finished = false

    /// `complete` maps the word before the cursor to its completions (each the whole word).
    init(history: [String], complete: @escaping (String) -> [String]) {
        ie_rl_set_catch_signals(0)
        ie_rl_set_name()
        rl_initialize()
        using_history()
        for entry in history { add_history(entry) }
        ie_rl_set_lua_word_breaks()
        Self.completer = complete
        ie_rl_set_completion(completionEntry)
    }

    func addHistory(_ chunk: String) { add_history(chunk) }

    func readLine(prompt: String) -> Event {
        Self.received = nil
        Self.finished = false
        fflush(nil)
        rl_callback_handler_install(prompt, lineEntry)
        defer { rl_callback_handler_remove() }
        while !Self.finished {
            // SIGINT is blocked between checking the flag and waiting, and let through only while
            // waiting, so a Ctrl-C cannot slip in between and go unnoticed until the next key.
            var sigint = sigset_t(), previous = sigset_t()
            sigemptyset(&sigint)
            sigaddset(&sigint, SIGINT)
            sigprocmask(SIG_BLOCK, &sigint, &previous)
            var interrupted = InterruptSignal.take()
            let events = interrupted ? 0 : ie_wait_for_input(STDIN_FILENO, &previous)
            let waitError = errno
            sigprocmask(SIG_SETMASK, &previous, nil)
            interrupted = interrupted || InterruptSignal.take()
            if interrupted {
                Console.out("^C")
                return .interrupted
            }
            if events < 0 {
                if waitError == EINTR { continue }
                return .eof
            }
            // A hung-up terminal reads as end of input (libedit would see nothing but EOF).
            if events & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { return .eof }
            if events & Int32(POLLIN) != 0 { rl_callback_read_char() }
        }
        return Self.received.map(Event.line) ?? .eof
    }
}

/// libedit's line handler: the finished line (malloc'd, ours to free), or NULL at end of input.
private let lineEntry: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
    LineEditor.received = line.map { String(cString: $0) }
    LineEditor.finished = true
    free(line)
}

/// readline's attempted-completion hook: a malloc'd, NULL-terminated list whose first entry replaces
/// the word (the common prefix of several matches, or the only one), followed by the matches.
private let completionEntry: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    ie_rl_completion_over()
    guard let text, let complete = LineEditor.completer else { return nil }
    let matches = complete(String(cString: text))
    guard let first = matches.first else { return nil }
    let replacement = matches.dropFirst().reduce(first) { prefix, match in
        String(zip(prefix, match).prefix { $0 == $1 }.map(\.0))
    }
    let entries = matches.count == 1 ? [replacement] : [replacement] + matches
    // Two NULLs: libedit looks at list[2] to tell a single match.
    guard let list = calloc(entries.count + 2, MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
        .assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self) else { return nil }
    for (i, entry) in entries.enumerated() { list[i] = strdup(entry) }
    return list
}
