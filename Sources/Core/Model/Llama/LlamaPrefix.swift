/// The keys and values of a token prefix in blocks 0..<block. Inputs that share it (every input
/// rendered with the same instruction) then compute their residual stream for the rest only.
public final class LlamaPrefix: @unchecked Sendable {
    public let tokens: [Int]
    public let block: Int
    /// Longest continuation `LlamaTraining.residual(_:tokens:atBlock:prefix:)` accepts.
    public let maxSuffix: Int
    let cache: KVCache
    let residual: [Float]   // (P, C) residual entering `block` at the prefix rows

    public init(_ w: LlamaWeights, tokens: [Int], atBlock block: Int, maxSuffix: Int = 256) throws {
        try LlamaForward.validate(w, tokens: tokens, in: "prefix")
        try LlamaTraining.checkBlock(w, block, in: "prefix")
        self.tokens = tokens
        self.block = block
        self.maxSuffix = maxSuffix
        cache = KVCache(w.config, capacity: tokens.count + maxSuffix)
        let a = LlamaBlockActivations(w.config, rows: tokens.count)
        LlamaForward.embed(w, tokens: tokens, into: a.input.p)
        let rope = RopeTable.shared(w.config)
        for l in 0..<block {
            LlamaBlock.forward(w, layer: l, a, pos0: 0, cache: cache.layer(l), rope: rope, out: a.input.p)
        }
        residual = a.input.array
    }
}

extension LlamaTraining {
    /// `residual(_:tokens:atBlock:)` for tokens that start with `prefix.tokens`, computing only the
    /// rows after the prefix. Not thread-safe: the prefix's cache rows past the prefix are scratch.
    public static func residual(_ w: LlamaWeights, tokens: [Int], atBlock block: Int, prefix: LlamaPrefix) throws -> [Float] {
        let P = prefix.tokens.count, S = tokens.count - P
        guard block == prefix.block, tokens.count >= P, tokens.starts(with: prefix.tokens) else {
            throw InstructEditError("residual: the tokens do not start with the prefix (or another block was asked for)")
        }
        guard S <= prefix.maxSuffix else { return try residual(w, tokens: tokens, atBlock: block) }
        guard S > 0 else { return prefix.residual }
        try LlamaForward.validate(w, tokens: tokens, in: "residual")
        let suffix = Array(tokens[P...])
        let a = LlamaBlockActivations(w.config, rows: S, keyCapacity: P + S)
        LlamaForward.embed(w, tokens: suffix, into: a.input.p)
        let rope = RopeTable.shared(w.config)
        for l in 0..<block {
            try Interrupt.check()
            LlamaBlock.forward(w, layer: l, a, pos0: P, cache: prefix.cache.layer(l), rope: rope, out: a.input.p)
        }
        return prefix.residual + a.input.array
    }
}
