import Bindings
import Core
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
    /// The cells that ran without an error (nor an interrupt), for `:save`.
    private(set) var cells: [String] = []
    private(set) var failures = 0
    /// When a cell's wall time is shown.
    var timing = Timing.over(Timing.defaultThreshold)
    let figures: FigureDisplay

    enum Timing: Equatable {
        case always, never
        /// Only when the cell took at least this many seconds.
        case over(Double)

        static let defaultThreshold = 0.5
    }

    /// The REPL draws figures in the terminal and writes image files only when given a path.
    init(session: LuaSession, style: Style, figures: FigureDisplay) {
        self.session = session
        self.style = style
        self.figures = figures
        session.writesFigureFiles = false
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
        if result.cell != nil, result.error == nil { cells.append(code) }
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
            if let scene = figure.scene, let drawn = figures.render(scene) { Console.out(drawn) }
            if !figure.path.isEmpty { Console.out(style.dim("figure: \(figure.title) → \(figure.path)")) }
        }
        let shown: Bool
        switch timing {
        case .always: shown = true
        case .never: shown = false
        case .over(let threshold): shown = result.seconds >= threshold
        }
        if shown { Console.out(style.dim(String(format: "(%.3f s)", result.seconds))) }
    }

    static let commandHelp = """
        :help            this list
        :time [on|off|SECONDS]
                         shows each cell's wall time always, never, or when it takes at least
                         SECONDS (the default: 0.5); without an argument, toggles always/never
        :save FILE.lua   saves the cells that ran without error as a notebook (cells separated by "-- %%")
        :load FILE.lua   runs a saved session (or any notebook) cell by cell, stopping at an error
        :plots           says how figures are shown (INSTRUCTEDIT_PLOTS=kitty|sixel|text|off chooses)
        :quit            leaves (so does Ctrl-D)
        ?name            help on a module, function or object; help() lists the modules
        who()            lists the globals you made, with their types and sizes

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
            setTiming(argument)
        case ":save":
            save(to: argument)
        case ":load":
            load(argument)
        case ":plots":
            Console.out("figures: \(figures.mode.rawValue) (\(figures.reason))")
        case ":quit", ":q", ":exit":
            return .quit
        default:
            Console.err(style.error("unknown command \(parts[0]); :help lists the commands"))
        }
        return .complete(text)
    }

    private func setTiming(_ argument: String) {
        switch argument.lowercased() {
        case "": timing = timing == .always ? .never : .always
        case "on": timing = .always
        case "off": timing = .never
        default:
            guard let seconds = Double(argument), seconds >= 0, seconds.isFinite else {
                Console.err(style.error(":time takes on, off or a number of seconds, got '\(argument)'"))
                return
            }
            timing = .over(seconds)
        }
        switch timing {
        case .always: Console.out("timing on")
        case .never: Console.out("timing off")
        case .over(let s): Console.out(String(format: "timing cells that take at least %g s", s))
        }
    }

    /// Runs the code cells of a notebook file as if typed, echoing each; stops at the first error
    /// or Ctrl-C. The cells that ran join the session's (for a later `:save`).
    private func load(_ path: String) {
        guard !path.isEmpty else {
            Console.err(style.error(":load needs a file name, e.g. :load session.lua"))
            return
        }
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            Console.err(style.error("cannot read \(path): \(error.localizedDescription)"))
            return
        }
        let code = NotebookDocument(source: source).cells.filter { $0.kind == .code && !$0.isBlank }
        for (i, cell) in code.enumerated() {
            Console.out(style.dim(cell.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .map { ($0.offset == 0 ? "[\(session.cellCount + 1)]> " : "  ...> ") + $0.element }.joined(separator: "\n")))
            let result = session.run(cell.codeAtFileLines, chunkName: "@" + path, mode: .cell)
            report(result, silent: cell.code.hasSuffix(";"))
            if result.error != nil || InterruptSignal.take() {
                Console.err(style.error(":load stopped at cell \(i + 1) of \(code.count) of \(path)"))
                return
            }
            cells.append(cell.code)
        }
        Console.out("loaded \(code.count) cell\(code.count == 1 ? "" : "s") from \(path)")
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
