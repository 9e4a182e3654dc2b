import Foundation

extension LanguageModel {
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
                case "INSTRUCTEDIT_MODEL"?:
                    throw InstructEditError("no model at \(target), the file INSTRUCTEDIT_MODEL names: correct it, or unset it to use the model Scripts/setup.sh installs")
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
            (weights, tokenizer) = try Architectures.load(huggingFace: url.path)
            name = url.lastPathComponent
        } else {
            (weights, tokenizer) = try load(gguf: GGUFFile(path: url.path))
            name = url.pathExtension.lowercased() == "gguf" ? url.deletingPathExtension().lastPathComponent : url.lastPathComponent
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return LanguageModel(name: name, path: url.path, weights: weights, tokenizer: tokenizer, loadSeconds: seconds)
    }

    /// Weights and tokenizer of a parsed GGUF file, read by its architecture.
    static func load(gguf: GGUFFile) throws -> (LlamaWeights, BPETokenizer) {
        try Architectures.load(gguf: gguf)
    }
}
