import Foundation

/// A Hugging Face checkpoint folder of the LLaMA family: `config.json`, `model.safetensors` (or the
/// shards named by `model.safetensors.index.json`) and `tokenizer.json`.
enum HuggingFaceCheckpoint {
    static func load(folder: String) throws -> (LlamaWeights, BPETokenizer) {
        let (config, bos, eos) = try readConfig(folder + "/config.json")
        let tokenizerPath = folder + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: tokenizerPath) else {
            throw InstructEditError("\(folder): tokenizer.json is missing (byte-level BPE tokenizer.json required)")
        }
        let tokenizer = try BPETokenizer(huggingFaceJSON: tokenizerPath, bos: bos, eos: eos)
        guard tokenizer.vocabularySize <= config.vocab else {
            throw InstructEditError("\(folder): tokenizer.json has \(tokenizer.vocabularySize) tokens, more than vocab_size \(config.vocab)")
        }
        return (try loadWeights(folder: folder, config: config), tokenizer)
    }

    /// `config.json` → `LlamaConfig`, plus the BOS/EOS ids it names.
    static func readConfig(_ path: String) throws -> (LlamaConfig, bos: Int?, eos: Int?) {
        let json = try readJSON(path)
        func fail(_ what: String) -> InstructEditError { InstructEditError("\(path): \(what)") }
        let type = json["model_type"] as? String ?? "?"
        if type == "gpt2" { throw fail("GPT-2 checkpoints are not supported yet (LLaMA family only)") }
        guard type == "llama" else { throw fail("model_type '\(type)' is not supported (LLaMA family only: 'llama')") }
        func int(_ key: String) throws -> Int {
            guard let v = json[key] as? Int else { throw fail("'\(key)' is missing or not an integer") }
            return v
        }
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let v = json[key], !(v is NSNull) else { return fallback }
            guard let d = v as? Double else { throw fail("'\(key)' should be a number") }
            return d
        }
        func firstInt(_ key: String) -> Int? { (json[key] as? Int) ?? (json[key] as? [Int])?.first }
        if let s = json["rope_scaling"], !(s is NSNull) { throw fail("rope_scaling is not supported") }
        if json["attention_bias"] as? Bool == true || json["mlp_bias"] as? Bool == true {
            throw fail("attention/MLP biases are not supported")
        }
        if let act = json["hidden_act"] as? String, act != "silu" { throw fail("hidden_act '\(act)' is not supported (silu only)") }
        let heads = try int("num_attention_heads")
        let config = LlamaConfig(
            layers: try int("num_hidden_layers"), dim: try int("hidden_size"), heads: heads,
            kvHeads: json["num_key_value_heads"] as? Int ?? heads, ffn: try int("intermediate_size"),
            vocab: try int("vocab_size"), ropeTheta: Float(try number("rope_theta", 10000)),
            normEps: Float(try number("rms_norm_eps", 1e-6)),
            contextLength: json["max_position_embeddings"] as? Int ?? 2048,
            tiedEmbeddings: json["tie_word_embeddings"] as? Bool ?? false)
        try config.validate(source: path)
        if let hd = json["head_dim"] as? Int, hd != config.headDim {
            throw fail("head_dim \(hd) differs from hidden_size / num_attention_heads = \(config.headDim): not supported")
        }
        return (config, firstInt("bos_token_id"), firstInt("eos_token_id"))
    }

    static func loadWeights(folder: String, config: LlamaConfig) throws -> LlamaWeights {
        var files: [String]
        let index = folder + "/model.safetensors.index.json"
        if FileManager.default.fileExists(atPath: index) {
            guard let map = try readJSON(index)["weight_map"] as? [String: String] else {
                throw InstructEditError("\(index): 'weight_map' is missing")
            }
            files = Array(Set(map.values)).sorted()
            if let bad = files.first(where: { $0.contains("/") || $0.hasPrefix(".") }) {
                throw InstructEditError("\(index): shard name '\(bad)' is not a file in the folder")
            }
        } else if FileManager.default.fileExists(atPath: folder + "/model.safetensors") {
            files = ["model.safetensors"]
        } else {
            throw InstructEditError("\(folder): no model.safetensors or model.safetensors.index.json")
        }
        var found: [String: (SafetensorsFile, SafetensorsFile.Entry)] = [:]
        for f in files {
            let st = try SafetensorsFile(path: folder + "/" + f)
            for (name, e) in st.entries {
                guard found.updateValue((st, e), forKey: name) == nil else {
                    throw InstructEditError("\(folder): tensor '\(name)' appears in two shards")
                }
            }
        }
        let specs = LlamaTensorSpec.all(config)
        for s in specs {
            guard let (st, e) = found[s.hf] else { throw InstructEditError("\(folder): tensor '\(s.hf)' is missing") }
            guard e.shape == s.shape else {
                throw InstructEditError("\(st.path): tensor '\(s.hf)' has shape \(e.shape), config.json needs \(s.shape)")
            }
        }
        let known = Set(specs.map(\.hf))
        for name in found.keys.sorted() where !known.contains(name) {
            if name.hasSuffix("rotary_emb.inv_freq") || (config.tiedEmbeddings && name == "lm_head.weight") { continue }
            throw InstructEditError("\(folder): unexpected tensor '\(name)': not part of a LLaMA model with this config")
        }

        let weights = LlamaWeights(config: config)
        let slab = weights.slab.baseAddress!
        var jobs: [Dequantize.Job] = []
        for s in specs {
            guard let (st, e) = found[s.hf], let ref = weights.param(named: s.hf) else { continue }
            for start in stride(from: 0, to: e.count, by: 65536) {
                jobs.append(Dequantize.Job(src: st.data(e) + start * e.dtype.size, dst: slab + ref.offset + start,
                                           type: e.dtype.ggml, count: min(65536, e.count - start)))
            }
        }
        Dequantize.parallel(jobs)
        withExtendedLifetime(found) {}
        return weights
    }

    static func readJSON(_ path: String) throws -> [String: Any] {
        let data = try FileAccess.read(path, what: "JSON file")
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InstructEditError("\(path): not a JSON object")
        }
        return json
    }
}
