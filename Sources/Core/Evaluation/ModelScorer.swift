import Foundation

/// Teacher-forced predictions and log-probabilities of the current model weights, computed from
/// the residual stream entering the lowest edited block (cached: edits never change what lies
/// below it), so scoring after an edit costs only the top blocks.
public final class ModelScorer: @unchecked Sendable {
    let model: LanguageModel
    let cache: ResidualCache
    /// Scores of the unedited model, which every method's "before" asks for again (and the
    /// unedited method's "after"): kept while no edit is applied.
    private var basePredictions: [[Int]: [Int]] = [:]
    private var baseLogProbs: [[Int]: [Float]] = [:]
    private var baseGreedy: [String: GreedyAnswer?] = [:]
    private var isUnedited: Bool { model.editLog.applied.isEmpty }
    private static func key(_ prompt: [Int], _ answer: [Int]) -> [Int] { prompt + [-1] + answer }

    /// The block whose entering residual stream is cached: edits must not change anything below it.
    public var block: Int { cache.block }

    public init(model: LanguageModel, lowestEditedBlock: Int) {
        self.model = model
        cache = ResidualCache(block: lowestEditedBlock)
    }

    /// A scorer for `editor` (nil: the unedited model), caching below its lowest edited block and
    /// sharing the instruction text of `instructionTasks` between inputs.
    public convenience init(model: LanguageModel, editor: (any KnowledgeEditor)?, instructionTasks: [String]) throws {
        self.init(model: model, lowestEditedBlock: try Evaluator.cacheBlock(for: editor, on: model))
        try addInstructionPrefixes(tasks: instructionTasks)
    }

    /// Shares the instruction text of `tasks`' descriptions between inputs (see `ResidualCache`).
    public func addInstructionPrefixes(tasks: [String]) throws {
        let set = try InstructionSet.builtIn()
        try cache.addInstructionPrefixes(tasks: tasks.filter { set.tasks().contains($0) }, instructions: set, tokenizer: model.tokenizer)
    }

    /// The token sequence `predict`/`tokenLogProbs` pass through the model for this pair.
    func input(prompt: String, answer: String) throws -> [Int] {
        let tok = model.tokenizer
        return try TeacherForcing.positions(promptIds: tok.encode(prompt), answerIds: tok.encode(answer)).input
    }

    /// Computes the residual streams of `inputs` on a helper thread ahead of their scoring (the
    /// weights below the cached block never change, so the main thread may edit meanwhile).
    func prefetch(_ inputs: [[Int]], on helper: HelperQueue) {
        let w = model.network, cache = cache
        helper.async {
            for t in inputs where t.count >= 2 {
                if helper.isStopped { return }
                _ = try? cache.residual(w, t)
            }
        }
    }

    /// Logits at the answer positions of prompt + " answer"-style continuation `answer`.
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
        try predict([(promptIds, answerIds)])[0]
    }

    /// `predict` for several (prompt, answer) pairs, in order; their answer positions share one
    /// product with the output matrix (the bulk of scoring a short answer is reading it).
    func predict(_ pairs: [(promptIds: [Int], answerIds: [Int])]) throws -> [(predicted: [Int], answer: [Int])] {
        let unedited = isUnedited
        var predicted: [[Int]?] = pairs.map { unedited ? basePredictions[Self.key($0.promptIds, $0.answerIds)] : nil }
        let missing = predicted.indices.filter { predicted[$0] == nil }
        let w = model.network, v = w.vocabularySize
        var parts: [(trace: any ModelTrace, positions: [Int])] = []
        for i in missing {
            let tf = try TeacherForcing.positions(promptIds: pairs[i].promptIds, answerIds: pairs[i].answerIds)
            parts.append((try w.forward(tokens: tf.input, from: cache.block, residual: try cache.residual(w, tf.input)), tf.positions))
        }
        let logits = try w.logits(parts)
        var row = 0
        for (i, part) in zip(missing, parts) {
            predicted[i] = part.positions.indices.map { _ in
                defer { row += 1 }
                return logits.withUnsafeBufferPointer { p in
                    var best = 0
                    var bestValue = -Float.infinity
                    for j in 0..<v where p[row * v + j] > bestValue { bestValue = p[row * v + j]; best = j }
                    return best
                }
            }
            if unedited { basePredictions[Self.key(pairs[i].promptIds, pairs[i].answerIds)] = predicted[i] }
        }
        return zip(pairs, predicted).map { ($1 ?? [], $0.answerIds) }
    }

    /// The current model's greedy answer to `prompt`: the line breaks it starts with (a question's
    /// answer follows one) join the prompt, then at most `maxTokens` ids up to the next line break or
    /// end-of-sequence token; an end-of-sequence token that comes first is the answer. nil when the
    /// model answers nothing within `maxTokens + 2` tokens.
    public func greedyAnswer(prompt: String, maxTokens: Int = 3) throws -> (prompt: [Int], answer: [Int])? {
        let unedited = isUnedited
        let key = "\(maxTokens)\u{0}\(prompt)"
        if unedited, let cached = baseGreedy[key] { return cached.map { ($0.prompt, $0.answer) } }
        let found = try computeGreedyAnswer(prompt: prompt, maxTokens: maxTokens)
        if unedited { baseGreedy[key] = found.map { GreedyAnswer(prompt: $0.prompt, answer: $0.answer) } }
        return found
    }

    private struct GreedyAnswer { let prompt: [Int]; let answer: [Int] }

    /// Greedy decoding, stopped as soon as the answer is known (most end at a line break well
    /// before `maxTokens + 2` tokens).
    private func computeGreedyAnswer(prompt: String, maxTokens: Int) throws -> (prompt: [Int], answer: [Int])? {
        let tok = model.tokenizer
        var context = tok.encode(prompt)
        var ids: [Int] = []
        _ = try Generator(weights: model.weights, tokenizer: tok)
            .generate(prompt: context, parameters: GenerationParameters(maxTokens: maxTokens + 2), onToken: { id in
                // Ending at once is an answer too (SmolLM2-Instruct does so after a bare question).
                if id == tok.eosId { if ids.isEmpty { ids.append(id) }; return false }
                let piece = tok.decode([id])
                let isBreak = piece.trimmingCharacters(in: .newlines).isEmpty
                if isBreak && ids.isEmpty { context.append(id); return true }
                if isBreak || piece.contains("\n") { return false }
                ids.append(id)
                return ids.count < maxTokens
            })
        return ids.isEmpty ? nil : (context, ids)
    }

    /// Log-probability of each answer token.
    public func tokenLogProbs(prompt: String, answer: String) throws -> [Float] {
        let tok = model.tokenizer
        let promptIds = tok.encode(prompt), answerIds = tok.encode(answer)
        let unedited = isUnedited, key = Self.key(promptIds, answerIds)
        if unedited, let l = baseLogProbs[key] { return l }
        let (tf, logits) = try answerLogits(promptIds: promptIds, answerIds: answerIds)
        let v = model.network.vocabularySize
        let result: [Float] = tf.answer.enumerated().map { k, id in
            logits.withUnsafeBufferPointer { p in
                let row = UnsafeBufferPointer(rebasing: p[(k * v)..<((k + 1) * v)])
                let m = row.max() ?? 0
                var s: Float = 0
                for x in row { s += expf(x - m) }
                return row[id] - m - logf(s)
            }
        }
        if unedited { baseLogProbs[key] = result }
        return result
    }
}
