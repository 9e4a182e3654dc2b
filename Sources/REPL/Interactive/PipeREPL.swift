import Bindings

/// stdin is not a terminal: no prompts, no colours; every line is fed as typed, results printed plain.
/// Exits 1 if any cell failed.
enum PipeREPL {
    static func run(_ session: LuaSession) -> Int32 {
        let evaluator = Evaluator(session: session, style: .plain, figures: FigureDisplay(mode: .text, colour: .none, reason: "standard output is not a terminal"))
        evaluator.timing = .never   // output a pipe reads stays the same from run to run
        while let line = readLine(strippingNewline: true) {
            if case .quit = evaluator.feed(line) { break }
            _ = InterruptSignal.take()
        }
        evaluator.finish()
        return evaluator.failures > 0 ? 1 : 0
    }
}
