import Foundation
import XCTest
@testable import Core
import TestSupport

/// LLaMA weights and config from GGUF: the reference model's dequantised tensors, the Q/K
/// un-permutation, and tiny models written and read back.
final class GGUFLlamaTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let referencePath = repoRoot.appendingPathComponent("../shared/reference/smollm2_reference.json").standardizedFileURL.path

    private func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.referencePath))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("llama-gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    // MARK: the reference model

    /// Shape, first values, sum and |sum| of six stored (not un-permuted) tensors.
    func testDequantisedTensorsMatchReference() throws {
        let g = try GGUFFile(path: ModelPaths.defaultModel)
        let checks = try XCTUnwrap(reference()["dequant_checks"] as? [String: [String: Any]])
        XCTAssertEqual(checks.count, 6)
        for (name, c) in checks {
            let t = try XCTUnwrap(g.tensor(named: name), name)
            XCTAssertEqual(t.shape, c["shape"] as? [Int], name)
            let x = try g.floats(name)
            let first8 = try XCTUnwrap(c["first8"] as? [Double])
            for (a, b) in zip(x.prefix(8), first8) { XCTAssertEqual(Double(a), b, accuracy: 1e-7, name) }
            let sum = x.reduce(0.0) { $0 + Double($1) }, absSum = x.reduce(0.0) { $0 + Double(abs($1)) }
            let refSum = try XCTUnwrap(c["sum"] as? Double), refAbs = try XCTUnwrap(c["abs_sum"] as? Double)
            XCTAssertEqual(sum, refSum, accuracy: 1e-6 * refAbs, name)
            XCTAssertEqual(absSum, refAbs, accuracy: 1e-6 * refAbs, name)
        }
    }

    /// The loaded slab holds Q/K in Hugging Face order: HF row h·d/2 + i of a head is stored GGUF
    /// row 2i + h. Every row of every layer's attn_q and attn_k is checked, and block 0's Q against
    /// the reference's first values and sums (which no row order changes).
    func testLoadedModelUnpermutesQueryAndKeyRows() throws {
        let g = try GGUFFile(path: ModelPaths.defaultModel)
        let m = try LanguageModel.load()
        let c = m.config
        XCTAssertEqual(c.heads, try g.int("llama.attention.head_count"))
        XCTAssertEqual(c.kvHeads, try g.int("llama.attention.head_count_kv"))
        XCTAssertEqual(c.layers, try g.int("llama.block_count"))
        XCTAssertEqual([c.vocab, c.dim], g.tensor(named: "token_embd.weight")?.shape)
        XCTAssertEqual([c.ffn, c.dim], g.tensor(named: "blk.0.ffn_gate.weight")?.shape)
        XCTAssertEqual(Double(c.ropeTheta), try g.optionalDouble("llama.rope.freq_base"))
        XCTAssertTrue(c.tiedEmbeddings)
        XCTAssertEqual(m.weights.output, m.weights.tokenEmbedding)
        let d = c.headDim
        for l in [0, c.layers - 1] {
            for (name, ref, heads) in [("attn_q", m.weights.layers[l].wq, c.heads), ("attn_k", m.weights.layers[l].wk, c.kvHeads)] {
                let stored = try g.floats("blk.\(l).\(name).weight")
                let w = m.weights.buffer(ref)
                XCTAssertEqual(ref.rows, heads * d)
                for head in 0..<heads {
                    for half in 0..<2 {
                        for i in 0..<d / 2 {
                            let hf = head * d + half * d / 2 + i, gg = head * d + 2 * i + half
                            XCTAssertTrue(w[hf * c.dim..<(hf + 1) * c.dim].elementsEqual(stored[gg * c.dim..<(gg + 1) * c.dim]),
                                          "\(name) layer \(l) row \(hf)")
                        }
                    }
                }
            }
        }
        let q = try XCTUnwrap((reference()["dequant_checks"] as? [String: [String: Any]])?["blk.0.attn_q.weight"])
        let wq = m.weights.buffer(m.weights.layers[0].wq)
        for (a, b) in zip(wq.prefix(8), try XCTUnwrap(q["first8"] as? [Double])) { XCTAssertEqual(Double(a), b, accuracy: 1e-7) }
        let sum = wq.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(sum, try XCTUnwrap(q["sum"] as? Double), accuracy: 1e-3)
        // Tensors without permutation are copied as stored.
        let down = try g.floats("blk.29.ffn_down.weight")
        XCTAssertTrue(m.weights.buffer(m.weights.layers[29].wDown).elementsEqual(down))
    }

    func testPermutationRoundTrip() {
        for (rows, heads) in [(8, 1), (12, 3), (64, 4)] {
            let d = rows / heads
            let hf = (0..<rows).map { RopePermutation.hfRow(ggufRow: $0, headDim: d) }
            XCTAssertEqual(Set(hf).count, rows)
            for g in 0..<rows { XCTAssertEqual(RopePermutation.ggufRow(hfRow: hf[g], headDim: d), g) }
            let w = (0..<rows * 3).map(Float.init)
            let p = RopePermutation.toGGUF(w, rows: rows, cols: 3, heads: heads)
            XCTAssertNotEqual(p, w)
            XCTAssertEqual(RopePermutation.toHF(p, rows: rows, cols: 3, heads: heads), w)
        }
        // llama.cpp's permute for one head of size 4: HF rows [0, 1, 2, 3] are stored as [0, 2, 1, 3].
        XCTAssertEqual(RopePermutation.toGGUF([0, 1, 2, 3], rows: 4, cols: 1, heads: 1), [0, 2, 1, 3])
        XCTAssertEqual(RopePermutation.toGGUF([0, 1, 2, 3, 4, 5, 6, 7], rows: 8, cols: 1, heads: 1), [0, 4, 1, 5, 2, 6, 3, 7])
    }

    func testDefaultModelLoadTime() throws {
        var best = Double.infinity
        for _ in 0..<2 {
            let m = try LanguageModel.load()
            best = min(best, m.loadSeconds)
            XCTAssertEqual(m.name, "SmolLM2-135M-Instruct.Q4_1")
            XCTAssertEqual(m.path, URL(fileURLWithPath: ModelPaths.defaultModel).standardizedFileURL.path)
        }
        print("default model load time: \(String(format: "%.3f", best)) s (best of 2)")
        XCTAssertLessThan(best, 2.0)
    }

    func testMissingDefaultModelMessage() throws {
        let old = ProcessInfo.processInfo.environment["INSTRUCTEDIT_MODEL"]
        setenv("INSTRUCTEDIT_MODEL", "/nonexistent/dir/model.gguf", 1)
        defer { if let old { setenv("INSTRUCTEDIT_MODEL", old, 1) } else { unsetenv("INSTRUCTEDIT_MODEL") } }
        XCTAssertThrowsError(try LanguageModel.load()) { e in
            XCTAssertEqual((e as? InstructEditError)?.message,
                           "no model at /nonexistent/dir/model.gguf, the file INSTRUCTEDIT_MODEL names: correct it, or unset it to use the model Scripts/setup.sh installs")
        }
        XCTAssertThrowsError(try LanguageModel.load("/nonexistent/x.gguf")) { e in
            XCTAssertTrue(((e as? InstructEditError)?.message ?? "").contains("/nonexistent/x.gguf"))
        }
    }

    // MARK: tiny models

    private func assertSameWeights(_ a: LlamaWeights, _ b: LlamaWeights, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.config, b.config, file: file, line: line)
        XCTAssertEqual(a.all.map(\.name), b.all.map(\.name), file: file, line: line)
        XCTAssertEqual(a.slab.count, b.slab.count, file: file, line: line)
        XCTAssertTrue(a.slab.elementsEqual(b.slab) { $0.bitPattern == $1.bitPattern }, "slabs differ", file: file, line: line)
    }

    func testTinyModelWrittenAndLoadedBitExactly() throws {
        let dir = try tempDir()
        for (config, seed) in [(LlamaConfig.tiny, UInt64(0)), (untiedTiny, 42)] {
            let path = dir.appendingPathComponent("tiny-\(seed).gguf").path
            try TinyModel.write(to: path, config: config, seed: seed)
            let m = try LanguageModel.load(path)
            XCTAssertEqual(m.name, "tiny-\(seed)")
            XCTAssertEqual(m.config, config)
            XCTAssertGreaterThan(m.loadSeconds, 0)
            assertSameWeights(m.weights, try TinyModel.weights(config: config, seed: seed))
            let mem = try TinyModel.model(config: config, seed: seed)
            assertSameWeights(m.weights, mem.weights)
            XCTAssertEqual(m.tokenizer.vocabularySize, config.vocab)
            let text = "<|im_start|>user\nthe cat is in paris 2024 ünï 日本 😀<|im_end|>"
            XCTAssertEqual(m.tokenizer.encode(text), mem.tokenizer.encode(text))
            XCTAssertEqual(m.tokenizer.decode(m.tokenizer.encode(text)), text)
        }
        // Different seeds give different weights; the stored Q rows are permuted.
        let a = try TinyModel.weights(seed: 1), b = try TinyModel.weights(seed: 2)
        XCTAssertFalse(a.slab.elementsEqual(b.slab))
        let g = try GGUFFile(path: dir.appendingPathComponent("tiny-0.gguf").path)
        let stored = try g.floats("blk.0.attn_q.weight")
        let w0 = try TinyModel.weights()
        XCTAssertFalse(w0.buffer(w0.layers[0].wq).elementsEqual(stored))
        XCTAssertEqual(try g.string("tokenizer.ggml.pre"), "smollm")
    }

    private var untiedTiny: LlamaConfig {
        var c = LlamaConfig.tiny
        c.tiedEmbeddings = false
        c.layers = 3
        c.vocab += 5
        return c
    }

    /// A tiny model stored with quantised tensors (Q8_0, Q4_0, Q4_1, F16, BF16) loads to the
    /// dequantised values, with Q/K un-permuted.
    func testQuantisedTinyModelLoads() throws {
        let config = LlamaConfig.tiny
        let w = try TinyModel.weights(config: config)
        var writer = GGUFWriter()
        let source = try GGUFFile(file: MappedFile(copying: Array(try tinyBytes(config)), name: "tiny"))
        for k in source.metadataKeys { writer.set(k, source.metadata[k]!) }
        let types: [GGMLType] = [.q8_0, .q4_0, .q4_1, .f16, .bf16]
        let expected = LlamaWeights(config: config)
        for (n, s) in LlamaTensorSpec.all(config).enumerated() {
            let p = try XCTUnwrap(w.param(named: s.hf))
            var v = Array(w.buffer(p))
            if let h = s.ropeHeads { v = RopePermutation.toGGUF(v, rows: s.rows, cols: s.cols, heads: h) }
            let type = s.isVector ? GGMLType.f32 : types[n % types.count]
            var bytes: [UInt8] = []
            switch type {
            case .q8_0, .q4_0, .q4_1:
                for b in stride(from: 0, to: v.count, by: 32) { bytes += GGUFQuantTests.quantise(Array(v[b..<b + 32]), type).0 }
            case .f16: bytes = v.flatMap { x in withUnsafeBytes(of: Float16(x).bitPattern.littleEndian) { Array($0) } }
            case .bf16: bytes = v.flatMap { x in withUnsafeBytes(of: UInt16(x.bitPattern >> 16).littleEndian) { Array($0) } }
            default: bytes = v.flatMap { x in withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) } }
            }
            writer.addRawTensor(s.gguf, dims: s.shape.reversed(), type: type, bytes: bytes)
            // Expected: dequantise the stored bytes, then un-permute.
            var x = [Float](repeating: 0, count: v.count)
            bytes.withUnsafeBytes { src in x.withUnsafeMutableBufferPointer { Dequantize.run(type, src.baseAddress!, $0.baseAddress!, count: v.count) } }
            if let h = s.ropeHeads { x = RopePermutation.toHF(x, rows: s.rows, cols: s.cols, heads: h) }
            let e = try XCTUnwrap(expected.param(named: s.hf))
            _ = expected.mutableBuffer(e).update(fromContentsOf: x)
            // Quantisation error stays small relative to the weights.
            let err = zip(x, Array(w.buffer(p))).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(err, 0.2, "\(s.gguf) \(type)")
        }
        let g = try GGUFFile(file: MappedFile(copying: Array(try writer.encoded()), name: "quantised"))
        let (loaded, _) = try LanguageModel.load(gguf: g)
        assertSameWeights(loaded, expected)
    }

    private func tinyBytes(_ config: LlamaConfig = .tiny) throws -> Data {
        let path = try tempDir().appendingPathComponent("t.gguf").path
        try TinyModel.write(to: path, config: config)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Loading a truncated or corrupted tiny model throws at every cut point, never crashes.
    func testTruncatedAndCorruptedModelsGiveErrors() throws {
        let good = Array(try tinyBytes())
        let g = try GGUFFile(file: MappedFile(copying: good, name: "tiny"))
        let dataEnd = g.tensors.map { $0.fileOffset + ($0.byteCount ?? 0) }.max() ?? good.count
        var cuts = Array(stride(from: 0, to: g.dataOffset, by: 7)) + [g.dataOffset - 1, g.dataOffset]
        cuts += stride(from: g.dataOffset, to: dataEnd, by: 997) + [dataEnd - 1]
        for cut in cuts {
            XCTAssertThrowsError(try LanguageModel.load(gguf: GGUFFile(file: MappedFile(copying: Array(good[0..<cut]), name: "cut"))),
                                 "cut at \(cut)") { e in XCTAssertTrue(e is InstructEditError, "\(e)") }
        }
        XCTAssertNoThrow(try LanguageModel.load(gguf: GGUFFile(file: MappedFile(copying: good, name: "tiny"))))
        var state: UInt64 = 99
        var failures = 0
        for _ in 0..<300 {
            var b = good
            for _ in 0..<3 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                b[Int(state >> 33) % g.dataOffset] = UInt8(truncatingIfNeeded: state >> 13)
            }
            do { _ = try LanguageModel.load(gguf: GGUFFile(file: MappedFile(copying: b, name: "corrupt"))) } catch {
                XCTAssertTrue(error is InstructEditError, "\(error)")
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, 0)
    }

    /// Missing keys, wrong architecture, missing or mis-shaped tensors: clear errors.
    func testModelLevelErrors() throws {
        let source = try GGUFFile(file: MappedFile(copying: Array(try tinyBytes()), name: "tiny"))
        func variant(dropKey: String? = nil, set: (String, GGUFValue)? = nil, dropTensor: String? = nil,
                     reshape: String? = nil, extra: String? = nil) throws -> GGUFFile {
            var w = GGUFWriter()
            for k in source.metadataKeys where k != dropKey { w.set(k, source.metadata[k]!) }
            if let (k, v) = set { w.set(k, v) }
            for t in source.tensors where t.name != dropTensor {
                var x = try source.floats(t.name)
                var shape = t.shape
                if t.name == reshape { shape = [shape[0] / 2] + shape.dropFirst(); x = Array(x[0..<x.count / 2]) }
                try w.addTensor(t.name, shape: shape, values: x)
            }
            if let extra { try w.addTensor(extra, shape: [4], values: [1, 2, 3, 4]) }
            return try GGUFFile(file: MappedFile(copying: Array(try w.encoded()), name: "variant"))
        }
        func expect(_ g: GGUFFile, _ words: String..., line: UInt = #line) {
            XCTAssertThrowsError(try LanguageModel.load(gguf: g), line: line) { e in
                let m = (e as? InstructEditError)?.message ?? "\(e)"
                for w in words { XCTAssertTrue(m.contains(w), "'\(m)' lacks '\(w)'", line: line) }
            }
        }
        XCTAssertNoThrow(try LanguageModel.load(gguf: variant()))
        expect(try variant(dropKey: "llama.block_count"), "llama.block_count", "missing")
        expect(try variant(dropKey: "general.architecture"), "general.architecture")
        expect(try variant(set: ("general.architecture", .string("gpt2"))), "architecture 'gpt2'")
        expect(try variant(set: ("llama.embedding_length", .string("64"))), "llama.embedding_length", "integer")
        expect(try variant(set: ("llama.attention.head_count", .uint32(5))), "multiple of the head count")
        expect(try variant(set: ("llama.block_count", .uint32(3))), "blk.2.attn_norm.weight", "missing")
        expect(try variant(set: ("llama.feed_forward_length", .uint32(1 << 30))), "out of range")
        expect(try variant(set: ("tokenizer.ggml.model", .string("llama"))), "tokenizer.ggml.model 'llama'")
        expect(try variant(set: ("tokenizer.ggml.pre", .string("qwen2"))), "pre-tokenizer 'qwen2'")
        expect(try variant(set: ("tokenizer.ggml.bos_token_id", .uint32(100_000))), "bos", "outside")
        expect(try variant(dropKey: "tokenizer.ggml.tokens"), "tokenizer.ggml.tokens")
        expect(try variant(dropTensor: "blk.1.ffn_up.weight"), "'blk.1.ffn_up.weight' is missing")
        expect(try variant(reshape: "blk.0.attn_k.weight"), "blk.0.attn_k.weight", "shape")
        expect(try variant(extra: "blk.0.attn_q.bias"), "unexpected tensor 'blk.0.attn_q.bias'")
        expect(try variant(set: ("llama.rope.dimension_count", .uint32(8))), "llama.rope.dimension_count")
    }
}
