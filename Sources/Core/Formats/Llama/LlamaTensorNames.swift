/// Where each LLaMA parameter lives in checkpoint files: the GGUF name (llama.cpp), the Hugging Face
/// name (= `ParamRef.name`), its (rows, cols) and, for Q and K, the head count of llama.cpp's row
/// permutation. The one place these names are mapped.
struct LlamaTensorSpec: Sendable {
    let gguf: String
    let hf: String
    let rows: Int
    let cols: Int
    /// Heads whose rows llama.cpp interleaves for its RoPE (attn_q: heads, attn_k: kvHeads).
    let ropeHeads: Int?
    var isVector: Bool { cols == 1 }
    /// Row-major shape as checkpoints store it ([n] for vectors).
    var shape: [Int] { isVector ? [rows] : [rows, cols] }

    static func all(_ c: LlamaConfig) -> [LlamaTensorSpec] {
        var s = [LlamaTensorSpec(gguf: "token_embd.weight", hf: "model.embed_tokens.weight", rows: c.vocab, cols: c.dim, ropeHeads: nil)]
        for l in 0..<c.layers {
            let g = "blk.\(l).", h = "model.layers.\(l)."
            func add(_ gn: String, _ hn: String, _ rows: Int, _ cols: Int, _ heads: Int? = nil) {
                s.append(LlamaTensorSpec(gguf: g + gn + ".weight", hf: h + hn + ".weight", rows: rows, cols: cols, ropeHeads: heads))
            }
            add("attn_norm", "input_layernorm", c.dim, 1)
            add("attn_q", "self_attn.q_proj", c.dim, c.dim, c.heads)
            add("attn_k", "self_attn.k_proj", c.kvDim, c.dim, c.kvHeads)
            add("attn_v", "self_attn.v_proj", c.kvDim, c.dim)
            add("attn_output", "self_attn.o_proj", c.dim, c.dim)
            add("ffn_norm", "post_attention_layernorm", c.dim, 1)
            add("ffn_gate", "mlp.gate_proj", c.ffn, c.dim)
            add("ffn_up", "mlp.up_proj", c.ffn, c.dim)
            add("ffn_down", "mlp.down_proj", c.dim, c.ffn)
        }
        s.append(LlamaTensorSpec(gguf: "output_norm.weight", hf: "model.norm.weight", rows: c.dim, cols: 1, ropeHeads: nil))
        if !c.tiedEmbeddings {
            s.append(LlamaTensorSpec(gguf: "output.weight", hf: "lm_head.weight", rows: c.vocab, cols: c.dim, ropeHeads: nil))
        }
        return s
    }
}

/// llama.cpp's conversion interleaves the two halves of each Q/K head (rows i and i + d/2 become
/// rows 2i and 2i + 1) so it can rotate adjacent pairs; Hugging Face order rotates halves.
enum RopePermutation {
    /// The Hugging Face row holding what GGUF stores at `ggufRow`.
    static func hfRow(ggufRow g: Int, headDim d: Int) -> Int {
        let head = g / d, r = g % d
        return head * d + (r % 2) * (d / 2) + r / 2
    }

    /// The GGUF row holding Hugging Face row `hfRow`.
    static func ggufRow(hfRow h: Int, headDim d: Int) -> Int {
        let head = h / d, r = h % d
        return head * d + 2 * (r % (d / 2)) + r / (d / 2)
    }

    /// Reorders the rows of a row-major (rows, cols) matrix from Hugging Face to GGUF order.
    static func toGGUF(_ w: [Float], rows: Int, cols: Int, heads: Int) -> [Float] {
        var out = w
        let d = rows / heads
        for h in 0..<rows {
            let g = ggufRow(hfRow: h, headDim: d)
            out[g * cols..<(g + 1) * cols] = w[h * cols..<(h + 1) * cols]
        }
        return out
    }

    /// Reorders the rows of a row-major (rows, cols) matrix from GGUF to Hugging Face order.
    static func toHF(_ w: [Float], rows: Int, cols: Int, heads: Int) -> [Float] {
        var out = w
        let d = rows / heads
        for g in 0..<rows {
            let h = hfRow(ggufRow: g, headDim: d)
            out[h * cols..<(h + 1) * cols] = w[g * cols..<(g + 1) * cols]
        }
        return out
    }
}

extension LlamaConfig {
    /// Throws unless the sizes describe a model this code can run (and allocate).
    func validate(source: String) throws {
        func bad(_ what: String) -> InstructEditError { InstructEditError("\(source): \(what)") }
        for (name, v) in [("layers", layers), ("dim", dim), ("heads", heads), ("kv heads", kvHeads),
                          ("ffn", ffn), ("vocab", vocab), ("context length", contextLength)] {
            guard v > 0, v < 1 << 24 else { throw bad("\(name) = \(v) is out of range") }
        }
        guard dim % heads == 0 else { throw bad("dim \(dim) is not a multiple of the head count \(heads)") }
        guard heads % kvHeads == 0 else { throw bad("head count \(heads) is not a multiple of the kv head count \(kvHeads)") }
        guard headDim % 2 == 0 else { throw bad("head size \(headDim) is odd, RoPE needs it even") }
        guard ropeTheta > 0, ropeTheta.isFinite else { throw bad("rope theta \(ropeTheta) is not positive") }
        guard normEps > 0, normEps.isFinite else { throw bad("RMSNorm epsilon \(normEps) is not positive") }
        let params = LlamaTensorSpec.all(self).reduce(0) { $0 + $1.rows * $1.cols }
        guard params < 1 << 34 else { throw bad("\(params) parameters is more than this tool can hold") }
    }
}
