import Core
import Foundation

/// The object behind a Lua `Model`: the loaded model, and the identity editor checkpoints are checked
/// against. The identity is taken at load, before any edit, because the fingerprint samples the
/// very weights an edit changes.
final class LuaModel {
    let model: LanguageModel
    let identity: EditorCheckpoint.ModelIdentity
    /// Hooks set so far (m:hook), for their ids.
    var hookCount = 0

    init(_ model: LanguageModel) {
        self.model = model
        identity = model.editorIdentity
    }

    var config: LlamaConfig { model.config }

    /// Every parameter counted once (a tied LM head is the embedding).
    var parameterCount: Int { model.weights.all.reduce(0) { $0 + $1.count } }

    /// "Model SmolLM2-135M-Instruct.Q4_1 (llama, 30 layers, dim 576, 134.5M params, 2 edits applied)".
    var summary: String {
        let c = config, edits = model.editLog.applied.count
        let editText = edits == 0 ? "no edits" : "\(edits) edit\(edits == 1 ? "" : "s") applied"
        return "Model \(model.name) (\(c.arch), \(c.layers) layers, dim \(c.dim), \(Self.count(parameterCount)) params, \(editText))"
    }

    /// 134515008 → "134.5M".
    static func count(_ n: Int) -> String {
        for (scale, suffix) in [(1e9, "B"), (1e6, "M"), (1e3, "K")] where Double(n) >= scale {
            return String(format: "%.1f", Double(n) / scale) + suffix
        }
        return "\(n)"
    }

    var configTable: LuaValue {
        let c = config
        return [
            "arch": .string(c.arch), "layers": .int(c.layers), "dim": .int(c.dim), "heads": .int(c.heads),
            "kv_heads": .int(c.kvHeads), "head_dim": .int(c.headDim), "ffn": .int(c.ffn), "vocab": .int(c.vocab),
            "rope_theta": .number(Double(c.ropeTheta)), "norm_eps": .number(Double(c.normEps)),
            "context_length": .int(c.contextLength), "tied_embeddings": .bool(c.tiedEmbeddings),
            "params": .int(parameterCount),
        ]
    }
}

/// `model.load` and the `Model` type: tokens, logits, generation, probing, and the edits applied.
enum ModelModule: LuaModule {
    static let name: String? = "model"
    static let summary = "Language models: load, tokenise, run, generate, probe, and see the edits applied."

    static func register(in module: LuaModuleBuilder) throws {
        try module.type(LuaModel.self, name: "Model", summary: "A loaded LLaMA-family language model (SmolLM2-135M by default).") { t in
            t.field("config", summary: "The architecture: {arch, layers, dim, heads, kv_heads, head_dim, ffn, vocab, rope_theta, norm_eps, context_length, tied_embeddings, params}.") { $0.configTable }
            t.field("name", summary: "The model's name (its file name without .gguf, or its folder name).") { .string($0.model.name) }
            t.field("path", summary: "Where the model was loaded from.") { .string($0.model.path) }
            t.description { $0.summary }
            registerTokens(t)
            registerProbing(t)
            registerGeneration(t)
            registerEdits(t)
            registerActivations(t)
            registerEditFiles(t)
        }
        try registerEffectType(module)
        module.function("load", signature: "model.load([path]) -> Model",
                        summary: "Loads a model: the default SmolLM2-135M-Instruct (installed by Scripts/setup.sh), a .gguf file, or a Hugging Face checkpoint folder (config.json + *.safetensors + tokenizer.json).",
                        example: "m = model.load()") { args in
            let path = try args.optString(1)
            return [.object(LuaModel(try LanguageModel.load(path)))]
        }
    }
}
