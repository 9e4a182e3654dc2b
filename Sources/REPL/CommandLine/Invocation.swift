/// What the command line asks for (lua.c's conventions, plus subcommands).
enum Invocation: Equatable {
    /// No arguments: the REPL, or pipe mode when stdin is not a terminal.
    case interactive
    /// `-e` chunks, then a script with its arguments, in order.
    case run(chunks: [String], script: String?, arguments: [String])
    /// `instructedit <subcommand> ...`
    case subcommand(String, [String])
    case usage
    case usageError(String)

    static func parse(_ args: [String]) -> Invocation {
        guard let first = args.first else { return .interactive }
        if Subcommand.named(first) != nil { return .subcommand(first, Array(args.dropFirst())) }
        var chunks: [String] = []
        var i = 0
        options: while i < args.count {
            switch args[i] {
            case "-h", "--help":
                return .usage
            case "-e":
                guard i + 1 < args.count else { return .usageError("'-e' needs an argument") }
                chunks.append(args[i + 1])
                i += 2
            case "--":
                i += 1
                break options
            case let option where option.hasPrefix("-") && option.count > 1:
                return .usageError("unrecognized option '\(option)'")
            default:
                break options
            }
        }
        let script = i < args.count ? args[i] : nil
        if chunks.isEmpty && script == nil { return .interactive }
        return .run(chunks: chunks, script: script, arguments: Array(args.dropFirst(i + 1)))
    }
}
