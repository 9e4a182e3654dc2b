import XCTest
import Foundation
@testable import Core

/// Forward pass: an independent Double-precision block, and the three inference outputs (plus the
/// training trace) agreeing with one another.
final class LlamaForwardTests: XCTestCase {
    /// Block `l` written out loop by loop in Double, straight from the Hugging Face definition
    /// (rotate-half RoPE, repeat_kv grouping, causal softmax, SwiGLU).
    static func naiveBlock(_ w: LlamaWeights, _ l: Int, _ x: [[Double]]) -> [[Double]] {
        let c = w.config, p = w.layers[l], T = x.count, hd = c.headDim, half = hd / 2
        func vec(_ r: ParamRef) -> [Double] { w.buffer(r).map(Double.init) }
        func matvec(_ r: ParamRef, _ v: [Double]) -> [Double] {
            let m = vec(r)
            return (0..<r.rows).map { i in (0..<r.cols).reduce(0.0) { $0 + m[i * r.cols + $1] * v[$1] } }
        }
        func norm(_ v: [Double], _ r: ParamRef) -> [Double] {
            let g = vec(r), ms = v.reduce(0) { $0 + $1 * $1 } / Double(v.count)
            return v.indices.map { v[$0] / (ms + Double(c.normEps)).squareRoot() * g[$0] }
        }
        func rope(_ v: [Double], heads: Int, pos: Int) -> [Double] {
            var o = v
            for h in 0..<heads {
                for i in 0..<half {
                    let f = pos == 0 ? 0 : Double(pos) / pow(Double(c.ropeTheta), Double(2 * i) / Double(hd))
                    let a = v[h * hd + i], b = v[h * hd + i + half]
                    o[h * hd + i] = a * cos(f) - b * sin(f)
                    o[h * hd + i + half] = b * cos(f) + a * sin(f)
                }
            }
            return o
        }
        let xn = x.map { norm($0, p.attnNorm) }
        let q = xn.enumerated().map { rope(matvec(p.wq, $1), heads: c.heads, pos: $0) }
        let k = xn.enumerated().map { rope(matvec(p.wk, $1), heads: c.kvHeads, pos: $0) }
        let v = xn.map { matvec(p.wv, $0) }
        var mid = x
        for t in 0..<T {
            var att = [Double](repeating: 0, count: c.dim)
            for h in 0..<c.heads {
                let g = h / (c.heads / c.kvHeads)
                let s = (0...t).map { j in (0..<hd).reduce(0.0) { $0 + q[t][h * hd + $1] * k[j][g * hd + $1] } / Double(hd).squareRoot() }
                let m = s.max()!, e = s.map { exp($0 - m) }, z = e.reduce(0, +)
                for j in 0...t { for i in 0..<hd { att[h * hd + i] += e[j] / z * v[j][g * hd + i] } }
            }
            let o = matvec(p.wo, att)
            for i in 0..<c.dim { mid[t][i] += o[i] }
        }
        return mid.map { m in
            let n = norm(m, p.mlpNorm), g = matvec(p.wGate, n), u = matvec(p.wUp, n)
            let act = g.indices.map { g[$0] / (1 + exp(-g[$0])) * u[$0] }
            let d = matvec(p.wDown, act)
            return m.indices.map { m[$0] + d[$0] }
        }
    }

    func testBlocksMatchIndependentDoubleImplementation() throws {
        for (heads, kvHeads) in [(2, 1), (4, 2), (2, 2)] {
            let w = Tiny.model(heads: heads, kvHeads: kvHeads)
            let T = Tiny.tokens.count, C = w.config.dim
            let hs = try LlamaForward.hiddenStates(w, tokens: Tiny.tokens)
            for l in 0..<w.config.layers {
                let x = (0..<T).map { t in (0..<C).map { Double(hs.data[(l * T + t) * C + $0]) } }
                let expected = Self.naiveBlock(w, l, x).flatMap { $0.map(Float.init) }
                let got = Array(hs.data[((l + 1) * T * C)..<((l + 2) * T * C)])
                assertClose(got, expected, tolerance: 1e-5, "block \(l), \(heads) heads / \(kvHeads) kv")
            }
        }
    }

    func testHiddenStatesLogitsAndAttentionAgree() throws {
        let w = Tiny.model(), c = w.config, T = Tiny.tokens.count, C = c.dim
        let logits = try LlamaForward.logits(w, tokens: Tiny.tokens)
        let hs = try LlamaForward.hiddenStates(w, tokens: Tiny.tokens)
        XCTAssertEqual(logits.shape, [T, c.vocab])
        XCTAssertEqual(hs.shape, [c.layers + 2, T, C])

        // slice 0 is the embedding of the tokens
        let emb = w.buffer(w.tokenEmbedding)
        XCTAssertEqual(Array(hs.data[0..<C]), Array(emb[(Tiny.tokens[0] * C)..<((Tiny.tokens[0] + 1) * C)]))

        // last block output → final norm = last slice; last slice → LM head = logits
        let last = Array(hs.data[(c.layers * T * C)..<((c.layers + 1) * T * C)])
        let normed = Array(hs.data[((c.layers + 1) * T * C)...])
        let g = w.buffer(w.finalNorm), out = w.buffer(w.output)
        var renormed = [Float](), relogits = [Float]()
        for t in 0..<T {
            let row = last[(t * C)..<((t + 1) * C)]
            let r = 1 / (row.reduce(0) { $0 + $1 * $1 } / Float(C) + c.normEps).squareRoot()
            renormed += row.enumerated().map { $1 * r * g[$0] }
            let n = normed[(t * C)..<((t + 1) * C)]
            relogits += (0..<c.vocab).map { v in zip(n, out[(v * C)..<((v + 1) * C)]).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        assertClose(renormed, normed, tolerance: 1e-6, "final norm")
        assertClose(relogits, logits.data, tolerance: 1e-5, "LM head")

        // attention maps: causal rows of probabilities
        for layer in 0..<c.layers {
            let a = try LlamaForward.attention(w, tokens: Tiny.tokens, layer: layer)
            XCTAssertEqual(a.shape, [c.heads, T, T])
            for h in 0..<c.heads {
                for t in 0..<T {
                    let row = a.data[((h * T + t) * T)..<((h * T + t + 1) * T)]
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
                    XCTAssertTrue(row.dropFirst(t + 1).allSatisfy { $0 == 0 }, "causal mask, head \(h) row \(t)")
                    XCTAssertTrue(row.prefix(t + 1).allSatisfy { $0 > 0 })
                }
            }
        }
        // the first position attends only to itself
        XCTAssertEqual(try LlamaForward.attention(w, tokens: Tiny.tokens, layer: 1).data[0], 1, accuracy: 1e-6)
    }

    func testTrainingForwardAgreesWithInference() throws {
        let w = Tiny.model(), c = w.config, T = Tiny.tokens.count, C = c.dim
        let logits = try LlamaForward.logits(w, tokens: Tiny.tokens)
        let hs = try LlamaForward.hiddenStates(w, tokens: Tiny.tokens)
        for start in 0...c.layers {
            let residual = try LlamaTraining.residual(w, tokens: Tiny.tokens, atBlock: start)
            XCTAssertEqual(residual, Array(hs.data[(start * T * C)..<((start + 1) * T * C)]), "residual at \(start)")
            let trace = try LlamaTraining.forward(w, tokens: Tiny.tokens, from: start, residual: start == 1 ? nil : residual)
            XCTAssertEqual(trace.residual, residual)
            let positions = [T - 1, 0, 3]
            let some = try LlamaTraining.logits(w, trace, positions: positions)
            let expected = positions.flatMap { logits.data[($0 * c.vocab)..<(($0 + 1) * c.vocab)] }
            assertClose(some, expected, tolerance: 1e-5, "trace logits from block \(start)")
        }
    }

    func testRopeTable() {
        let table = RopeTable(headDim: 8, theta: 10000, positions: 16)
        // position 0 is the identity; rotations keep the norm
        var x: [Float] = (0..<16).map { Float($0) - 7.5 }
        let original = x
        x.withUnsafeMutableBufferPointer { table.rotate($0.baseAddress!, rows: 1, stride: 16, pos0: 0, heads: 2) }
        XCTAssertEqual(x, original)
        x.withUnsafeMutableBufferPointer { table.rotate($0.baseAddress!, rows: 2, stride: 8, pos0: 5, heads: 1) }
        let norm = { (v: ArraySlice<Float>) in v.reduce(0) { $0 + $1 * $1 } }
        XCTAssertEqual(norm(x[0..<8]), norm(original[0..<8]), accuracy: 1e-3)
        XCTAssertNotEqual(x, original)
        // inverse undoes the rotation
        x.withUnsafeMutableBufferPointer { table.rotate($0.baseAddress!, rows: 2, stride: 8, pos0: 5, heads: 1, inverse: true) }
        assertClose(x, original, tolerance: 1e-6, "inverse rotation")
        // q·k depends only on the distance between positions
        func dot(_ q: [Float], _ pq: Int, _ k: [Float], _ pk: Int) -> Float {
            var a = q, b = k
            a.withUnsafeMutableBufferPointer { table.rotate($0.baseAddress!, rows: 1, stride: 8, pos0: pq, heads: 1) }
            b.withUnsafeMutableBufferPointer { table.rotate($0.baseAddress!, rows: 1, stride: 8, pos0: pk, heads: 1) }
            return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let q: [Float] = [0.3, -1, 0.5, 2, 1, 0.1, -0.7, 0.2], k: [Float] = [1, 0.2, -0.4, 0.9, -1.2, 0.5, 0.3, 0.8]
        XCTAssertEqual(dot(q, 7, k, 3), dot(q, 12, k, 8), accuracy: 1e-4)
        XCTAssertNotEqual(dot(q, 7, k, 3), dot(q, 7, k, 4), accuracy: 1e-3)
    }
}
