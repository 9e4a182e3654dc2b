import ArgumentParser
import Bindings
import Core
import Foundation

/// The entry point: one swift-argument-parser tree for the REPL, scripts, `-e` and every subcommand.
/// Every usage error is one line on stderr (exit code 2); `--help` anywhere prints that command's
/// help, with each flag's default.
enum CommandLineTool {
    static func main(_ arguments: [String]) -> Int32 {
        do {
            var command = try RootCommand.parseAsRoot(arguments)
            guard let runnable = command as? any RunnableCommand else {
                // The parser's own commands (`help`, a subcommand's `--help`) end by throwing what
                // they print.
                try command.run()
                return 0
            }
            return runnable.execute()
        } catch {
            if RootCommand.exitCode(for: error) == .success {
                Console.out(RootCommand.fullMessage(for: error))
                return 0
            }
            Console.err(usageError(error, arguments))
            return 2
        }
    }

    /// "instructedit eval: unknown option '--bogus' (see 'instructedit eval --help')".
    static func usageError(_ error: Error, _ arguments: [String]) -> String {
        let sub = arguments.first.flatMap { name in RootCommand.subcommandNames.contains(name) ? name : nil }
        let program = ["instructedit", sub].compactMap { $0 }.joined(separator: " ")
        var message = RootCommand.message(for: error)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }.joined(separator: "; ")
        if let first = message.first, first.isUppercase, !message.dropFirst().prefix(1).allSatisfy(\.isUppercase) {
            message = first.lowercased() + message.dropFirst()
        }
        return "\(line(program, message)) (see '\(program) --help')"
    }

    /// "instructedit train: message", where Core's errors already name their command as Lua shows
    /// them ("train: …"): the command is named once.
    static func line(_ program: String, _ message: String) -> String {
        let words = program.split(separator: " ")
        guard let tool = words.first, words.count == 2, message.hasPrefix(words[1] + ": ") else {
            return "\(program): \(message)"
        }
        return "\(tool) \(message)"
    }

    /// A session with every module and Ctrl-C wired to it; nil (after saying why) if a module fails to
    /// register.
    static func makeSession() -> LuaSession? {
        do {
            let session = try LuaSession()
            InterruptSignal.install()
            return session
        } catch {
            Console.err("instructedit: cannot start Lua: \(error)")
            return nil
        }
    }
}

/// A parsed command that runs and returns its exit code (ArgumentParser's `run()` cannot).
protocol RunnableCommand: ParsableCommand {
    func execute() -> Int32
}

/// A usage error found after parsing (a count out of range, an output path that cannot be written),
/// reported like the parser's own errors.
func usageError(_ message: String) -> ValidationError { ValidationError(message) }

/// `instructedit`: the tree of commands. With no subcommand named, the arguments are the REPL's
/// (`RunCommand`, the default).
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instructedit",
        abstract: "A notebook-style Lua 5.4 REPL for knowledge editing of language models.",
        usage: """
            instructedit
                  the REPL (reads stdin as a sequence of cells when it is not a terminal)
              instructedit FILE.lua [args]
                  runs a script; `arg` and `...` hold its arguments
              instructedit -e 'code' [-e ...] [FILE.lua [args]]
                  runs code, then the script if given
              instructedit notebook FILE.lua [-o report.md]
                  runs a notebook of `-- %%` cells and writes a Markdown report
              instructedit train --out DIR [--tasks a,b] [--no-instruct] [--steps N] ...
                  meta-trains an editor (resumable; Ctrl-C saves and stops)
              instructedit eval --method NAME:KIND[:PATH][:instruct][:unseen] ... [--tasks a,b] [--n N]
                  evaluates editors side by side on test sets (Markdown and JSON)
              instructedit bench [--json]
                  prints benchmark figures as one JSON object
              instructedit SUBCOMMAND --help
                  a subcommand's flags with their defaults
            """,
        subcommands: [RunCommand.self, NotebookCommand.self, TrainCommand.self, EvalCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self)

    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }.filter { $0 != "run" }
    }
}

/// `instructedit [-e CODE ...] [FILE.lua [args]]`: the REPL with no arguments (pipe mode when stdin
/// is not a terminal), else the chunks then the script, as lua.c does.
struct RunCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "The REPL, or -e chunks and a script (the default).", shouldDisplay: false)

    @Option(name: .customShort("e"), help: ArgumentHelp("Lua code to run first (repeatable, in order).", valueName: "code"))
    var code: [String] = []

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("A script and its arguments.", valueName: "FILE.lua args"))
    var script: [String] = []

    /// The script's words without lua.c's `--` (end of options).
    private var words: [String] { script.first == "--" ? Array(script.dropFirst()) : script }

    func validate() throws {
        guard let first = script.first, first != "--" else { return }
        if first.hasPrefix("-") && first.count > 1 {
            throw usageError(first == "-e" ? "'-e' needs an argument" : "unrecognized option '\(first)'")
        }
        // A word that names no subcommand is a script only if it looks like one: `instructedit evall`
        // is a typo, not a missing script.
        if !first.hasSuffix(".lua") && first != "-" && !FileManager.default.fileExists(atPath: first) {
            throw usageError("unknown subcommand '\(first)' (subcommands: \(RootCommand.subcommandNames.joined(separator: ", "))); a script must end in .lua or exist")
        }
    }

    func execute() -> Int32 {
        guard let session = CommandLineTool.makeSession() else { return 1 }
        if code.isEmpty && words.isEmpty {
            return Console.stdinIsTerminal ? TerminalREPL.run(session) : PipeREPL.run(session)
        }
        for chunk in code {
            if let error = session.run(chunk, chunkName: "=(command line)", mode: .chunk).error {
                Console.err("instructedit: \(error)")
                return 1
            }
        }
        if let script = words.first, let error = session.runFile(script, arguments: Array(words.dropFirst())).error {
            Console.err("instructedit: \(error)")
            return 1
        }
        return 0
    }
}
