import XCTest
import CBLAS
@testable import Core

/// The passes at the real model's size (SmolLM2-135M shapes, random weights): they agree with one
/// another, and the timings the brief asks for are printed (never asserted: the machine is shared).
final class LlamaRealSizeTests: XCTestCase {
    static let config = LlamaConfig(layers: 30, dim: 576, heads: 9, kvHeads: 3, ffn: 1536, vocab: 49152,
                                    ropeTheta: 100000, contextLength: 2048)

    func best(of n: Int, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<n {
            let t = clock.now
            try body()
            let d = clock.now - t
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return best
    }

    func testRealSizePassesAgreeAndReportTimings() throws {
        let w = LlamaWeights.random(Self.config, seed: 1)
        let c = w.config, V = c.vocab
        var rng = SeededRandom(seed: 2)
        let tokens = (0..<32).map { _ in Int(rng.next() % UInt64(V)) }

        var logits = Tensor(zeros: [])
        let logitsSeconds = try best(of: 5) { logits = try LlamaForward.logits(w, tokens: tokens) }
        XCTAssertEqual(logits.shape, [32, V])
        XCTAssertTrue(logits.data.allSatisfy(\.isFinite))

        // decode: prefill 8 tokens, then 3 rounds of 32 single-token steps (the best round counts);
        // the last step matches the full pass
        let decoder = LlamaDecoder(w, capacity: 8 + 96)
        _ = try decoder.append(Array(tokens[0..<8]))
        var step = [Float]()
        var sequence = Array(tokens[0..<8])
        let decodeSeconds = try best(of: 3) {
            for _ in 0..<32 {
                let token = tokens[(8 + sequence.count) % 32]
                sequence.append(token)
                step = try decoder.append([token])
            }
        }
        let full = try LlamaForward.logits(w, tokens: sequence).data
        assertClose(step, Array(full.suffix(V)), tolerance: 1e-4, "cached decode at position \(sequence.count - 1)")

        // the editor's training pass: 16 tokens, cached residual at block 27, logits at 3 positions,
        // backward to block 27 capturing the 9 MLP matrices
        let edit = Array(tokens[0..<16]), positions = [12, 13, 14], targets = [5, 6, 7]
        let residual = try LlamaTraining.residual(w, tokens: edit, atBlock: 27)
        let mlp = Set((27..<30).flatMap { [w.layers[$0].wGate, w.layers[$0].wUp, w.layers[$0].wDown] })
        var captured: [ParamRef: (u: [Float], delta: [Float])] = [:]
        let trainSeconds = try best(of: 5) {
            let trace = try LlamaTraining.forward(w, tokens: edit, from: 27, residual: residual)
            let l = try LlamaTraining.logits(w, trace, positions: positions)
            let dl = try Loss.nll(logits: l, vocab: V, targets: targets).dLogits
            captured = try LlamaTraining.backward(w, trace, positions: positions, dLogits: dl, captures: mlp)
        }
        XCTAssertEqual(Set(captured.keys), mlp)
        let down = captured[w.layers[29].wDown]!
        XCTAssertEqual(down.delta.count, 16 * c.dim)
        XCTAssertTrue(down.delta[(15 * c.dim)...].allSatisfy { $0 == 0 }, "position 15 reaches no loss")
        XCTAssertTrue(down.delta[(12 * c.dim)..<(13 * c.dim)].contains { $0 != 0 })

        // the machine's sgemm rate, for the floor 2 · params · 32
        let n = 2048
        let a = FloatBuffer(n * n), b = FloatBuffer(n * n), out = FloatBuffer(n * n)
        for i in 0..<(n * n) { a.p[i] = Float(i % 7) - 3; b.p[i] = Float(i % 5) - 2 }
        let sgemmSeconds = best(of: 3) { gemm(n, n, n, a.p, lda: n, b.p, ldb: n, out.p, ldc: n) }
        let gflops = 2 * Double(n * n * n) / sgemmSeconds / 1e9
        let params = Double(w.all.reduce(0) { $0 + $1.count })
        let floor = 2 * params * 32 / (gflops * 1e9)
        print(String(format: "real size: sgemm 2048³ %.1f GFLOP/s; logits(32) %.1f ms (floor %.1f ms at that rate); decode %.1f tok/s; training pass %.1f ms",
                     gflops, logitsSeconds * 1e3, floor * 1e3, 32 / decodeSeconds, trainSeconds * 1e3))
    }
}
