import CKernels
extension LlamaConfig {
    /// The LLaMA hyper-parameters in a GGUF file's `llama.*` metadata; the vocabulary size is the
    /// length of the token list, and the head is untied when an `output.weight` tensor exists.
    init(gguf: GGUFFile) throws {
        let arch = try gguf.string("general.architecture")
        guard arch == "llama" else {
            throw InstructEditError("\(gguf.path): architecture '\(arch)' is not supported (only 'llama', e.g. SmolLM2)")
        }
        guard let tokens = gguf.metadata["tokenizer.ggml.tokens"]?.array else {
            throw InstructEditError("\(gguf.path): required metadata 'tokenizer.ggml.tokens' is missing")
        }
        let heads = try gguf.int("llama.attention.head_count")
        self.init(layers: try gguf.int("llama.block_count"),
                  dim: try gguf.int("llama.embedding_length"),
                  heads: heads,
                  kvHeads: try gguf.optionalInt("llama.attention.head_count_kv") ?? heads,
                  ffn: try gguf.int("llama.feed_forward_length"),
                  vocab: tokens.count,
                  ropeTheta: Float(try gguf.optionalDouble("llama.rope.freq_base") ?? 10000),
                  normEps: Float(try gguf.optionalDouble("llama.attention.layer_norm_rms_epsilon") ?? 1e-5),
                  contextLength: try gguf.int("llama.context_length"),
                  tiedEmbeddings: gguf.tensor(named: "output.weight") == nil)
        try validate(source: gguf.path)
        if let v = try gguf.optionalInt("llama.vocab_size"), v != vocab {
            throw InstructEditError("\(gguf.path): llama.vocab_size \(v) differs from the \(vocab) tokens of the tokenizer")
        }
        for key in ["llama.rope.dimension_count", "llama.attention.key_length", "llama.attention.value_length"] {
            if let v = try gguf.optionalInt(key), v != headDim {
                throw InstructEditError("\(gguf.path): \(key) = \(v) but dim/heads = \(headDim): not supported")
            }
        }
        if let s = gguf.metadata["llama.rope.scaling.type"]?.string, s != "none" {
            throw InstructEditError("\(gguf.path): RoPE scaling '\(s)' is not supported")
        }
    }
}

extension LlamaWeights {
    /// Reads every tensor of a LLaMA GGUF file into a new slab: shapes checked against `config`
    /// first, then dequantised in parallel straight into place, Q/K rows un-permuted on the way.
    static func load(gguf: GGUFFile, config: LlamaConfig) throws -> LlamaWeights {
        let specs = LlamaTensorSpec.all(config)
        var plan: [(spec: LlamaTensorSpec, info: GGUFTensorInfo, type: GGMLType)] = []
        for s in specs {
            guard let t = gguf.tensor(named: s.gguf) else {
                throw InstructEditError("\(gguf.path): tensor '\(s.gguf)' is missing")
            }
            guard t.shape == s.shape else {
                throw InstructEditError("\(gguf.path): tensor '\(s.gguf)' has shape \(t.shape), the config needs \(s.shape)")
            }
            plan.append((s, t, try gguf.dequantizableType(t)))
        }
        let known = Set(specs.map(\.gguf))
        if let extra = gguf.tensors.first(where: { !known.contains($0.name) }) {
            throw InstructEditError("\(gguf.path): unexpected tensor '\(extra.name)': not part of a LLaMA model with this config")
        }

        let weights = LlamaWeights(config: config)
        let slab = weights.slab.baseAddress!
        var jobs: [Dequantize.Job] = []
        for (s, t, type) in plan {
            guard let ref = weights.param(named: s.hf), ref.count == t.elementCount, let (be, bb) = type.blockLayout else {
                throw InstructEditError("\(gguf.path): internal layout mismatch for '\(s.gguf)'")
            }
            let rowLen = t.dims[0], rows = t.elementCount / rowLen, rowBytes = rowLen / be * bb
            let src = gguf.data(t), dst = slab + ref.offset
            if let heads = s.ropeHeads {
                // One job per row, each landing on its Hugging Face row.
                for r in 0..<rows {
                    let h = RopePermutation.hfRow(ggufRow: r, headDim: rows / heads)
                    jobs.append(Dequantize.Job(src: src + r * rowBytes, dst: dst + h * rowLen, type: type, count: rowLen))
                }
            } else {
                let chunk = max(1, 65536 / rowLen)
                for r in stride(from: 0, to: rows, by: chunk) {
                    jobs.append(Dequantize.Job(src: src + r * rowBytes, dst: dst + r * rowLen, type: type,
                                               count: min(chunk, rows - r) * rowLen))
                }
            }
        }
        Dequantize.parallel(jobs)
        for (s, t, type) in plan where t.dims.count == 2 {
            let code: Int32 = type == .q4_1 ? Int32(IE_QUANT_Q4_1) : type == .q8_0 ? Int32(IE_QUANT_Q8_0) : -1
            guard code >= 0, let ref = weights.param(named: s.hf), let (be, bb) = type.blockLayout else { continue }
            let src = gguf.data(t), rowBytes = t.dims[0] / be * bb
            if let heads = s.ropeHeads {   // Hugging Face row h comes from the file's row r
                var fileRow = [Int](repeating: 0, count: ref.rows)
                for r in 0..<ref.rows { fileRow[RopePermutation.hfRow(ggufRow: r, headDim: ref.rows / heads)] = r }
                weights.blockCopies.keep(ref, code: code, rowBytes: rowBytes) { src + fileRow[$0] * rowBytes }
            } else {
                weights.blockCopies.keep(ref, code: code, rowBytes: rowBytes) { src + $0 * rowBytes }
            }
        }
        return weights
    }
}
