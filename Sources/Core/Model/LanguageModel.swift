import Foundation

/// A loaded LLaMA-family model: its configuration, its parameter slab and its tokenizer.
public final class LanguageModel: @unchecked Sendable {
    /// Display name, e.g. "SmolLM2-135M-Instruct.Q4_1" (the file name without ".gguf", or the folder name).
    public let name: String
    public let path: String
    public let config: LlamaConfig
    public let weights: LlamaWeights
    /// The model as editors, meta-training and scoring see it, whatever its architecture.
    public var network: any EditableModel { weights }
    public let tokenizer: any Tokenizer
    /// Wall-clock seconds `load` took (0 for models built in memory).
    public let loadSeconds: Double
    /// The edits applied to `weights`, oldest first (each undoable, newest first).
    public let editLog = EditLog()
    /// Residual streams an evaluation lends to editors (`lendResiduals`).
    let lentResiduals = LentResiduals()

    public convenience init(name: String, path: String, weights: LlamaWeights, tokenizer: any Tokenizer) {
        self.init(name: name, path: path, weights: weights, tokenizer: tokenizer, loadSeconds: 0)
    }

    init(name: String, path: String, weights: LlamaWeights, tokenizer: any Tokenizer, loadSeconds: Double) {
        self.name = name
        self.path = path
        self.config = weights.config
        self.weights = weights
        self.tokenizer = tokenizer
        self.loadSeconds = loadSeconds
    }
}
