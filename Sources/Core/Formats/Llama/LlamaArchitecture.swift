import Foundation

/// The LLaMA family (SmolLM2 is one) as files describe it: config.json keyed as in the file, the
/// tensor names of `LlamaTensorSpec`, and GGUF's `llama.*` metadata.
enum LlamaArchitecture: Architecture {
    static let modelTypes = ["llama"]

    /// config.json of a LLaMA checkpoint, with the file's own keys.
    struct HFConfig: Decodable {
        var numHiddenLayers: Int
        var hiddenSize: Int
        var numAttentionHeads: Int
        var numKeyValueHeads: Int?
        var intermediateSize: Int
        var vocabSize: Int
        var ropeTheta: Double?
        var rmsNormEps: Double?
        var maxPositionEmbeddings: Int?
        var tieWordEmbeddings: Bool?
        var ropeScaling: [String: HuggingFaceCheckpoint.AnyValue]?
        var attentionBias: Bool?
        var mlpBias: Bool?
        var hiddenAct: String?
        var headDim: Int?
        var bosTokenId: HuggingFaceCheckpoint.TokenIds?
        var eosTokenId: HuggingFaceCheckpoint.TokenIds?

        enum CodingKeys: String, CodingKey {
            case numHiddenLayers = "num_hidden_layers", hiddenSize = "hidden_size"
            case numAttentionHeads = "num_attention_heads", numKeyValueHeads = "num_key_value_heads"
            case intermediateSize = "intermediate_size", vocabSize = "vocab_size", ropeTheta = "rope_theta"
            case rmsNormEps = "rms_norm_eps", maxPositionEmbeddings = "max_position_embeddings"
            case tieWordEmbeddings = "tie_word_embeddings", ropeScaling = "rope_scaling"
            case attentionBias = "attention_bias", mlpBias = "mlp_bias", hiddenAct = "hidden_act", headDim = "head_dim"
            case bosTokenId = "bos_token_id", eosTokenId = "eos_token_id"
        }

        /// The hyper-parameters, checked against what this code runs.
        func config(source path: String) throws -> LlamaConfig {
            func fail(_ what: String) -> InstructEditError { InstructEditError("\(path): \(what)") }
            if ropeScaling != nil { throw fail("rope_scaling is not supported") }
            if attentionBias == true || mlpBias == true { throw fail("attention/MLP biases are not supported") }
            if let act = hiddenAct, act != "silu" { throw fail("hidden_act '\(act)' is not supported (silu only)") }
            let config = LlamaConfig(
                layers: numHiddenLayers, dim: hiddenSize, heads: numAttentionHeads,
                kvHeads: numKeyValueHeads ?? numAttentionHeads, ffn: intermediateSize, vocab: vocabSize,
                ropeTheta: Float(ropeTheta ?? 10000), normEps: Float(rmsNormEps ?? 1e-6),
                contextLength: maxPositionEmbeddings ?? 2048, tiedEmbeddings: tieWordEmbeddings ?? false)
            try config.validate(source: path)
            if let hd = headDim, hd != config.headDim {
                throw fail("head_dim \(hd) differs from hidden_size / num_attention_heads = \(config.headDim): not supported")
            }
            return config
        }
    }

    static func load(huggingFace folder: String) throws -> (LlamaWeights, BPETokenizer) {
        let path = folder + "/config.json"
        let file = try HuggingFaceCheckpoint.decodeConfig(HFConfig.self, path: path)
        let config = try file.config(source: path)
        let tokenizer = try HuggingFaceCheckpoint.tokenizer(folder: folder, bos: file.bosTokenId?.first,
                                                            eos: file.eosTokenId?.first, vocab: config.vocab)
        return (try HuggingFaceCheckpoint.loadWeights(folder: folder, config: config), tokenizer)
    }

    static func load(gguf: GGUFFile) throws -> (LlamaWeights, BPETokenizer) {
        let config = try LlamaConfig(gguf: gguf)
        let tokenizer = try BPETokenizer(gguf: gguf)
        return (try LlamaWeights.load(gguf: gguf, config: config), tokenizer)
    }
}
