import CKernels
import XCTest
@testable import Core

/// One-row products from the GGUF file's blocks (decoding): the same bits as the Float32 kernel on
/// the dequantised rows, and never used for a matrix once something has written it.
final class BlockCopiesTests: XCTestCase {
    override func tearDown() { _ = ie_set_kernel_path(-1) }

    /// Random rows stored as `type` blocks, and the loader's Float32 values of them.
    private func rows(_ type: GGMLType, N: Int, K: Int, seed: UInt64) -> (blocks: [UInt8], values: [Float]) {
        var rng = SeededRandom(seed: seed)
        var blocks: [UInt8] = []
        for _ in 0..<(N * K / 32) {
            let v = (0..<32).map { _ in Float(rng.nextUnit() * 2 - 1) * 0.1 }
            blocks += GGUFQuantTests.quantise(v, type).0
        }
        var values = [Float](repeating: 0, count: N * K)
        blocks.withUnsafeBytes { src in values.withUnsafeMutableBufferPointer { Dequantize.run(type, src.baseAddress!, $0.baseAddress!, count: N * K) } }
        return (blocks, values)
    }

    func testQuantisedRowsGiveTheFloatKernelsBitsOnEveryPath() {
        let K = 96
        for (type, code) in [(GGMLType.q4_1, Int32(IE_QUANT_Q4_1)), (.q8_0, Int32(IE_QUANT_Q8_0))] {
            let rowBytes = Int(ie_quant_row_bytes(code, Int32(K)))
            XCTAssertEqual(rowBytes, K / 32 * (type == .q4_1 ? 20 : 34))
            for N in [1, 2, 3, 7, 16] {
                let (blocks, values) = rows(type, N: N, K: K, seed: UInt64(N))
                var rng = SeededRandom(seed: 99)
                let x = (0..<K).map { _ in Float(rng.nextUnit() * 4 - 2) }
                let start = (0..<N).map { Float($0) * 0.25 }
                for path in 0...Int(ie_kernel_path_supported()) {
                    _ = ie_set_kernel_path(Int32(path))
                    for (beta, r) in [(Float(0), 0..<N), (0.5, (N > 2 ? 1 : 0)..<N)] {
                        var float = start, quant = start
                        ie_linear_forward(x, 1, Int32(K), Int32(K), values, Int32(r.lowerBound), Int32(r.upperBound), &float, Int32(N), beta)
                        ie_quant_forward_row(code, blocks, rowBytes, Int32(K), x, Int32(r.lowerBound), Int32(r.upperBound), &quant, beta)
                        XCTAssertEqual(quant.map(\.bitPattern), float.map(\.bitPattern), "\(type) N \(N) path \(path) beta \(beta)")
                    }
                }
            }
        }
        XCTAssertEqual(ie_quant_row_bytes(Int32(IE_QUANT_Q4_1), 33), 0, "rows are whole blocks")
        XCTAssertEqual(ie_quant_row_bytes(2, 64), 0, "Q4_0 has no one-row kernel")
    }

    /// The default model keeps its file's blocks; decoding from them matches the full forward; a
    /// written matrix loses its blocks, and decoding then follows the written values.
    func testDecodingReadsTheBlocksUntilAMatrixIsWritten() throws {
        let m = try LanguageModel.load()
        let w = m.weights, tokens = try m.tokenizer.encode("The capital of France is Paris, and")
        XCTAssertTrue(w.blockCopies.holds(w.layers[0].wq), "Q4_1 blocks of the file")
        XCTAssertTrue(w.blockCopies.holds(w.output), "the Q8_0 embedding, which is the tied LM head")
        func decodedLast() throws -> [Float] {
            let d = LlamaDecoder(w, capacity: tokens.count)
            _ = try d.append(Array(tokens.dropLast()))
            return try d.append([tokens.last!])
        }
        func fullLast() throws -> [Float] {
            let all = try LlamaForward.logits(w, tokens: tokens).data
            return Array(all[((tokens.count - 1) * w.config.vocab)...])
        }
        let before = try decodedLast()
        assertClose(before, try fullLast(), tolerance: 1e-4, "from the blocks")

        let p = w.layers[w.config.layers - 1].wDown
        let original = Array(w.buffer(p))
        let values = w.mutableBuffer(p)
        for i in values.indices { values[i] *= 3 }
        XCTAssertFalse(w.blockCopies.holds(p), "writing drops the blocks")
        XCTAssertTrue(w.blockCopies.holds(w.layers[0].wq), "of that matrix only")
        let after = try decodedLast()
        assertClose(after, try fullLast(), tolerance: 1e-4, "after the write")
        XCTAssertGreaterThan(zip(before, after).map { abs($0 - $1) }.max() ?? 0, 0.1, "the write shows in decoding")

        _ = original.withUnsafeBufferPointer { w.mutableBuffer(p).update(fromContentsOf: $0) }
        assertClose(try decodedLast(), before, tolerance: 1e-4, "restored, read from the slab")
    }
}
