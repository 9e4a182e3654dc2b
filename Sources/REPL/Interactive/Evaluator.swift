import Bindings
import Foundation

/// Turns input lines into cells and runs them, for the terminal and pipe modes alike: REPL commands
/// (`:help`), help (`?name`), multi-line chunks (lua.c's rule: a syntax error at `<eof>` means read
/// another line), results printed without `=` and hidden by a trailing `;`.
final class Evaluator {
    enum Outcome {
        /// The chunk is unfinished; read another line.
        case needMore
        /// A complete input (for the history; "" for a blank line).
        case complete(String)
        case quit
    }

    let session: LuaSession
    let style: Style
    private var pending: [String] = []
    /// The cells that ran, for `:save`.
    private(set) var cells: [String] = []
    private(set) var failures = 0
    private var showTiming = false

    init(session: LuaSession, style: Style) {
        self.session = session
        self.style = style
    }

    var isContinuing: Bool { !pending.isEmpty }

    /// Drops an unfinished chunk (Ctrl-C at a continuation prompt).
    func discardPending() { pending = [] }

    func feed(_ line: String) -> Outcome {
        if pending.isEmpty {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return .complete("") }
            if trimmed.hasPrefix(":") { return command(trimmed) }
            if trimmed.hasPrefix("?") {
                Console.out(session.helpText(for: trimmed.dropFirst().trimmingCharacters(in: .whitespaces)))
                return .complete(trimmed)
            }
        }
        pending.append(line)
        let code = pending.joined(separator: "\n")
        let result = session.run(code, chunkName: "=stdin", mode: .cell)
        if result.isIncomplete { return .needMore }
        pending = []
        if result.cell != nil { cells.append(code) }
        report(result, silent: code.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(";"))
        return .complete(code)
    }

    /// At the end of the input: an unfinished chunk is reported as the syntax error it is.
    func finish() {
        guard !pending.isEmpty else { return }
        let result = session.run(pending.joined(separator: "\n"), chunkName: "=stdin", mode: .cell)
        pending = []
        report(result, silent: true)
    }

    private func report(_ result: LuaRunResult, silent: Bool) {
        if let error = result.error {
            failures += 1
            Console.err(style.error(error.message) + (error.traceback.isEmpty ? "" : "\n" + style.dim(error.traceback)))
        } else if !silent, !result.values.isEmpty {
            let multiline = result.values.contains { $0.contains("\n") }
            Console.out(result.values.joined(separator: multiline ? "\n" : "\t"))
        }
        for figure in session.takeFigures() {
            Console.out(style.dim("figure: \(figure.title) → \(figure.path)"))
        }
        if showTiming { Console.out(style.dim(String(format: "(%.3f s)", result.seconds))) }
    }

    static let commandHelp = """
        :help            this list
        :time            toggles showing the time each cell takes
        :save FILE.lua   saves the cells run so far as a notebook (cells separated by "-- %%")
        :quit            leaves (so does Ctrl-D)
        ?name            help on a module, function or object; help() lists the modules

        The prompt [n]> numbers the cell: _n holds its first result, _ the last result.
        A trailing ; hides a result. Ctrl-C stops a running cell, or clears the line.
        """

    private func command(_ text: String) -> Outcome {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ":help", ":h":
            Console.out(Self.commandHelp)
        case ":time":
            showTiming.toggle()
            Console.out("timing \(showTiming ? "on" : "off")")
        case ":save":
            save(to: argument)
        case ":quit", ":q", ":exit":
            return .quit
        default:
            Console.err(style.error("unknown command \(parts[0]); :help lists the commands"))
        }
        return .complete(text)
    }

    private func save(to path: String) {
        guard !path.isEmpty else {
            Console.err(style.error(":save needs a file name, e.g. :save session.lua"))
            return
        }
        do {
            try Data(NotebookDocument.source(of: cells).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            Console.out("saved \(cells.count) cell\(cells.count == 1 ? "" : "s") to \(path)")
        } catch {
            Console.err(style.error("cannot write \(path): \(error.localizedDescription)"))
        }
    }
}
