import Foundation
import XCTest
@testable import Core
import TestSupport

/// Safetensors files and Hugging Face checkpoint folders: a tiny LLaMA checkpoint written here and
/// loaded back, sharded and in half precision, and clear errors for broken ones.
final class SafetensorsCheckpointTests: XCTestCase {
    private func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    private func configJSON(_ c: LlamaConfig, _ extra: [String: Any] = [:]) -> [String: Any] {
        var j: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
            "num_hidden_layers": c.layers, "hidden_size": c.dim, "num_attention_heads": c.heads,
            "num_key_value_heads": c.kvHeads, "intermediate_size": c.ffn, "vocab_size": c.vocab,
            "rope_theta": Double(c.ropeTheta), "rms_norm_eps": Double(c.normEps),
            "max_position_embeddings": c.contextLength, "tie_word_embeddings": c.tiedEmbeddings,
            "bos_token_id": 1, "eos_token_id": 2, "rope_scaling": NSNull(),
        ]
        for (k, v) in extra { j[k] = v }
        return j
    }

    /// Writes a tiny checkpoint folder: config.json, tokenizer.json and the weights in `shards`
    /// files (an index when more than one) of `dtype`.
    private func writeCheckpoint(_ dir: URL, config c: LlamaConfig, seed: UInt64 = 0, shards: Int = 1,
                                 dtype: SafetensorsFile.DType = .f32, configExtra: [String: Any] = [:],
                                 tensors edit: ((inout [(name: String, shape: [Int], values: [Float], dtype: SafetensorsFile.DType)]) -> Void)? = nil) throws {
        try JSONSerialization.data(withJSONObject: configJSON(c, configExtra)).write(to: dir.appendingPathComponent("config.json"))
        let tokens = try TinyModel.tokens(count: c.vocab)
        try TokenizerTests.writeTokenizerJSON(tokens: tokens, merges: TinyModel.merges.map { $0.0 + " " + $0.1 },
                                              specials: TinyModel.specials.count,
                                              to: dir.appendingPathComponent("tokenizer.json").path)
        let w = try TinyModel.weights(config: c, seed: seed)
        var all = w.all.map { p in (name: p.name, shape: p.cols == 1 ? [p.rows] : [p.rows, p.cols], values: Array(w.buffer(p)), dtype: dtype) }
        edit?(&all)
        if shards == 1 {
            try SafetensorsFile.write(all, to: dir.appendingPathComponent("model.safetensors").path)
            return
        }
        var map: [String: String] = [:]
        for s in 0..<shards {
            let name = "model-\(s + 1)-of-\(shards).safetensors"
            let part = all.enumerated().filter { $0.offset % shards == s }.map(\.element)
            for t in part { map[t.name] = name }
            try SafetensorsFile.write(part, to: dir.appendingPathComponent(name).path)
        }
        try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": map])
            .write(to: dir.appendingPathComponent("model.safetensors.index.json"))
    }

    func testTinyCheckpointLoadsBitExactly() throws {
        for (config, shards) in [(LlamaConfig.tiny, 1), (untied, 3)] {
            let dir = try tempDir().appendingPathComponent("tiny-hf")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try writeCheckpoint(dir, config: config, seed: 3, shards: shards)
            let m = try LanguageModel.load(dir.path)
            XCTAssertEqual(m.name, "tiny-hf")
            XCTAssertEqual(m.config, config)
            let expected = try TinyModel.weights(config: config, seed: 3)
            XCTAssertTrue(m.weights.slab.elementsEqual(expected.slab) { $0.bitPattern == $1.bitPattern })
            let ggufTokenizer = try TinyModel.model(config: config).tokenizer
            let text = "<|im_start|>the cat is in paris, 1999!\n<|im_end|> naïve 😀"
            XCTAssertEqual(m.tokenizer.encode(text), ggufTokenizer.encode(text))
            XCTAssertEqual(m.tokenizer.decode(m.tokenizer.encode(text)), text)
            XCTAssertEqual(m.tokenizer.bosId, 1)
            XCTAssertEqual(m.tokenizer.eosId, 2)
            let viaFile = try LanguageModel.load(dir.appendingPathComponent("config.json").path)
            XCTAssertEqual(viaFile.name, "tiny-hf")
            XCTAssertTrue(viaFile.weights.slab.elementsEqual(expected.slab))
        }
    }

    private var untied: LlamaConfig {
        var c = LlamaConfig.tiny
        c.tiedEmbeddings = false
        c.vocab += 3
        return c
    }

    func testHalfPrecisionCheckpoints() throws {
        let expected = try TinyModel.weights(config: .tiny)
        for dtype in [SafetensorsFile.DType.f16, .bf16] {
            let dir = try tempDir()
            try writeCheckpoint(dir, config: .tiny, shards: 2, dtype: dtype)
            let m = try LanguageModel.load(dir.path)
            for (a, b) in zip(m.weights.slab, expected.slab) {
                let rounded = dtype == .f16 ? Float(Float16(b)) : Self.bf16(b)
                XCTAssertEqual(a.bitPattern, rounded.bitPattern)
                if a.bitPattern != rounded.bitPattern { break }
            }
            XCTAssertFalse(m.weights.slab.elementsEqual(expected.slab))
        }
    }

    /// Round to nearest even in bfloat16 (independent of the writer's bit trick).
    private static func bf16(_ x: Float) -> Float {
        let lo = Float(bitPattern: x.bitPattern & 0xFFFF_0000)
        let hi = Float(bitPattern: (x.bitPattern & 0xFFFF_0000) &+ 0x1_0000)
        let dl = abs(Double(x) - Double(lo)), dh = abs(Double(hi) - Double(x))
        if dl != dh { return dl < dh ? lo : hi }
        return (lo.bitPattern >> 16) & 1 == 0 ? lo : hi
    }

    func testSafetensorsFileRoundTripAndTruncation() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("t.safetensors").path
        try SafetensorsFile.write([("a", [2, 3], [1, 2, 3, 4, 5, 6], .f32), ("b", [4], [0.5, -1, 2, 1e-3], .f16),
                                   ("e", [0, 3], [], .f32)], to: path)
        let f = try SafetensorsFile(path: path)
        XCTAssertEqual(try f.floats("a"), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(f.entries["a"]?.shape, [2, 3])
        XCTAssertEqual(try f.floats("b"), [0.5, -1, 2, Float(Float16(1e-3))])
        XCTAssertEqual(try f.floats("e"), [])
        XCTAssertThrowsError(try f.floats("zz"))
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.safetensors").path
        for n in stride(from: 0, to: good.count - 1, by: 3) {
            try good.prefix(n).write(to: URL(fileURLWithPath: cut))
            XCTAssertThrowsError(try SafetensorsFile(path: cut), "cut at \(n)") { XCTAssertTrue($0 is InstructEditError) }
        }
    }

    private func expectHeaderError(_ header: String, _ word: String, data: Int = 16, line: UInt = #line) throws {
        let path = try tempDir().appendingPathComponent("bad.safetensors").path
        var d = Data()
        let h = Array(header.utf8)
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: h)
        d.append(contentsOf: [UInt8](repeating: 0, count: data))
        try d.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafetensorsFile(path: path), line: line) { e in
            let m = (e as? InstructEditError)?.message ?? "\(e)"
            XCTAssertTrue(m.contains(word), "'\(m)' lacks '\(word)'", line: line)
        }
    }

    func testCorruptHeaders() throws {
        try expectHeaderError("[]", "not a JSON object")
        try expectHeaderError("{nope", "not a JSON object")
        try expectHeaderError(#"{"t": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}"#, "I64")
        try expectHeaderError(#"{"t": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}"#, "outside")
        try expectHeaderError(#"{"t": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}"#, "16 bytes of data for shape [3]")
        try expectHeaderError(#"{"t": {"dtype": "F32", "shape": [4], "data_offsets": [8, 4]}}"#, "outside")
        try expectHeaderError(#"{"t": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}"#, "shape")
        try expectHeaderError(#"{"t": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 16]}}"#, "shape")
        try expectHeaderError(#"{"t": {"dtype": "F32"}}"#, "malformed")
        let path = try tempDir().appendingPathComponent("huge.safetensors").path
        var d = Data()
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array("{}".utf8))
        try d.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafetensorsFile(path: path)) { e in
            XCTAssertTrue(((e as? InstructEditError)?.message ?? "").contains("header length"))
        }
    }

    func testCheckpointErrors() throws {
        func expect(_ word: String, line: UInt = #line, _ setup: (URL) throws -> Void) throws {
            let dir = try tempDir()
            try setup(dir)
            XCTAssertThrowsError(try LanguageModel.load(dir.path), line: line) { e in
                let m = (e as? InstructEditError)?.message ?? "\(e)"
                XCTAssertTrue(m.contains(word), "'\(m)' lacks '\(word)'", line: line)
            }
        }
        try expect("GPT-2 checkpoints are not supported yet") { try self.writeCheckpoint($0, config: .tiny, configExtra: ["model_type": "gpt2"]) }
        try expect("model_type 'qwen2'") { try self.writeCheckpoint($0, config: .tiny, configExtra: ["model_type": "qwen2"]) }
        try expect("config.json") { _ in }
        try expect("num_hidden_layers") { try self.writeCheckpoint($0, config: .tiny, configExtra: ["num_hidden_layers": "two"]) }
        try expect("rope_scaling") { try self.writeCheckpoint($0, config: .tiny, configExtra: ["rope_scaling": ["type": "linear"]]) }
        try expect("head_dim") { try self.writeCheckpoint($0, config: .tiny, configExtra: ["head_dim": 32]) }
        try expect("tokenizer.json") {
            try self.writeCheckpoint($0, config: .tiny)
            try FileManager.default.removeItem(at: $0.appendingPathComponent("tokenizer.json"))
        }
        try expect("no model.safetensors") {
            try self.writeCheckpoint($0, config: .tiny)
            try FileManager.default.removeItem(at: $0.appendingPathComponent("model.safetensors"))
        }
        try expect("'model.layers.1.mlp.up_proj.weight' is missing") {
            try self.writeCheckpoint($0, config: .tiny) { $0.removeAll { $0.name == "model.layers.1.mlp.up_proj.weight" } }
        }
        try expect("'lm_head.weight' is missing") { try self.writeCheckpoint($0, config: self.untied) { $0.removeAll { $0.name == "lm_head.weight" } } }
        try expect("shape [64, 64]") {
            try self.writeCheckpoint($0, config: .tiny) { ts in
                if let i = ts.firstIndex(where: { $0.name == "model.layers.0.self_attn.k_proj.weight" }) {
                    ts[i] = (ts[i].name, [64, 64], [Float](repeating: 0, count: 4096), .f32)
                }
            }
        }
        try expect("unexpected tensor 'model.layers.0.self_attn.q_proj.bias'") {
            try self.writeCheckpoint($0, config: .tiny) { $0.append(("model.layers.0.self_attn.q_proj.bias", [64], [Float](repeating: 0, count: 64), .f32)) }
        }
        try expect("more than vocab_size") { try self.writeCheckpoint($0, config: .tiny, configExtra: ["vocab_size": 100]) }
        try expect("appears in two shards") {
            try self.writeCheckpoint($0, config: .tiny, shards: 2)
            try FileManager.default.copyItem(at: $0.appendingPathComponent("model-1-of-2.safetensors"),
                                             to: $0.appendingPathComponent("model-3-of-2.safetensors"))
            let idx = $0.appendingPathComponent("model.safetensors.index.json")
            var j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: idx)) as? [String: Any])
            var map = try XCTUnwrap(j["weight_map"] as? [String: String])
            map["model.norm.weight"] = "model-3-of-2.safetensors"
            j["weight_map"] = map
            try JSONSerialization.data(withJSONObject: j).write(to: idx)
        }
        // A tied checkpoint may still carry lm_head.weight (it is ignored).
        let dir = try tempDir()
        try writeCheckpoint(dir, config: .tiny) { $0.append(("lm_head.weight", [LlamaConfig.tiny.vocab, 64], [Float](repeating: 9, count: LlamaConfig.tiny.vocab * 64), .f32)) }
        XCTAssertNoThrow(try LanguageModel.load(dir.path))
    }
}
