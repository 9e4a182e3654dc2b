/// Hyper-parameters of a LLaMA-family decoder (SmolLM2 is one).
public struct LlamaConfig: Codable, Sendable, Equatable {
    public var arch: String = "llama"
    public var layers: Int
    public var dim: Int
    public var heads: Int
    public var kvHeads: Int
    public var ffn: Int
    public var vocab: Int
    public var ropeTheta: Float = 10000
    public var normEps: Float = 1e-5
    public var contextLength: Int = 2048
    public var tiedEmbeddings: Bool = true

    public init(layers: Int, dim: Int, heads: Int, kvHeads: Int, ffn: Int, vocab: Int,
                ropeTheta: Float = 10000, normEps: Float = 1e-5, contextLength: Int = 2048,
                tiedEmbeddings: Bool = true) {
        self.layers = layers; self.dim = dim; self.heads = heads; self.kvHeads = kvHeads
        self.ffn = ffn; self.vocab = vocab; self.ropeTheta = ropeTheta; self.normEps = normEps
        self.contextLength = contextLength; self.tiedEmbeddings = tiedEmbeddings
    }

    public var headDim: Int { dim / heads }
    public var kvDim: Int { kvHeads * headDim }
}
