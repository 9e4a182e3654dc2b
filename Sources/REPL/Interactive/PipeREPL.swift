import Bindings

/// stdin is not a terminal: no prompts, no colours; every line is fed as typed, results printed plain.
/// Exits 1 if any cell failed.
enum PipeREPL {
    static func run(_ session: LuaSession) -> Int32 {
        let evaluator = Evaluator(session: session, style: .plain)
        while let line = readLine(strippingNewline: true) {
            if case .quit = evaluator.feed(line) { break }
            _ = InterruptSignal.take()
        }
        evaluator.finish()
        return evaluator.failures > 0 ? 1 : 0
    }
}
