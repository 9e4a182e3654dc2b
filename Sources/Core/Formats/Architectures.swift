import Foundation

/// One model family as checkpoint files describe it: the seam a new architecture implements
/// (docs/ADDING_AN_ARCHITECTURE.md; `LlamaArchitecture` is the example).
protocol Architecture {
    /// The `model_type`s of config.json and the `general.architecture`s of GGUF it reads.
    static var modelTypes: [String] { get }
    /// A Hugging Face checkpoint folder whose config.json names one of `modelTypes`.
    static func load(huggingFace folder: String) throws -> (LlamaWeights, BPETokenizer)
    static func load(gguf: GGUFFile) throws -> (LlamaWeights, BPETokenizer)
}

/// Model type → architecture: the one place checkpoints are dispatched on their family.
enum Architectures {
    static let all: [any Architecture.Type] = [
        LlamaArchitecture.self,
    ]

    static var supported: String { all.flatMap { $0.modelTypes }.map { "'\($0)'" }.joined(separator: ", ") }

    /// config.json's `model_type`, read before anything else.
    private struct Header: Decodable {
        var modelType: String?
        enum CodingKeys: String, CodingKey { case modelType = "model_type" }
    }

    static func load(huggingFace folder: String) throws -> (LlamaWeights, BPETokenizer) {
        let path = folder + "/config.json"
        let type = try HuggingFaceCheckpoint.decodeConfig(Header.self, path: path).modelType ?? "?"
        guard let arch = all.first(where: { $0.modelTypes.contains(type) }) else {
            if type == "gpt2" { throw InstructEditError("\(path): GPT-2 checkpoints are not supported yet (supported: \(supported))") }
            throw InstructEditError("\(path): model_type '\(type)' is not supported (supported: \(supported))")
        }
        return try arch.load(huggingFace: folder)
    }

    static func load(gguf: GGUFFile) throws -> (LlamaWeights, BPETokenizer) {
        let name = try gguf.string("general.architecture")
        guard let arch = all.first(where: { $0.modelTypes.contains(name) }) else {
            throw InstructEditError("\(gguf.path): architecture '\(name)' is not supported (supported: \(supported))")
        }
        return try arch.load(gguf: gguf)
    }
}
