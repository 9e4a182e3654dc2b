/// A zero-initialised Float32 buffer with a stable address, so activations can live in a trace and
/// go to BLAS without copy-on-write checks.
final class FloatBuffer: @unchecked Sendable {
    let count: Int
    let p: UnsafeMutablePointer<Float>

    init(_ count: Int) {
        self.count = count
        p = .allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { p.deallocate() }

    var array: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    func zero() { p.update(repeating: 0, count: count) }
}

/// Everything one decoder block computes for T rows (C = dim, F = ffn, H = heads, Tk = keys seen,
/// QKV = dim + 2·kvDim). A traced forward keeps one per block for the backward; inference reuses one
/// for every block.
final class LlamaBlockActivations: @unchecked Sendable {
    let T: Int
    let keyCapacity: Int
    let input: FloatBuffer      // (T, C) residual entering the block
    let rstdAttn: FloatBuffer   // (T) 1 / rms of input
    let xnAttn: FloatBuffer     // (T, C) input_layernorm output: input of q, k, v
    let qkv: FloatBuffer        // (T, QKV) q | k | v per row; q and k after RoPE
    /// (H, T, Tk) attention probabilities, Tk <= keyCapacity: allocated on first use, and written
    /// only by passes that keep them (`keepProbs`, or a hook on the pattern), since at long inputs
    /// they are the one quadratic buffer.
    lazy var probs = FloatBuffer(heads * T * keyCapacity)
    /// Whether the attention stage writes `probs` (a traced forward keeps them for the backward).
    var keepProbs: Bool
    private let heads: Int
    let attnOut: FloatBuffer    // (T, C) heads side by side: input of o_proj
    let mid: FloatBuffer        // (T, C) residual after attention
    let rstdMlp: FloatBuffer    // (T)
    let xnMlp: FloatBuffer      // (T, C) post_attention_layernorm output: input of gate and up
    let gateUp: FloatBuffer     // (T, 2F) gate | up per row, gate before SiLU
    let act: FloatBuffer        // (T, F) silu(gate) * up: input of down_proj

    init(_ c: LlamaConfig, rows T: Int, keyCapacity: Int? = nil, keepProbs: Bool = false) {
        self.T = T
        self.keyCapacity = keyCapacity ?? T
        self.keepProbs = keepProbs
        heads = c.heads
        input = FloatBuffer(T * c.dim); rstdAttn = FloatBuffer(T); xnAttn = FloatBuffer(T * c.dim)
        qkv = FloatBuffer(T * (c.dim + 2 * c.kvDim))
        attnOut = FloatBuffer(T * c.dim); mid = FloatBuffer(T * c.dim); rstdMlp = FloatBuffer(T)
        xnMlp = FloatBuffer(T * c.dim); gateUp = FloatBuffer(T * 2 * c.ffn); act = FloatBuffer(T * c.ffn)
    }
}
