/// Incremental forward over a KV cache: the prompt goes through the batched forward (one sgemm
/// per projection), each later token through one sgemv per projection.
final class LlamaDecoder {
    let weights: LlamaWeights
    let cache: KVCache
    private let rope: RopeTable
    private let step: LlamaBlockActivations   // one row, keys up to capacity
    private let normed: FloatBuffer           // (dim)
    private let rstd = FloatBuffer(1)

    /// A decoder for up to `capacity` positions (at most the context length).
    init(_ w: LlamaWeights, capacity: Int) {
        let c = w.config
        weights = w
        cache = KVCache(c, capacity: min(capacity, c.contextLength))
        rope = RopeTable.shared(c)
        step = LlamaBlockActivations(c, rows: 1, keyCapacity: cache.capacity)
        normed = FloatBuffer(c.dim)
    }

    /// Positions decoded so far.
    var count: Int { cache.count }

    /// Run at every block of `append` (they see the new rows only: [T, dim], patterns [heads, T, keys]).
    var hooks: ActivationHooks?

    /// Runs `tokens` at positions count..., returns the logits after the last of them ([vocab]).
    func append(_ tokens: [Int]) throws -> [Float] {
        let c = weights.config, T = tokens.count, pos0 = cache.count
        try LlamaForward.validate(weights, tokens: tokens, in: "decode")
        guard pos0 + T <= cache.capacity else {
            throw InstructEditError("decode: \(pos0 + T) positions exceed the cache capacity \(cache.capacity)")
        }
        let a = T == 1 ? step : LlamaBlockActivations(c, rows: T, keyCapacity: pos0 + T)
        LlamaForward.embed(weights, tokens: tokens, into: a.input.p)
        for l in 0..<c.layers {
            try Interrupt.check()
            if let hooks {
                try LlamaBlock.forward(weights, layer: l, a, pos0: pos0, cache: cache.layer(l), rope: rope, out: a.input.p, hooks: hooks)
            } else {
                LlamaBlock.forward(weights, layer: l, a, pos0: pos0, cache: cache.layer(l), rope: rope, out: a.input.p)
            }
        }
        cache.count = pos0 + T
        RMSNorm.forward(a.input.p + (T - 1) * c.dim, weights.pointer(weights.finalNorm), rows: 1, dim: c.dim,
                        eps: c.normEps, out: normed.p, rstd: rstd.p)
        var logits = [Float](repeating: 0, count: c.vocab)
        logits.withUnsafeMutableBufferPointer { o in
            weights.product([weights.output], normed.p, rows: 1, o.baseAddress!)
        }
        return logits
    }
}
