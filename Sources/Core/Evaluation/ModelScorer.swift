import Foundation

/// Teacher-forced predictions and log-probabilities of the current model weights, computed from
/// the residual stream entering the lowest edited block (cached: edits never change what lies
/// below it), so scoring after an edit costs only the top blocks.
public final class ModelScorer: @unchecked Sendable {
    let model: LanguageModel
    let cache: ResidualCache

    /// The block whose entering residual stream is cached: edits must not change anything below it.
    public var block: Int { cache.block }

    public init(model: LanguageModel, lowestEditedBlock: Int) {
        self.model = model
        cache = ResidualCache(block: lowestEditedBlock)
    }

    /// Shares the instruction text of `tasks`' descriptions between inputs (see `ResidualCache`).
    public func addInstructionPrefixes(tasks: [String]) throws {
        let set = try InstructionSet.builtIn()
        try cache.addInstructionPrefixes(tasks: tasks.filter { set.tasks().contains($0) }, instructions: set, tokenizer: model.tokenizer)
    }

    /// Logits at the answer positions of prompt + " answer"-style continuation `answer`.
    func answerLogits(prompt: String, answer: String) throws -> (tf: TeacherForcing, logits: [Float]) {
        let tok = model.tokenizer
        return try answerLogits(promptIds: tok.encode(prompt), answerIds: tok.encode(answer))
    }

    func answerLogits(promptIds: [Int], answerIds: [Int]) throws -> (tf: TeacherForcing, logits: [Float]) {
        let tf = try TeacherForcing.positions(promptIds: promptIds, answerIds: answerIds)
        let w = model.network
        let trace = try w.forward(tokens: tf.input, from: cache.block, residual: try cache.residual(w, tf.input))
        return (tf, try w.logits(trace, positions: tf.positions))
    }

    /// The argmax at each answer position, and the answer ids.
    public func predict(prompt: String, answer: String) throws -> (predicted: [Int], answer: [Int]) {
        let tok = model.tokenizer
        return try predict(promptIds: tok.encode(prompt), answerIds: tok.encode(answer))
    }

    /// The argmax at each answer position, for token ids.
    public func predict(promptIds: [Int], answerIds: [Int]) throws -> (predicted: [Int], answer: [Int]) {
        let (tf, logits) = try answerLogits(promptIds: promptIds, answerIds: answerIds)
        let v = model.network.vocabularySize
        let predicted = (0..<tf.positions.count).map { k in
            logits.withUnsafeBufferPointer { p in
                var best = 0
                var bestValue = -Float.infinity
                for j in 0..<v where p[k * v + j] > bestValue { bestValue = p[k * v + j]; best = j }
                return best
            }
        }
        return (predicted, tf.answer)
    }

    /// The current model's greedy continuation of `prompt`: at most `maxTokens` ids, ending before
    /// an end-of-sequence token or a line break (the answer to a one-line prompt); nil when the
    /// model's first choice is one of those.
    public func greedyAnswer(prompt: String, maxTokens: Int = 3) throws -> [Int]? {
        let tok = model.tokenizer
        let result = try Generator(weights: model.weights, tokenizer: tok)
            .generate(prompt: tok.encode(prompt), parameters: GenerationParameters(maxTokens: maxTokens))
        var ids: [Int] = []
        for id in result.tokens {
            if id == tok.eosId { break }
            if tok.decode([id]).contains("\n") { break }
            ids.append(id)
        }
        return ids.isEmpty ? nil : ids
    }

    /// Log-probability of each answer token.
    public func tokenLogProbs(prompt: String, answer: String) throws -> [Float] {
        let (tf, logits) = try answerLogits(prompt: prompt, answer: answer)
        let v = model.network.vocabularySize
        return tf.answer.enumerated().map { k, id in
            logits.withUnsafeBufferPointer { p in
                let row = UnsafeBufferPointer(rebasing: p[(k * v)..<((k + 1) * v)])
                let m = row.max() ?? 0
                var s: Float = 0
                for x in row { s += expf(x - m) }
                return row[id] - m - logf(s)
            }
        }
    }
}
