/// The (prompt, answer) token pairs evaluation scores for a factual record, in the order
/// `Evaluator.scoreFact` scores them after the edit; the helper thread's plan of inputs reads the
/// same list. Neighbourhood's pairs come from the model's greedy answers and are not here.
struct FactPairs {
    typealias Pair = (promptIds: [Int], answerIds: [Int])
    var reliability: Pair
    /// The edit prompt without its instruction (only when edits are instruction-rendered).
    var plain: [Pair]
    var rephrases: [Pair]
    var locality: [Pair]
    /// Per portability question, one pair per alias scored.
    var portability: [[Pair]]

    init(_ r: EditRecord, tokenizer tok: any Tokenizer, render: (String) throws -> String, options: EvaluationOptions) throws {
        func pair(_ prompt: String, _ answer: String) -> Pair {
            (tok.encode(prompt), tok.encode(TeacherForcing.continuation(answer)))
        }
        reliability = pair(try render(r.prompt), r.target)
        plain = options.instruct ? [pair(r.prompt, r.target)] : []
        rephrases = try r.rephrases.prefix(options.maxProbes).map { pair(try render($0), r.target) }
        locality = r.locality.prefix(options.maxProbes).map { pair($0.prompt, $0.answer) }
        portability = try r.portability.prefix(options.maxProbes).map { q in
            let p = try render(q.prompt)
            return (options.aliasChoice == .first ? Array(q.answers.prefix(1)) : Array(q.answers.prefix(3))).map { pair(p, $0) }
        }
    }

    var all: [Pair] { [reliability] + plain + rephrases + locality + portability.flatMap { $0 } }
}
