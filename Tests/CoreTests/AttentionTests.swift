import CKernels
import Foundation
import XCTest
@testable import Core

/// The blocked causal attention (`Attention.forward`) against the scalar version it replaced (kept
/// here as the reference) and against a Double reference, at several lengths, with and without a
/// cache in front (pos0 > 0), with and without the probabilities kept.
final class AttentionTests: XCTestCase {
    /// The attention of the build before issue #15: full (H, T, Tk) scores per head, masked half
    /// included, scalar `exp`.
    static func scalarReference(_ s: AttentionShape, q: UnsafePointer<Float>, ldq: Int, keys: UnsafePointer<Float>,
                                values: UnsafePointer<Float>, ldkv: Int, rows T: Int, keys Tk: Int, pos0: Int,
                                probs: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        for h in 0..<s.heads {
            let g = h / s.group, p = probs + h * T * Tk
            gemm(transB: true, T, Tk, s.headDim, q + h * s.headDim, lda: ldq, keys + g * s.headDim,
                 ldb: ldkv, p, ldc: Tk, alpha: s.scale)
            for t in 0..<T {
                let row = p + t * Tk, seen = pos0 + t + 1
                var m = -Float.infinity
                for j in 0..<seen { m = max(m, row[j]) }
                var sum: Float = 0
                for j in 0..<seen { let e = Foundation.exp(row[j] - m); row[j] = e; sum += e }
                let inv = 1 / sum
                for j in 0..<seen { row[j] *= inv }
                for j in seen..<Tk { row[j] = 0 }
            }
            gemm(T, s.headDim, Tk, p, lda: Tk, values + g * s.headDim, ldb: ldkv, out + h * s.headDim, ldc: s.dim)
        }
    }

    /// out (T, dim) in Double: softmax over keys 0...pos0 + t of q·k / sqrt(hd), times v.
    static func doubleReference(_ s: AttentionShape, q: [Float], ldq: Int, keys: [Float], values: [Float], ldkv: Int,
                                rows T: Int, pos0: Int) -> [Float] {
        var out = [Float](repeating: 0, count: T * s.dim)
        for h in 0..<s.heads {
            let g = h / s.group
            for t in 0..<T {
                let seen = pos0 + t + 1
                var scores = [Double](repeating: 0, count: seen)
                for j in 0..<seen {
                    var d = 0.0
                    for i in 0..<s.headDim { d += Double(q[t * ldq + h * s.headDim + i]) * Double(keys[j * ldkv + g * s.headDim + i]) }
                    scores[j] = d / Double(s.headDim).squareRoot()
                }
                let m = scores.max()!
                let e = scores.map { Foundation.exp($0 - m) }, sum = e.reduce(0, +)
                for i in 0..<s.headDim {
                    var o = 0.0
                    for j in 0..<seen { o += e[j] / sum * Double(values[j * ldkv + g * s.headDim + i]) }
                    out[t * s.dim + h * s.headDim + i] = Float(o)
                }
            }
        }
        return out
    }

    struct Case { let heads: Int; let kvHeads: Int; let headDim: Int; let T: Int; let pos0: Int }

    static let cases: [Case] = [
        Case(heads: 2, kvHeads: 1, headDim: 4, T: 1, pos0: 0), Case(heads: 2, kvHeads: 1, headDim: 4, T: 7, pos0: 0),
        Case(heads: 4, kvHeads: 2, headDim: 8, T: 1, pos0: 19), Case(heads: 9, kvHeads: 3, headDim: 64, T: 32, pos0: 0),
        Case(heads: 9, kvHeads: 3, headDim: 64, T: 33, pos0: 0), Case(heads: 9, kvHeads: 3, headDim: 64, T: 100, pos0: 0),
        Case(heads: 9, kvHeads: 3, headDim: 64, T: 70, pos0: 45), Case(heads: 3, kvHeads: 3, headDim: 16, T: 65, pos0: 3),
        Case(heads: 4, kvHeads: 1, headDim: 8, T: 1, pos0: 200), Case(heads: 2, kvHeads: 1, headDim: 72, T: 9, pos0: 2),
        Case(heads: 6, kvHeads: 2, headDim: 12, T: 40, pos0: 0),
        // enough work to share the blocks among threads
        Case(heads: 9, kvHeads: 3, headDim: 64, T: 300, pos0: 0),
    ]

    /// Random q (T, QKV-wide rows, q first) and keys/values as a cache (Tk, kvDim) each.
    func inputs(_ c: Case, seed: UInt64) -> (s: AttentionShape, q: [Float], ldq: Int, keys: [Float], values: [Float]) {
        let s = AttentionShape(heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim)
        var rng = SeededRandom(seed: seed)
        func random(_ n: Int, _ scale: Double) -> [Float] { (0..<n).map { _ in Float((rng.nextUnit() * 2 - 1) * scale) } }
        let ldq = s.qkvDim, Tk = c.pos0 + c.T
        // scale 2: scores of a few units, so the softmax is neither flat nor one-hot
        return (s, random(c.T * ldq, 2), ldq, random(Tk * s.kvDim, 2), random(Tk * s.kvDim, 1))
    }

    func run(_ c: Case, _ x: (s: AttentionShape, q: [Float], ldq: Int, keys: [Float], values: [Float]),
             keepProbs: Bool) -> (out: [Float], probs: [Float]) {
        let Tk = c.pos0 + c.T
        var out = [Float](repeating: .nan, count: c.T * x.s.dim)
        var probs = [Float](repeating: .nan, count: keepProbs ? c.heads * c.T * Tk : 0)
        probs.withUnsafeMutableBufferPointer { p in
            Attention.forward(x.s, q: x.q, ldq: x.ldq, keys: x.keys, values: x.values, ldkv: x.s.kvDim, rows: c.T,
                              keys: Tk, pos0: c.pos0, probs: keepProbs ? p.baseAddress! : nil, out: &out)
        }
        return (out, probs)
    }

    func testMatchesTheScalarAttentionItReplaced() {
        for (n, c) in Self.cases.enumerated() {
            let x = inputs(c, seed: UInt64(n)), Tk = c.pos0 + c.T
            var out = [Float](repeating: 0, count: c.T * x.s.dim), probs = [Float](repeating: 0, count: c.heads * c.T * Tk)
            Self.scalarReference(x.s, q: x.q, ldq: x.ldq, keys: x.keys, values: x.values, ldkv: x.s.kvDim, rows: c.T,
                                 keys: Tk, pos0: c.pos0, probs: &probs, out: &out)
            let new = run(c, x, keepProbs: true)
            assertClose(new.out, out, tolerance: 2e-6, "out, \(c)")
            assertClose(new.probs, probs, tolerance: 2e-6, "probs, \(c)")
            // zero above the diagonal, rows summing to 1
            for h in 0..<c.heads {
                for t in 0..<c.T {
                    let row = new.probs[((h * c.T + t) * Tk)..<((h * c.T + t + 1) * Tk)]
                    XCTAssertTrue(row.dropFirst(c.pos0 + t + 1).allSatisfy { $0 == 0 }, "masked keys, \(c) h \(h) t \(t)")
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5, "row sum, \(c) h \(h) t \(t)")
                }
            }
        }
    }

    func testMatchesADoubleReference() {
        for (n, c) in Self.cases.enumerated() {
            let x = inputs(c, seed: 100 + UInt64(n))
            let want = Self.doubleReference(x.s, q: x.q, ldq: x.ldq, keys: x.keys, values: x.values, ldkv: x.s.kvDim,
                                            rows: c.T, pos0: c.pos0)
            assertClose(run(c, x, keepProbs: false).out, want, tolerance: 1e-5, "\(c)")
        }
    }

    /// Keeping the probabilities only copies them out: the output is the same bits either way, so a
    /// hook on the pattern that changes nothing changes no output.
    func testKeepingTheProbabilitiesChangesNoBit() {
        for (n, c) in Self.cases.enumerated() {
            let x = inputs(c, seed: 200 + UInt64(n))
            XCTAssertEqual(run(c, x, keepProbs: true).out.map(\.bitPattern), run(c, x, keepProbs: false).out.map(\.bitPattern), "\(c)")
        }
    }

    /// Every kernel the attention uses gives the same bits on the portable and the AVX2 path.
    func testThePortablePathGivesTheSameBits() throws {
        guard ie_kernel_path_supported() >= IE_PATH_AVX2 else { throw XCTSkip("this CPU has no AVX2: only the portable path runs") }
        defer { _ = ie_set_kernel_path(-1) }
        for (n, c) in Self.cases.enumerated() {
            let x = inputs(c, seed: 400 + UInt64(n))
            _ = ie_set_kernel_path(Int32(IE_PATH_AVX2))
            let vector = run(c, x, keepProbs: true)
            _ = ie_set_kernel_path(Int32(IE_PATH_PORTABLE))
            let portable = run(c, x, keepProbs: true)
            XCTAssertEqual(vector.out.map(\.bitPattern), portable.out.map(\.bitPattern), "out, \(c)")
            XCTAssertEqual(vector.probs.map(\.bitPattern), portable.probs.map(\.bitPattern), "probs, \(c)")
        }
    }

    /// Rows of a longer sequence do not depend on how it is cut into cached chunks (to float
    /// tolerance: the products see other shapes).
    func testAChunkAfterACacheEqualsTheWholeSequence() {
        let c = Case(heads: 9, kvHeads: 3, headDim: 64, T: 80, pos0: 0)
        let x = inputs(c, seed: 300), whole = run(c, x, keepProbs: false).out
        let cut = 50, tail = Case(heads: 9, kvHeads: 3, headDim: 64, T: c.T - cut, pos0: cut)
        let q = Array(x.q[(cut * x.ldq)...])
        let part = run(tail, (x.s, q, x.ldq, x.keys, x.values), keepProbs: false).out
        assertClose(part, Array(whole[(cut * x.s.dim)...]), tolerance: 1e-6, "rows \(cut)..<\(c.T)")
    }
}
