import XCTest
@testable import Core
import TestSupport

/// Tiny random models and comparison helpers shared by the LLaMA, generation and loss tests.
enum Tiny {
    /// 3 blocks, dim 8, 2 query heads sharing 1 key/value head (head size 4), ffn 12, vocab 24.
    static func config(tied: Bool = true, layers: Int = 3, heads: Int = 2, kvHeads: Int = 1,
                       context: Int = 32) -> LlamaConfig {
        LlamaConfig(layers: layers, dim: 4 * heads, heads: heads, kvHeads: kvHeads, ffn: 12, vocab: 24,
                    ropeTheta: 10000, normEps: 1e-5, contextLength: context, tiedEmbeddings: tied)
    }

    static func model(tied: Bool = true, seed: UInt64 = 1, gain: Float = 1.5, layers: Int = 3,
                      heads: Int = 2, kvHeads: Int = 1, context: Int = 32) -> LlamaWeights {
        .random(config(tied: tied, layers: layers, heads: heads, kvHeads: kvHeads, context: context),
                seed: seed, gain: gain)
    }

    static let tokens = [3, 17, 5, 3, 22, 9, 0]
}

/// Largest |a − b| relative to the largest |b| (or 1 when b is tiny), with the worst index.
func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> (diff: Float, index: Int) {
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    let scale = max(b.map { abs($0) }.max() ?? 0, 1e-3)
    var worst: Float = 0, index = 0
    for i in a.indices where abs(a[i] - b[i]) > worst { worst = abs(a[i] - b[i]); index = i }
    return (worst / scale, index)
}

func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(what): sizes differ", file: file, line: line)
    guard a.count == b.count, !a.isEmpty else { return }
    let (d, i) = maxRelativeDifference(a, b)
    XCTAssertLessThanOrEqual(d, tolerance, "\(what): largest relative difference \(d) at \(i) (\(a[i]) vs \(b[i])); first values \(Array(a.prefix(4))) vs \(Array(b.prefix(4)))",
                             file: file, line: line)
}

final class LlamaTinyModelTests: XCTestCase {
    func testRandomModelIsSeeded() {
        let a = Tiny.model(seed: 5), b = Tiny.model(seed: 5), c = Tiny.model(seed: 6)
        XCTAssertEqual(Array(a.slab), Array(b.slab))
        XCTAssertNotEqual(Array(a.slab), Array(c.slab))
        XCTAssertTrue(a.slab.allSatisfy { $0.isFinite })
    }

    func testBadInputsThrowClearErrors() throws {
        let w = Tiny.model()
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try LlamaForward.logits(w, tokens: []) }.contains("empty"))
        XCTAssertTrue(message { _ = try LlamaForward.logits(w, tokens: [1, 24]) }.contains("token id 24 at position 1"))
        XCTAssertTrue(message { _ = try LlamaForward.logits(w, tokens: [-1]) }.contains("token id -1"))
        XCTAssertTrue(message { _ = try LlamaForward.hiddenStates(w, tokens: Array(repeating: 1, count: 33)) }
            .contains("context length 32"))
        XCTAssertTrue(message { _ = try LlamaForward.attention(w, tokens: [1], layer: 3) }.contains("layer 3"))
        XCTAssertTrue(message { _ = try LlamaTraining.residual(w, tokens: [1], atBlock: 4) }.contains("block 4"))
        XCTAssertTrue(message { _ = try LlamaTraining.forward(w, tokens: [1, 2], from: 1, residual: [0, 1]) }
            .contains("residual has 2 values"))
        let trace = try LlamaTraining.forward(w, tokens: [1, 2], from: 1, residual: nil)
        XCTAssertTrue(message { _ = try LlamaTraining.logits(w, trace, positions: [2]) }.contains("position 2"))
        XCTAssertTrue(message { _ = try LlamaTraining.logits(Tiny.model(layers: 4), trace, positions: [1]) }
            .contains("another shape"))
        XCTAssertTrue(message {
            try LlamaTraining.backward(w, trace, positions: [1], dLogits: [1])
        }.contains("dLogits has 1 values"))
        let dl = [Float](repeating: 0, count: 24)
        let g = FloatBuffer(w.layers[0].wq.count)
        XCTAssertTrue(message {
            try LlamaTraining.backward(w, trace, positions: [1], dLogits: dl, gradients: [w.layers[0].wq: g.p])
        }.contains("no gradient for model.layers.0.self_attn.q_proj.weight"))
        XCTAssertTrue(message {
            try LlamaTraining.backward(w, trace, positions: [1], dLogits: dl, captures: [w.layers[1].mlpNorm])
        }.contains("cannot capture"))
    }
}
