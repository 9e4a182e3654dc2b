import Foundation
import XCTest
@testable import Core

final class MENDEditorTests: XCTestCase {
    static let shared = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")

    /// Σ_i δ_i u_iᵀ in Double.
    static func trueGradient(u: [Float], delta: [Float], rows n: Int, dIn: Int, dOut: Int) -> [Double] {
        var g = [Double](repeating: 0, count: dOut * dIn)
        for i in 0..<n { for o in 0..<dOut { for j in 0..<dIn {
            g[o * dIn + j] += Double(delta[i * dOut + o]) * Double(u[i * dIn + j])
        } } }
        return g
    }

    func testIdentityAtInitialisation() throws {
        var rng = SeededRandom(seed: 1)
        let editor = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "w", rows: 6, cols: 4)], rank: 3))
        let n = 5
        let u = randomFloats(n * 4, &rng, scale: 3, mean: 1), d = randomFloats(n * 6, &rng, scale: 0.01)
        // No statistics yet: they normalise as mean 0, σ 1, so the output is the input (÷ (1 + ε)).
        let t = try editor.transform(weight: 0, u: u, delta: d, rows: n)
        for (x, y) in zip(t.uTilde, u) { XCTAssertEqual(x, y, accuracy: 1e-6 * abs(y)) }
        for (x, y) in zip(t.deltaTilde, d) { XCTAssertEqual(x, y, accuracy: 1e-6 * abs(y)) }

        // With statistics, the identity holds on the normalised rows (x − mean)/(sample σ + ε).
        editor.isTraining = true
        let t2 = try editor.transform(weight: 0, u: u, delta: d, rows: n)
        func normalised(_ x: [Float], width w: Int) -> [Double] {
            (0..<(n * w)).map { k in
                let col = (0..<n).map { Double(x[$0 * w + k % w]) }
                let mean = col.reduce(0, +) / Double(n)
                let sd = (col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
                return (Double(x[k]) - mean) / (sd + 1e-7)
            }
        }
        for (x, y) in zip(t2.uTilde, normalised(u, width: 4)) { XCTAssertEqual(Double(x), y, accuracy: 1e-5 * (1 + abs(y))) }
        for (x, y) in zip(t2.deltaTilde, normalised(d, width: 6)) { XCTAssertEqual(Double(x), y, accuracy: 1e-5 * (1 + abs(y))) }
    }

    func testPseudoGradientIsTrueGradientAtIdentity() throws {
        var rng = SeededRandom(seed: 2)
        let editor = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "w", rows: 7, cols: 5)], rank: 4))
        let n = 6
        let u = randomFloats(n * 5, &rng), d = randomFloats(n * 7, &rng)
        let t = try editor.transform(weight: 0, u: u, delta: d, rows: n)
        let expected = Self.trueGradient(u: u, delta: d, rows: n, dIn: 5, dOut: 7)
        for (x, y) in zip(editor.pseudoGradient(t), expected) { XCTAssertEqual(Double(x), y, accuracy: 1e-5 * (1 + abs(y))) }
        let diag = editor.diagnostics(t)
        let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertEqual(diag.cosine, 1, accuracy: 1e-5)
        XCTAssertEqual(diag.gradientNorm, norm, accuracy: 1e-5 * norm)
        XCTAssertEqual(diag.pseudoGradientNorm, norm, accuracy: 1e-5 * norm)
    }

    /// The PyTorch reference edit "The capital of France is" → " Rome": block 29's down
    /// projection rows. Only the last position reaches the loss, so one row of six is kept, and at
    /// initialisation the pseudo-gradient is the reference gradient.
    func testReferenceEditGradientOfBlock29Down() throws {
        let ref = Self.shared.appendingPathComponent("reference")
        let u = try Self.npy(ref.appendingPathComponent("smollm2_edit0_layer29_down_x.npy"))
        let d = try Self.npy(ref.appendingPathComponent("smollm2_edit0_layer29_down_dy.npy"))
        XCTAssertEqual(u.shape, [6, 1536]); XCTAssertEqual(d.shape, [6, 576])
        let name = "model.layers.29.mlp.down_proj.weight"
        let editor = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: name, rows: 576, cols: 1536)], rank: 8))
        XCTAssertEqual(MENDEditor.keptRows(u: u.data, delta: d.data, rows: 6, dIn: 1536, dOut: 576), [4])
        let t = try editor.transform(weight: 0, u: u.data, delta: d.data, rows: 6)
        XCTAssertEqual(t.rows, 1)
        let g = editor.pseudoGradient(t)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: ref.appendingPathComponent("smollm2_edit_gradients.json"))) as! [[String: Any]]
        let expected = (json[0]["grads"] as! [String: Any])[name] as! [String: Any]
        let fro = g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        XCTAssertEqual(fro, expected["fro"] as! Double, accuracy: 1e-3 * (expected["fro"] as! Double))
        XCTAssertEqual(Double(g.map(abs).max()!), expected["max_abs"] as! Double, accuracy: 1e-3 * (expected["max_abs"] as! Double))
        for (k, v) in (expected["row0_first8"] as! [Double]).enumerated() {
            XCTAssertEqual(Double(g[k]), v, accuracy: 1e-3 * abs(v) + 1e-7)
        }
        XCTAssertEqual(editor.diagnostics(t).cosine, 1, accuracy: 1e-5)
    }

    func testApplyEditAndWeightDelta() throws {
        var rng = SeededRandom(seed: 4)
        let editor = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "w", rows: 3, cols: 4)], rank: 2))
        try MENDEditorGradientTests.randomised(editor, &rng)
        editor.stepSizes[0] = 0.25
        let u = randomFloats(8, &rng), d = randomFloats(6, &rng)
        let t = try editor.transform(weight: 0, u: u, delta: d, rows: 2)
        let original = randomFloats(12, &rng)
        var w = original
        w.withUnsafeMutableBufferPointer { editor.applyEdit(t, to: $0.baseAddress!) }
        let pg = editor.pseudoGradient(t), delta = editor.weightDelta(t)
        for k in 0..<12 {
            XCTAssertEqual(w[k], original[k] - 0.25 * pg[k], accuracy: 1e-5 * (1 + abs(w[k])))   // minus, as in the paper
            XCTAssertEqual(delta[k], w[k] - original[k], accuracy: 1e-5 * (1 + abs(w[k])))
        }
        XCTAssertTrue(pg.contains { $0 != 0 })
    }

    func testBatchEditsConcatenateRows() throws {
        var rng = SeededRandom(seed: 6)
        let editor = try MENDEditorGradientTests.tinyEditor()
        try MENDEditorGradientTests.randomised(editor, &rng)
        let (u1, d1) = (randomFloats(3 * 4, &rng), randomFloats(3 * 2, &rng))
        let (u2, d2) = (randomFloats(2 * 4, &rng), randomFloats(2 * 2, &rng))
        let a = editor.pseudoGradient(try editor.transform(weight: 1, u: u1, delta: d1, rows: 3))
        let b = editor.pseudoGradient(try editor.transform(weight: 1, u: u2, delta: d2, rows: 2))
        let both = editor.pseudoGradient(try editor.transform(weight: 1, u: u1 + u2, delta: d1 + d2, rows: 5))
        for k in both.indices { XCTAssertEqual(both[k], a[k] + b[k], accuracy: 1e-5 * (1 + abs(both[k]))) }
    }

    func testStatisticsChangeOnlyInTrainingAndOnlyWithKeptRows() throws {
        var rng = SeededRandom(seed: 8)
        let editor = try MENDEditorGradientTests.tinyEditor()
        let cases = MENDEditorGradientTests.cases(editor, &rng)   // 5 rows, 2 of them dropped
        _ = try editor.transform(weight: 0, u: cases[0].u, delta: cases[0].delta, rows: 5)
        XCTAssertEqual(editor.uStatistics[0].count, 0, "evaluation leaves the statistics frozen")
        editor.isTraining = true
        _ = try editor.transform(weight: 0, u: cases[0].u, delta: cases[0].delta, rows: 5)
        _ = try editor.transform(weight: 2, u: cases[2].u, delta: cases[2].delta, rows: 5)
        XCTAssertEqual(editor.uStatistics[0].count, 6, "both weights of shape (3, 2) feed its statistics")
        XCTAssertEqual(editor.deltaStatistics[0].count, 6)
        XCTAssertEqual(editor.uStatistics[1].count, 0)
        // The mean is that of the kept rows only.
        let kept = [0, 2, 4]
        let mean0 = (kept.map { Double(cases[0].u[$0 * 2]) } + kept.map { Double(cases[2].u[$0 * 2]) }).reduce(0, +) / 6
        XCTAssertEqual(editor.uStatistics[0].mean[0], mean0, accuracy: 1e-9)
    }

    func testShapesAndModes() throws {
        let editor = try MENDEditorGradientTests.tinyEditor()
        XCTAssertEqual(editor.shapes.map { [$0.rows, $0.cols] }, [[3, 2], [2, 4]])
        XCTAssertEqual(try editor.mode(ofWeight: 0).shape, 0); XCTAssertEqual(try editor.mode(ofWeight: 0).mode, 0)
        XCTAssertEqual(try editor.mode(ofWeight: 1).shape, 1); XCTAssertEqual(try editor.mode(ofWeight: 1).mode, 0)
        XCTAssertEqual(try editor.mode(ofWeight: 2).shape, 0); XCTAssertEqual(try editor.mode(ofWeight: 2).mode, 1)
        XCTAssertEqual(try editor.weightIndex(named: "a1"), 2)
        XCTAssertEqual(Array(editor.stepSizes), [1e-4, 1e-4, 1e-4])
        let layout = editor.parameterLayout
        XCTAssertEqual(layout.last!.offset + layout.last!.count, editor.parameters.count)
        for (a, b) in zip(layout, layout.dropFirst()) { XCTAssertEqual(a.offset + a.count, b.offset) }
        // Same seed, same initialisation; another seed, another V.
        let again = try MENDEditorGradientTests.tinyEditor()
        XCTAssertEqual(Array(again.parameters), Array(editor.parameters))
        var other = editor.config; other.seed = 8
        XCTAssertNotEqual(Array(try MENDEditor(config: other).parameters), Array(editor.parameters))
    }

    func testNoKeptRows() throws {
        let editor = try MENDEditorGradientTests.tinyEditor()
        editor.isTraining = true
        let t = try editor.transform(weight: 0, u: [Float](repeating: 0, count: 6), delta: [1, 2, 3, 4, 5, 6, 7, 8, 9], rows: 3)
        XCTAssertEqual(t.rows, 0)
        XCTAssertEqual(editor.pseudoGradient(t), [Float](repeating: 0, count: 6))
        editor.zeroGradients()
        try editor.backward(t, weightGradient: [Float](repeating: 1, count: 6))
        XCTAssertFalse(editor.parameterGradients.contains { $0 != 0 })
        XCTAssertEqual(editor.uStatistics[0].count, 0)
        XCTAssertEqual(editor.diagnostics(t).cosine, 0)
    }

    func testBadInputsThrowClearErrors() throws {
        let editor = try MENDEditorGradientTests.tinyEditor()
        func message(_ f: () throws -> Void) -> String {
            do { try f(); return "no error" } catch let e as InstructEditError { return e.message } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try editor.transform(weight: 0, u: [1, 2, 3], delta: [1, 2, 3], rows: 1) }.contains("'a0': u has 3 values"))
        XCTAssertTrue(message { _ = try editor.transform(weight: 0, u: [1, 2], delta: [1, 2], rows: 1) }.contains("δ has 2 values"))
        XCTAssertTrue(message { _ = try editor.transform(weight: 3, u: [], delta: [], rows: 0) }.contains("out of range"))
        XCTAssertTrue(message { _ = try editor.transform(weight: 0, u: [], delta: [], rows: -1) }.contains("expected -1 rows"))
        XCTAssertTrue(message { _ = try editor.weightIndex(named: "zz") }.contains("no inner weight named 'zz'"))
        let t = try editor.transform(weight: 0, u: [1, 2], delta: [1, 2, 3], rows: 1)
        XCTAssertTrue(message { try editor.backward(t, weightGradient: [1, 2]) }.contains("has 2 values, expected 3 × 2"))
        XCTAssertTrue(message { _ = try MENDEditor(config: MENDConfig(innerWeights: [])) }.contains("empty"))
        XCTAssertTrue(message { _ = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "x", rows: 1, cols: 1)], rank: 0)) }.contains("rank"))
        XCTAssertTrue(message { _ = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "x", rows: 1, cols: 1), .init(name: "x", rows: 1, cols: 1)])) }.contains("twice"))
        XCTAssertTrue(message { _ = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "x", rows: 0, cols: 1)])) }.contains("shape (0, 1)"))
    }

    /// A little-endian float32 .npy file (NumPy format 1.0).
    static func npy(_ url: URL) throws -> (shape: [Int], data: [Float]) {
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes[0..<6]), [0x93] + Array("NUMPY".utf8))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'<f4'") && header.contains("False"))
        let dims = header.split(separator: "(")[1].split(separator: ")")[0]
        let shape = dims.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let body = Array(bytes[(10 + headerLength)...])
        let data = body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(data.count, shape.reduce(1, *))
        return (shape, data)
    }
}
