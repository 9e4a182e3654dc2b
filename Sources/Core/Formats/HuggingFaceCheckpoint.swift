import Foundation

/// What every architecture reads the same way in a Hugging Face checkpoint folder: `config.json`,
/// `model.safetensors` (or the shards of `model.safetensors.index.json`) and `tokenizer.json`.
enum HuggingFaceCheckpoint {
    /// The folder's tokenizer.json, with the BOS/EOS ids config.json names.
    static func tokenizer(folder: String, bos: Int?, eos: Int?, vocab: Int) throws -> BPETokenizer {
        let tokenizerPath = folder + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: tokenizerPath) else {
            throw InstructEditError("\(folder): tokenizer.json is missing (byte-level BPE tokenizer.json required)")
        }
        let tokenizer = try BPETokenizer(huggingFaceJSON: tokenizerPath, bos: bos, eos: eos)
        guard tokenizer.vocabularySize <= vocab else {
            throw InstructEditError("\(folder): tokenizer.json has \(tokenizer.vocabularySize) tokens, more than vocab_size \(vocab)")
        }
        return tokenizer
    }

    /// config.json decoded into an architecture's `Decodable` struct; errors name the key.
    static func decodeConfig<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let data = try FileAccess.read(path, what: "JSON file")
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw InstructEditError("\(path): '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(expected, context), let DecodingError.valueNotFound(expected, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw InstructEditError("\(path): '\(key)' is not \(expected == String.self ? "a string" : expected == Bool.self ? "a boolean" : "a number of the right kind")")
        } catch is DecodingError {
            throw InstructEditError("\(path): not a JSON object")
        }
    }

    /// Any JSON value (read for its presence only).
    struct AnyValue: Decodable { init(from decoder: Decoder) throws {} }

    /// `bos_token_id` / `eos_token_id`: one id or a list of them (the first counts).
    enum TokenIds: Decodable {
        case one(Int), many([Int])
        var first: Int? { switch self { case .one(let i): i; case .many(let l): l.first } }
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .one(i) } else { self = .many(try c.decode([Int].self)) }
        }
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
