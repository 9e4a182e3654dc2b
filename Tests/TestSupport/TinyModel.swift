@testable import Core

/// Tiny random LLaMA models for tests: a real byte-level BPE vocabulary (ChatML specials, all 256
/// byte tokens, a few English merges) and seeded random weights, written as llama.cpp writes GGUF
/// files (Q/K rows permuted), so loading one runs the real loader end to end.
public enum TinyModel {
    public static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    /// Merges in byte-level form (Ġ = space, Ċ = newline), each built from earlier tokens.
    public static let merges: [(String, String)] = [
        ("Ġ", "t"), ("h", "e"), ("Ġ", "a"), ("i", "n"), ("Ġt", "he"), ("e", "r"), ("o", "n"), ("r", "e"),
        ("a", "n"), ("Ġ", "s"), ("a", "t"), ("e", "n"), ("Ġ", "o"), ("o", "r"), ("e", "s"), ("Ġ", "w"),
        ("Ġ", "c"), ("i", "s"), ("Ġ", "i"), ("Ġo", "f"), ("Ġ", "p"), ("e", "d"), ("in", "g"), ("Ġ", "f"),
        ("Ġa", "n"), ("Ġan", "d"), ("l", "l"), ("Ġ", "b"), ("a", "r"), ("Ġ", "m"), ("i", "t"), ("Ġ", "d"),
        ("Ġ", "h"), ("o", "u"), ("Ġ", "Ġ"), ("Ċ", "Ċ"), ("Ġc", "a"), ("Ġi", "s"), ("Ġp", "ar"), ("Ġpar", "is"),
    ]

    /// Token strings: specials (ids 0-2, as in SmolLM2), the 256 bytes, then one token per merge.
    public static var baseTokens: [String] {
        specials + (0..<256).map { String(ByteLevel.byteToScalar[$0]) } + merges.map { $0.0 + $0.1 }
    }

    /// The vocabulary for `size` tokens: the base vocabulary padded with unused tokens.
    public static func tokens(count: Int) throws -> [String] {
        let base = baseTokens
        guard count >= base.count else {
            throw InstructEditError("TinyModel: vocab \(count) is smaller than the \(base.count) tokens of the tiny vocabulary")
        }
        return base + (base.count..<count).map { "<|unused_\($0)|>" }
    }

    /// Seeded random weights in Hugging Face order: matrices uniform with scale 1/√cols, norms
    /// near 1, embeddings at ±0.5.
    public static func weights(config: LlamaConfig = .tiny, seed: UInt64 = 0) throws -> LlamaWeights {
        try config.validate(source: "TinyModel")
        var rng = SplitMix64(seed: seed)
        let w = LlamaWeights(config: config)
        for p in w.all {
            let b = w.mutableBuffer(p)
            if p.cols == 1 {
                for i in b.indices { b[i] = 1 + 0.1 * rng.uniform() }
            } else {
                let scale = p == w.tokenEmbedding ? 0.5 : 1 / Float(p.cols).squareRoot()
                for i in b.indices { b[i] = scale * rng.uniform() }
            }
        }
        return w
    }

    /// A tiny model built in memory (no file): the same weights and tokenizer `write` stores.
    public static func model(config: LlamaConfig = .tiny, seed: UInt64 = 0) throws -> LanguageModel {
        let tokens = try tokens(count: config.vocab)
        let tokenizer = try BPETokenizer(tokens: tokens, merges: merges, specialIds: Set(0..<specials.count),
                                         preTokenizer: PreTokenizer(splitDigits: true), bos: 1, eos: 2, pad: 2, unk: 0,
                                         source: "TinyModel")
        return LanguageModel(name: "tiny", path: "", weights: try weights(config: config, seed: seed), tokenizer: tokenizer)
    }

    /// Writes a tiny LLaMA GGUF file (F32 tensors, llama.cpp layout) to `path`, atomically.
    public static func write(to path: String, config: LlamaConfig = .tiny, seed: UInt64 = 0) throws {
        let tokens = try tokens(count: config.vocab)
        let w = try weights(config: config, seed: seed)
        var g = GGUFWriter()
        let c = config
        g.set("general.architecture", .string("llama"))
        g.set("general.name", .string("tiny"))
        g.set("llama.block_count", .uint32(UInt32(c.layers)))
        g.set("llama.context_length", .uint32(UInt32(c.contextLength)))
        g.set("llama.embedding_length", .uint32(UInt32(c.dim)))
        g.set("llama.feed_forward_length", .uint32(UInt32(c.ffn)))
        g.set("llama.attention.head_count", .uint32(UInt32(c.heads)))
        g.set("llama.attention.head_count_kv", .uint32(UInt32(c.kvHeads)))
        g.set("llama.rope.freq_base", .float32(c.ropeTheta))
        g.set("llama.attention.layer_norm_rms_epsilon", .float32(c.normEps))
        g.set("llama.rope.dimension_count", .uint32(UInt32(c.headDim)))
        g.set("llama.vocab_size", .uint32(UInt32(c.vocab)))
        g.set("tokenizer.ggml.model", .string("gpt2"))
        g.set("tokenizer.ggml.pre", .string("smollm"))
        g.set("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) }))
        g.set("tokenizer.ggml.token_type", .array(.int32, tokens.indices.map {
            .int32($0 < specials.count ? 3 : $0 < baseTokens.count ? 1 : 5)
        }))
        g.set("tokenizer.ggml.merges", .array(.string, merges.map { .string($0.0 + " " + $0.1) }))
        g.set("tokenizer.ggml.bos_token_id", .uint32(1))
        g.set("tokenizer.ggml.eos_token_id", .uint32(2))
        g.set("tokenizer.ggml.padding_token_id", .uint32(2))
        g.set("tokenizer.ggml.unknown_token_id", .uint32(0))
        g.set("tokenizer.ggml.add_bos_token", .bool(false))
        for s in LlamaTensorSpec.all(c) {
            guard let p = w.param(named: s.hf) else { continue }
            var values = Array(w.buffer(p))
            if let heads = s.ropeHeads { values = RopePermutation.toGGUF(values, rows: s.rows, cols: s.cols, heads: heads) }
            try g.addTensor(s.gguf, shape: s.shape, values: values)
        }
        try g.write(to: path)
    }
}

public extension LlamaConfig {
    /// A tiny LLaMA (2 layers, dim 64, 4 heads, 2 kv heads, ffn 128) over the tiny vocabulary.
    static var tiny: LlamaConfig {
        LlamaConfig(layers: 2, dim: 64, heads: 4, kvHeads: 2, ffn: 128, vocab: TinyModel.baseTokens.count,
                    ropeTheta: 10000, normEps: 1e-5, contextLength: 128, tiedEmbeddings: true)
    }
}

private extension SplitMix64 {
    /// Uniform in [-1, 1): the same seed gives the same tiny model everywhere.
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
