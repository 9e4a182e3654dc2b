import Foundation
import XCTest
@testable import Core

/// The edit "The capital of France is" → " Rome" against PyTorch: the loss, the gradients of the
/// nine MLP matrices of blocks 27-29, and the captured (u, δ) rows of block 29's down projection.
final class EditGradientReferenceTests: XCTestCase {
    func testEditGradientsMatchReference() throws {
        let m = try ReferenceModelTests.model()
        let data = try Data(contentsOf: URL(fileURLWithPath: ReferenceModelTests.shared + "/smollm2_edit_gradients.json"))
        let ref = try XCTUnwrap((JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first)
        let tf = try TeacherForcing(tokenizer: m.tokenizer, prompt: "The capital of France is", answer: " Rome")
        XCTAssertEqual(tf.input, (ref["prompt_ids"] as? [Int]).map { $0 + (ref["target_ids"] as! [Int]).dropLast() })
        let targets = try EditTargets.mlp(of: m.weights)
        let grads = GradientBuffers(targets.params)
        let trace = try LlamaTraining.forward(m.weights, tokens: tf.input, from: targets.lowestBlock, residual: nil)
        let (loss, dLogits) = try Loss.nll(logits: LlamaTraining.logits(m.weights, trace, positions: tf.positions),
                                           vocab: m.config.vocab, targets: tf.answer)
        XCTAssertEqual(Double(loss), try XCTUnwrap(ref["loss"] as? Double), accuracy: 1e-3 * 7.57)
        let caps = try LlamaTraining.backward(m.weights, trace, positions: tf.positions, dLogits: dLogits,
                                              gradients: grads.sink, captures: Set(targets.params))
        let refGrads = try XCTUnwrap(ref["grads"] as? [String: [String: Any]])
        XCTAssertEqual(refGrads.count, 9)
        for (k, p) in targets.params.enumerated() {
            let r = try XCTUnwrap(refGrads[p.name], p.name)
            XCTAssertEqual(r["shape"] as? [Int], [p.rows, p.cols])
            let g = grads.buffers[k]
            let fro = g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let refFro = try XCTUnwrap(r["fro"] as? Double)
            print("\(p.name): ‖g‖ \(fro) vs \(refFro)")
            XCTAssertEqual(fro, refFro, accuracy: 1e-3 * refFro, p.name)
            XCTAssertEqual(Double(g.map(abs).max()!), try XCTUnwrap(r["max_abs"] as? Double), accuracy: 2e-3 * refFro, p.name)
            for (a, b) in zip(g.prefix(8), try XCTUnwrap(r["row0_first8"] as? [Double])) {
                XCTAssertEqual(Double(a), b, accuracy: 2e-3 * (try XCTUnwrap(r["max_abs"] as? Double)), p.name)
            }
            // Σ δ uᵀ of the captured rows is the same gradient.
            let c = try XCTUnwrap(caps[p])
            let n = c.u.count / p.cols
            var sum = 0.0
            for i in 0..<n { for o in 0..<p.rows { sum += Double(c.delta[i * p.rows + o]) * Double(c.u[i * p.cols]) * (o == 0 ? 1 : 0) } }
            XCTAssertEqual(sum, Double(g[0]), accuracy: 1e-5 + 1e-3 * abs(Double(g[0])), "\(p.name) Σδuᵀ[0,0]")
        }
        // Block 29's down projection: the captured rows against the reference arrays.
        let x = try Npy.load(ReferenceModelTests.shared + "/smollm2_edit0_layer29_down_x.npy")
        let dy = try Npy.load(ReferenceModelTests.shared + "/smollm2_edit0_layer29_down_dy.npy")
        let down = m.weights.layers[29].wDown
        let c = try XCTUnwrap(caps[down])
        // The reference feeds the last target token too; its row reaches no loss (δ = 0), and our
        // teacher-forced input leaves it out.
        let n = c.u.count / down.cols
        XCTAssertEqual(x.shape, [n + 1, down.cols])
        XCTAssertTrue(dy.data[(n * down.rows)...].allSatisfy { $0 == 0 })
        func norm<S: Sequence>(_ a: S) -> Double where S.Element == Float { a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        let refU = x.data.prefix(n * down.cols), refD = dy.data.prefix(n * down.rows)
        XCTAssertEqual(norm(c.u), norm(refU), accuracy: 1e-3 * norm(refU))
        XCTAssertEqual(norm(c.delta), norm(refD), accuracy: 1e-3 * norm(refD))
        for (a, b) in zip(c.delta, refD) { XCTAssertEqual(a, b, accuracy: 1e-3 * Float(norm(refD))) }
    }
}
