import Bindings
import Core

/// The entry point: dispatches the command line to the REPL, scripts, `-e` or a subcommand.
enum CommandLineTool {
    static var usage: String {
        let subcommands = Subcommand.all.map { "  instructedit \($0.usage)\n      \($0.summary)" }
        return ([
            "usage:",
            "  instructedit\n      the REPL (reads stdin as a sequence of cells when it is not a terminal)",
            "  instructedit FILE.lua [args]\n      runs a script; `arg` and `...` hold its arguments",
            "  instructedit -e 'code' [-e ...] [FILE.lua [args]]\n      runs code, then the script if given",
        ] + subcommands + ["  instructedit --help\n      this text"]).joined(separator: "\n")
    }

    static func main(_ arguments: [String]) -> Int32 {
        switch Invocation.parse(arguments) {
        case .usage:
            Console.out(usage)
            return 0
        case .usageError(let message):
            Console.err("instructedit: \(message)\n\(usage)")
            return 2
        case let .subcommand(name, rest):
            return Subcommand.named(name)?.run(rest) ?? 2
        case .interactive:
            guard let session = makeSession() else { return 1 }
            return Console.stdinIsTerminal ? TerminalREPL.run(session) : PipeREPL.run(session)
        case let .run(chunks, script, scriptArguments):
            guard let session = makeSession() else { return 1 }
            for chunk in chunks {
                if let error = session.run(chunk, chunkName: "=(command line)", mode: .chunk).error {
                    return fail(error)
                }
            }
            if let script, let error = session.runFile(script, arguments: scriptArguments).error {
                return fail(error)
            }
            return 0
        }
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

    /// Reports a script error as lua.c does (message, then traceback) and returns exit code 1.
    private static func fail(_ error: LuaError) -> Int32 {
        Console.err("instructedit: \(error)")
        return 1
    }
}
