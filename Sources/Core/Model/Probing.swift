import Foundation

/// One candidate next token: its id, its text, its logit and its log-probability.
public struct TokenScore: Sendable, Equatable {
    public var id: Int
    /// The token decoded on its own (" capital"); a partial UTF-8 character shows as U+FFFD.
    public var text: String
    public var logit: Float
    public var logProb: Float
}

/// One token of a scored continuation.
public struct ContinuationToken: Sendable, Equatable {
    public var id: Int
    public var text: String
    public var logProb: Float
}

/// What the model makes of one prompt: its most likely next tokens and, when a target continuation
/// is given, the log-probability of each of its tokens.
public struct PromptReading: Sendable, Equatable {
    public var prompt: String
    public var top: [TokenScore]
    /// Empty without a target.
    public var target: [ContinuationToken]

    /// Total log-probability of the target (nil without one).
    public var targetLogProb: Double? {
        target.isEmpty ? nil : target.reduce(0) { $0 + Double($1.logProb) }
    }
}

/// A prompt read before and after a change of the weights (an edit).
public struct PromptEffect: Sendable, Equatable {
    public var before: PromptReading
    public var after: PromptReading
    public var prompt: String { before.prompt }
}

/// Looking inside the model: the logit lens (the final RMSNorm and LM head applied to any layer's
/// residual stream), next-token candidates, per-token log-probabilities of a continuation, and
/// before/after readings around an edit. Every reading runs the same path: blocks up to a layer,
/// then the head on the rows asked for only (the head is the costliest matrix of a small model).
public enum Probing {
    /// The `k` best next tokens after `tokens` (the last position of the full model).
    public static func nextTokens(_ model: LanguageModel, tokens: [Int], k: Int,
                                  hooks: ActivationHooks? = nil) throws -> [TokenScore] {
        try lens(model, tokens: tokens, layer: model.config.layers, k: k, allPositions: false, hooks: hooks)[0]
    }

    /// Logit lens: the residual stream after `layer` blocks (0 = the embeddings, `layers` = the
    /// model's own output) through the final norm and the LM head; the `k` best tokens at every
    /// position, or at the last one only.
    public static func lens(_ model: LanguageModel, tokens: [Int], layer: Int, k: Int,
                            allPositions: Bool, hooks: ActivationHooks? = nil) throws -> [[TokenScore]] {
        let c = model.config
        guard (0...c.layers).contains(layer) else {
            throw InstructEditError("lens: layer \(layer) is out of range (0 = embeddings … \(c.layers) = last block)")
        }
        try checkK(k, vocab: c.vocab, in: "lens")
        let rows = allPositions ? Array(tokens.indices) : [tokens.count - 1]
        let logits = try headLogits(model.weights, tokens: tokens, afterBlocks: layer, rows: rows, in: "lens", hooks: hooks)
        return logits.withUnsafeBufferPointer { p in
            rows.indices.map { r in
                topTokens(UnsafeBufferPointer(rebasing: p[(r * c.vocab)..<((r + 1) * c.vocab)]), k: k, tokenizer: model.tokenizer)
            }
        }
    }

    /// Per-token log-probabilities of `continuation` after `prompt`, tokenised separately as the
    /// edit losses and metrics do (`TeacherForcing`), so the figures agree with evaluation.
    public static func continuation(_ model: LanguageModel, prompt: String, continuation: String,
                                    hooks: ActivationHooks? = nil) throws -> [ContinuationToken] {
        try read(model, prompt: prompt, target: continuation, k: 1, hooks: hooks).target
    }

    /// The `k` best next tokens after `prompt` and, with a target, its per-token log-probabilities
    /// (one forward pass for both).
    public static func read(_ model: LanguageModel, prompt: String, target: String?, k: Int,
                            hooks: ActivationHooks? = nil) throws -> PromptReading {
        let c = model.config, tok = model.tokenizer
        try checkK(k, vocab: c.vocab, in: "read")
        let tf: TeacherForcing
        if let target {
            tf = try TeacherForcing(tokenizer: tok, prompt: prompt, answer: target)
        } else {
            let ids = tok.encode(prompt)
            guard !ids.isEmpty else { throw InstructEditError("empty prompt") }
            tf = TeacherForcing(input: ids, answer: [], positions: [ids.count - 1])
        }
        let logits = try headLogits(model.weights, tokens: tf.input, afterBlocks: c.layers, rows: tf.positions, in: "read", hooks: hooks)
        return logits.withUnsafeBufferPointer { p in
            let row = { (r: Int) in UnsafeBufferPointer(rebasing: p[(r * c.vocab)..<((r + 1) * c.vocab)]) }
            let top = topTokens(row(0), k: k, tokenizer: tok)
            let target = tf.answer.enumerated().map { r, id in
                let lse = Loss.logSumExp(row(r).baseAddress!, c.vocab)
                return ContinuationToken(id: id, text: tok.decode([id]), logProb: Float(Double(row(r)[id]) - lse))
            }
            return PromptReading(prompt: prompt, top: top, target: target)
        }
    }

    /// Reads `prompts` (with `target`, if given), runs `change` (which applies edits), reads them
    /// again, and undoes every edit `change` applied, so the model ends as it began, also when
    /// `change` or a reading fails. `change` should only add edits.
    public static func effect(_ model: LanguageModel, prompts: [String], target: String?, k: Int,
                              change: () throws -> Void) throws -> [PromptEffect] {
        guard !prompts.isEmpty else { throw InstructEditError("effect: no prompts given") }
        let before = try prompts.map { try read(model, prompt: $0, target: target, k: k) }
        let kept = model.editLog.applied.map(ObjectIdentifier.init)
        func undoNew() throws {
            for e in model.editLog.applied.reversed() where !kept.contains(ObjectIdentifier(e)) { try e.undo() }
        }
        let after: [PromptReading]
        do {
            try change()
            after = try prompts.map { try read(model, prompt: $0, target: target, k: k) }
        } catch {
            try? undoNew()
            throw error
        }
        try undoNew()
        return zip(before, after).map { PromptEffect(before: $0, after: $1) }
    }

    /// The `k` highest logits of a row, best first (lower id first on ties), with log-probabilities.
    public static func topTokens(_ row: UnsafeBufferPointer<Float>, k: Int, tokenizer: any Tokenizer) -> [TokenScore] {
        guard let base = row.baseAddress, !row.isEmpty, k > 0 else { return [] }
        let lse = Loss.logSumExp(base, row.count)
        let better = { (a: Int, b: Int) in row[a] > row[b] || (row[a] == row[b] && a < b) }
        var best: [Int] = []
        if k * 16 >= row.count {
            best = Array((0..<row.count).sorted(by: better).prefix(k))
        } else {
            best.reserveCapacity(k + 1)
            for j in 0..<row.count where best.count < k || better(j, best[best.count - 1]) {
                // Binary search for the insertion point among the kept ones.
                var lo = 0, hi = best.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if better(best[mid], j) { lo = mid + 1 } else { hi = mid }
                }
                best.insert(j, at: lo)
                if best.count > k { best.removeLast() }
            }
        }
        return best.map { TokenScore(id: $0, text: tokenizer.decode([$0]), logit: row[$0], logProb: Float(Double(row[$0]) - lse)) }
    }

    // MARK: - The shared pass

    /// Logits (rows.count, vocab) of the residual after `afterBlocks` blocks, at positions `rows`.
    static func headLogits(_ w: LlamaWeights, tokens: [Int], afterBlocks layers: Int, rows: [Int],
                           in function: String, hooks: ActivationHooks? = nil) throws -> [Float] {
        try LlamaForward.validate(w, tokens: tokens, in: function)
        let c = w.config, T = tokens.count, R = rows.count
        let a = LlamaBlockActivations(c, rows: T)
        try LlamaForward.runBlocks(w, tokens: tokens, 0..<layers, a, hooks: hooks)
        let picked = FloatBuffer(R * c.dim), normed = FloatBuffer(R * c.dim), rstd = FloatBuffer(R)
        for (r, t) in rows.enumerated() { (picked.p + r * c.dim).update(from: a.input.p + t * c.dim, count: c.dim) }
        RMSNorm.forward(picked.p, w.pointer(w.finalNorm), rows: R, dim: c.dim, eps: c.normEps, out: normed.p, rstd: rstd.p)
        var out = [Float](repeating: 0, count: R * c.vocab)
        out.withUnsafeMutableBufferPointer { o in
            Linear.forward(normed.p, w.pointer(w.output), rows: R, in: c.dim, out: c.vocab, o.baseAddress!)
        }
        return out
    }

    static func checkK(_ k: Int, vocab: Int, in function: String) throws {
        guard (1...vocab).contains(k) else { throw InstructEditError("\(function): k must be in 1...\(vocab), got \(k)") }
    }
}
