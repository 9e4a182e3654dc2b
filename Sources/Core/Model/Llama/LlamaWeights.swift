import Foundation

/// A named matrix (or vector, cols == 1) inside the parameter slab, stored (rows=out, cols=in)
/// row-major so that y = W x is one BLAS call.
public struct ParamRef: Sendable, Hashable, CustomStringConvertible {
    public let name: String      // Hugging Face style, e.g. "model.layers.29.mlp.down_proj.weight"
    public let offset: Int
    public let rows: Int
    public let cols: Int
    public var count: Int { rows * cols }
    public var description: String { "\(name) [\(rows), \(cols)]" }
}

/// Parameters of one decoder block, in Hugging Face's (un-permuted) layout.
public struct LlamaLayerParams: Sendable {
    public let attnNorm: ParamRef   // (dim)
    public let wq: ParamRef         // (dim, dim)
    public let wk: ParamRef         // (kvDim, dim)
    public let wv: ParamRef         // (kvDim, dim)
    public let wo: ParamRef         // (dim, dim)
    public let mlpNorm: ParamRef    // (dim)
    public let wGate: ParamRef      // (ffn, dim)
    public let wUp: ParamRef        // (ffn, dim)
    public let wDown: ParamRef      // (dim, ffn)
    public var all: [ParamRef] { [attnNorm, wq, wk, wv, wo, mlpNorm, wGate, wUp, wDown] }
}

/// All parameters of a LLaMA model in one contiguous Float32 slab (llm.c's habit): gradients use
/// the same `ParamRef`s over a slab of the same size, so "the gradient of X" is a lookup.
/// Q and K rows are in Hugging Face order (rotate-half RoPE); the GGUF loader undoes llama.cpp's
/// permutation when it fills the slab.
public final class LlamaWeights: @unchecked Sendable {
    public let config: LlamaConfig
    public let slab: UnsafeMutableBufferPointer<Float>
    public let tokenEmbedding: ParamRef   // (vocab, dim)
    public let layers: [LlamaLayerParams]
    public let finalNorm: ParamRef        // (dim)
    /// The output (LM head) matrix (vocab, dim); the same ref as `tokenEmbedding` when tied.
    public let output: ParamRef
    /// The GGUF file's blocks of the matrices not written since loading, for one-row products.
    let blockCopies = BlockCopies()

    /// Allocates a zeroed slab laid out for `config`.
    public init(config c: LlamaConfig) {
        var offset = 0
        func take(_ name: String, _ rows: Int, _ cols: Int) -> ParamRef {
            defer { offset += rows * cols }
            return ParamRef(name: name, offset: offset, rows: rows, cols: cols)
        }
        tokenEmbedding = take("model.embed_tokens.weight", c.vocab, c.dim)
        var ls: [LlamaLayerParams] = []
        for l in 0..<c.layers {
            let p = "model.layers.\(l)."
            ls.append(LlamaLayerParams(
                attnNorm: take(p + "input_layernorm.weight", c.dim, 1),
                wq: take(p + "self_attn.q_proj.weight", c.dim, c.dim),
                wk: take(p + "self_attn.k_proj.weight", c.kvDim, c.dim),
                wv: take(p + "self_attn.v_proj.weight", c.kvDim, c.dim),
                wo: take(p + "self_attn.o_proj.weight", c.dim, c.dim),
                mlpNorm: take(p + "post_attention_layernorm.weight", c.dim, 1),
                wGate: take(p + "mlp.gate_proj.weight", c.ffn, c.dim),
                wUp: take(p + "mlp.up_proj.weight", c.ffn, c.dim),
                wDown: take(p + "mlp.down_proj.weight", c.dim, c.ffn)))
        }
        layers = ls
        finalNorm = take("model.norm.weight", c.dim, 1)
        output = c.tiedEmbeddings ? tokenEmbedding : take("lm_head.weight", c.vocab, c.dim)
        config = c
        // calloc: large zeroed blocks come straight from fresh pages, so a loader that overwrites
        // every value does not pay for zeroing them first.
        let raw = calloc(max(offset, 1), MemoryLayout<Float>.stride)
        slab = UnsafeMutableBufferPointer(start: raw?.assumingMemoryBound(to: Float.self), count: raw == nil ? 0 : offset)
    }

    deinit { free(slab.baseAddress) }

    /// Every parameter, each once (the tied output is not repeated).
    public var all: [ParamRef] {
        var r = [tokenEmbedding] + layers.flatMap(\.all) + [finalNorm]
        if !config.tiedEmbeddings { r.append(output) }
        return r
    }

    /// Looks a parameter up by its Hugging Face name.
    public func param(named name: String) -> ParamRef? { all.first { $0.name == name } }

    /// `p`'s values, to read.
    public func pointer(_ p: ParamRef) -> UnsafePointer<Float> { UnsafePointer(slab.baseAddress! + p.offset) }
    public func buffer(_ p: ParamRef) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer(p), count: p.count) }

    /// y (T, out) = x Wᵀ + beta·y with W the consecutive matrices `params` (one, or a fused q | k | v
    /// or gate | up): one row from the file's blocks where all of them are kept, else `Linear`.
    func product(_ params: [ParamRef], _ x: UnsafePointer<Float>, rows T: Int, _ y: UnsafeMutablePointer<Float>,
                 beta: Float = 0) {
        if T == 1, blockCopies.forwardRow(params, x, y, beta: beta) { return }
        Linear.forward(x, pointer(params[0]), rows: T, in: params[0].cols, out: params.reduce(0) { $0 + $1.rows }, y, beta: beta)
    }

    /// `p`'s values, to write: the file's blocks of `p` (`BlockCopies`) are dropped first, so every
    /// later product reads the written values.
    public func mutablePointer(_ p: ParamRef) -> UnsafeMutablePointer<Float> {
        blockCopies.drop(p)
        return slab.baseAddress! + p.offset
    }
    public func mutableBuffer(_ p: ParamRef) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: mutablePointer(p), count: p.count)
    }
}
