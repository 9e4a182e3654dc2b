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

    /// Loads a model: nil → `ModelPaths.defaultModel`; a `.gguf` file; or a Hugging Face checkpoint
    /// folder (config.json, *.safetensors, tokenizer.json).
    public static func load(_ path: String? = nil) throws -> LanguageModel {
        let start = DispatchTime.now().uptimeNanoseconds
        let raw = path ?? ModelPaths.defaultModel
        let target = raw.hasPrefix("~") ? (raw as NSString).expandingTildeInPath : raw
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDir) else {
            if path == nil {
                switch ModelPaths.defaultModelVariable {
                case "INSTRUCTEDIT_HOME"?:
                    throw InstructEditError("default model not found at \(target) (under INSTRUCTEDIT_HOME): run Scripts/setup.sh with the same INSTRUCTEDIT_HOME, or set INSTRUCTEDIT_MODEL")
                default:
                    throw InstructEditError("default model not found at \(target): run Scripts/setup.sh (or set INSTRUCTEDIT_MODEL)")
                }
            }
            throw InstructEditError("model not found: \(target) (a .gguf file or a Hugging Face checkpoint folder)")
        }
        var url = URL(fileURLWithPath: target).standardizedFileURL
        // A checkpoint's config.json or weights file stands for its folder.
        if !isDir.boolValue && (url.lastPathComponent == "config.json" || url.pathExtension == "safetensors") {
            url = url.deletingLastPathComponent()
            isDir = ObjCBool(true)
        }
        let weights: LlamaWeights, tokenizer: BPETokenizer, name: String
        if isDir.boolValue {
            (weights, tokenizer) = try HuggingFaceCheckpoint.load(folder: url.path)
            name = url.lastPathComponent
        } else {
            (weights, tokenizer) = try load(gguf: GGUFFile(path: url.path))
            name = url.pathExtension.lowercased() == "gguf" ? url.deletingPathExtension().lastPathComponent : url.lastPathComponent
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return LanguageModel(name: name, path: url.path, weights: weights, tokenizer: tokenizer, loadSeconds: seconds)
    }

    /// Weights and tokenizer of a parsed GGUF file.
    static func load(gguf: GGUFFile) throws -> (LlamaWeights, BPETokenizer) {
        let config = try LlamaConfig(gguf: gguf)
        let tokenizer = try BPETokenizer(gguf: gguf)
        return (try LlamaWeights.load(gguf: gguf, config: config), tokenizer)
    }

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
