import Bindings

/// The interactive REPL on a terminal: line editing, history, completion, colours.
enum TerminalREPL {
    static func run(_ session: LuaSession) -> Int32 {
        let style = Style.forStandardOutput()
        let location = History.defaultLocation
        var history = History(path: location.path)
        history.variable = location.variable
        let editor = LineEditor(history: history.entries) { text in session.completions(for: text) }
        let evaluator = Evaluator(session: session, style: style, figures: .fromEnvironment(colours: style.enabled))
        Console.out(style.dim("InstructEdit on Lua 5.4. help() lists the modules, :help the REPL commands, Ctrl-D leaves."))
        while true {
            let number = "[\(session.cellCount + 1)]"
            let prompt = evaluator.isContinuing ? String(repeating: " ", count: max(number.count - 2, 0)) + "...> " : number + "> "
            switch editor.readLine(prompt: style.prompt(prompt)) {
            case .eof:
                Console.out("")
                return 0
            case .interrupted:
                evaluator.discardPending()
            case .line(let line):
                let outcome = evaluator.feed(line)
                _ = InterruptSignal.take()   // a Ctrl-C that stopped the cell is spent
                switch outcome {
                case .needMore:
                    break
                case .quit:
                    return 0
                case .complete(let chunk):
                    guard !chunk.isEmpty else { break }
                    editor.addHistory(chunk)
                    history.append(chunk)
                }
            }
        }
    }
}
