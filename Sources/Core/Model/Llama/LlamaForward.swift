/// Inference passes over a whole sequence (no KV cache): logits, hidden states, attention maps.
public enum LlamaForward {
    /// Logits at every position, [T, vocab]; `hooks` see and may change the activations they name.
    public static func logits(_ w: LlamaWeights, tokens: [Int], hooks: ActivationHooks? = nil) throws -> Tensor {
        try validate(w, tokens: tokens, in: "logits")
        let c = w.config, T = tokens.count
        let a = LlamaBlockActivations(c, rows: T)
        try runBlocks(w, tokens: tokens, 0..<c.layers, a, hooks: hooks)
        let normed = FloatBuffer(T * c.dim), rstd = FloatBuffer(T)
        RMSNorm.forward(a.input.p, w.pointer(w.finalNorm), rows: T, dim: c.dim, eps: c.normEps,
                        out: normed.p, rstd: rstd.p)
        var out = Tensor(zeros: [T, c.vocab])
        out.data.withUnsafeMutableBufferPointer { o in
            Linear.forward(normed.p, w.pointer(w.output), rows: T, in: c.dim, out: c.vocab, o.baseAddress!)
        }
        return out
    }

    /// [layers + 2, T, dim]: embedding output, each block's output, final RMSNorm output.
    public static func hiddenStates(_ w: LlamaWeights, tokens: [Int]) throws -> Tensor {
        try validate(w, tokens: tokens, in: "hiddenStates")
        let c = w.config, T = tokens.count, slice = T * c.dim
        let a = LlamaBlockActivations(c, rows: T)
        var out = Tensor(zeros: [c.layers + 2, T, c.dim])
        try out.data.withUnsafeMutableBufferPointer { o in
            let base = o.baseAddress!
            embed(w, tokens: tokens, into: a.input.p)
            base.update(from: a.input.p, count: slice)
            try runBlocks(w, tokens: nil, 0..<c.layers, a) { l in
                (base + (l + 1) * slice).update(from: a.input.p, count: slice)
            }
            let rstd = FloatBuffer(T)
            RMSNorm.forward(a.input.p, w.pointer(w.finalNorm), rows: T, dim: c.dim, eps: c.normEps,
                            out: base + (c.layers + 1) * slice, rstd: rstd.p)
        }
        return out
    }

    /// Attention probabilities of one layer, [heads, T, T] (causal: zero above the diagonal).
    public static func attention(_ w: LlamaWeights, tokens: [Int], layer: Int) throws -> Tensor {
        try validate(w, tokens: tokens, in: "attention")
        let c = w.config, T = tokens.count
        guard (0..<c.layers).contains(layer) else {
            throw InstructEditError("attention: layer \(layer) is out of range (the model has layers 0..<\(c.layers))")
        }
        let a = LlamaBlockActivations(c, rows: T, keepProbs: true)
        try runBlocks(w, tokens: tokens, 0..<(layer + 1), a)
        return Tensor(shape: [c.heads, T, T], data: a.probs.array)
    }

    // MARK: - Shared by the inference, training and generation passes

    /// Throws unless `tokens` is a non-empty list of vocabulary ids that fits the context.
    static func validate(_ w: LlamaWeights, tokens: [Int], in function: String) throws {
        let c = w.config
        guard c.dim > 0, c.heads > 0, c.kvHeads > 0, c.heads % c.kvHeads == 0, c.dim % c.heads == 0, c.headDim % 2 == 0,
              c.layers >= 0, c.ffn > 0, c.vocab > 0, c.contextLength > 0 else {
            throw InstructEditError("\(function): unsupported model shape (dim \(c.dim), heads \(c.heads), kv heads \(c.kvHeads)): heads must divide dim into an even head size and be a multiple of kv heads")
        }
        guard LlamaBlock.hasFusedLayout(w) else {
            throw InstructEditError("\(function): internal error: the parameter slab does not keep q, k, v and gate, up adjacent")
        }
        guard !tokens.isEmpty else { throw InstructEditError("\(function): the token list is empty") }
        guard tokens.count <= c.contextLength else {
            throw InstructEditError("\(function): \(tokens.count) tokens exceed the model's context length \(c.contextLength)")
        }
        if let i = tokens.firstIndex(where: { $0 < 0 || $0 >= c.vocab }) {
            throw InstructEditError("\(function): token id \(tokens[i]) at position \(i) is outside the vocabulary 0..<\(c.vocab)")
        }
    }

    /// Rows of the embedding matrix for `tokens` (ids already validated), (T, dim).
    static func embed(_ w: LlamaWeights, tokens: [Int], into x: UnsafeMutablePointer<Float>) {
        let C = w.config.dim, e = w.pointer(w.tokenEmbedding)
        for (t, id) in tokens.enumerated() { (x + t * C).update(from: e + id * C, count: C) }
    }

    /// Runs `blocks` in place on `a.input` (embedding `tokens` first when given), calling `after`
    /// with each block's index once its output is in `a.input`. With hooks, the blocks run the
    /// hooked forward.
    static func runBlocks(_ w: LlamaWeights, tokens: [Int]?, _ blocks: Range<Int>, _ a: LlamaBlockActivations,
                          hooks: ActivationHooks? = nil, after: (Int) -> Void = { _ in }) throws {
        if let tokens { embed(w, tokens: tokens, into: a.input.p) }
        let rope = RopeTable.shared(w.config)
        for l in blocks {
            try Interrupt.check()
            if let hooks {
                try LlamaBlock.forward(w, layer: l, a, rope: rope, out: a.input.p, hooks: hooks)
            } else {
                LlamaBlock.forward(w, layer: l, a, rope: rope, out: a.input.p)
            }
            after(l)
        }
    }
}
