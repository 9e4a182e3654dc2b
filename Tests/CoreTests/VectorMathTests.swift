import CKernels
import Foundation
import XCTest
@testable import Core

/// The vectorised exp, softmax and SwiGLU of CKernels (vecmath.c): accuracy against Double, the
/// special values, and the same bits from the AVX2 and the portable path.
final class VectorMathTests: XCTestCase {
    override func tearDown() { _ = ie_set_kernel_path(-1) }

    private func exp(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        ie_exp(x, &y, Int32(x.count))
        return y
    }

    /// Every 1/4096-th step over the whole range where exp is a normal float, plus a dense stretch
    /// around 0: at most 2 ulp from the correctly rounded value (measured: under 1 ulp).
    func testExpIsWithinTwoUlpOverTheNormalRange() {
        var x: [Float] = stride(from: -87.33, through: 88.72, by: 1.0 / 4096).map { Float($0) }
        x += stride(from: -1.0, through: 1.0, by: 1.0 / 65536).map { Float($0) }
        for path in [IE_PATH_PORTABLE, IE_PATH_AVX2] {
            _ = ie_set_kernel_path(Int32(path))
            let y = exp(x)
            var worstUlp = 0.0, worstRelative = 0.0, at: Float = 0
            for (xi, yi) in zip(x, y) {
                let e = Foundation.exp(Double(xi)), ef = Float(e)
                let ulp = Double(ef.nextUp - ef)
                let u = abs(Double(yi) - e) / ulp
                if u > worstUlp { worstUlp = u; at = xi }
                worstRelative = max(worstRelative, abs(Double(yi) - e) / e)
            }
            print("exp, path \(path): largest error \(worstUlp) ulp at \(at), relative \(worstRelative)")
            XCTAssertLessThanOrEqual(worstUlp, 2, "path \(path) at \(at)")
            XCTAssertLessThanOrEqual(worstRelative, 2.5e-7, "path \(path)")
        }
    }

    func testExpSpecialValues() {
        let x: [Float] = [-.infinity, .infinity, .nan, -1000, 1000, 89, 88.8, -104.5, -0, 0, 1e-30, -87.5, -100,
                          .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        for path in [IE_PATH_PORTABLE, IE_PATH_AVX2] {
            _ = ie_set_kernel_path(Int32(path))
            // the same values in every lane position and in the scalar tail
            let y = exp(x + x + [1, 2, 3])
            for (i, xi) in x.enumerated() {
                let want = Foundation.exp(xi)
                for got in [y[i], y[i + x.count]] {
                    if want.isNaN { XCTAssertTrue(got.isNaN, "exp(\(xi)), path \(path)"); continue }
                    if want == 0 || want.isInfinite || want < Float.leastNormalMagnitude {
                        // subnormal results: within one subnormal step
                        XCTAssertEqual(got, want, accuracy: Float.leastNonzeroMagnitude, "exp(\(xi)), path \(path)")
                    } else {
                        XCTAssertEqual(got, want, accuracy: 2 * want.ulp, "exp(\(xi)), path \(path)")
                    }
                }
            }
        }
    }

    func testPathsGiveTheSameBits() throws {
        guard ie_kernel_path_supported() >= IE_PATH_AVX2 else { throw XCTSkip("this CPU has no AVX2: only the portable path runs") }
        var rng = SeededRandom(seed: 9)
        let x = (0..<10_003).map { _ in Float(rng.nextUnit() * 240 - 120) }
        let gate = (0..<3001).map { _ in Float(rng.nextUnit() * 24 - 12) }, up = gate.map { $0 * 0.3 + 1 }
        let da = gate.map { 1 - $0 * 0.1 }
        func all() -> [[Float]] {
            var s = Array(x[0..<1000]).map { $0 / 10 }
            ie_softmax(&s, 997, 1000, 0.125)
            var act = [Float](repeating: 0, count: gate.count), dg = act, du = act
            ie_swiglu_forward(gate, up, &act, Int32(gate.count))
            ie_swiglu_backward(da, gate, up, &dg, &du, Int32(gate.count))
            var pv = [Float](repeating: 0, count: 6 * 76)
            ie_attend_values(up, 6, 100, 30, 2, gate, 76, 76, &pv, 76)   // rows see 30...32 keys of 39
            return [exp(x), s, act, dg, du, pv]
        }
        _ = ie_set_kernel_path(Int32(IE_PATH_PORTABLE))
        let portable = all()
        _ = ie_set_kernel_path(Int32(IE_PATH_AVX2))
        XCTAssertEqual(String(cString: ie_kernel_path_name()), "avx2")
        let vector = all()
        for (i, (a, b)) in zip(portable, vector).enumerated() {
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "output \(i)")
        }
    }

    func testSoftmaxMatchesDouble() {
        var rng = SeededRandom(seed: 10)
        for n in [1, 7, 8, 9, 64, 257, 4000] {
            for scale: Float in [1, 0.37] {
                let x = (0..<n).map { _ in Float(rng.nextUnit() * 30 - 15) }
                var y = x + [5, 5, 5]
                ie_softmax(&y, Int32(n), Int32(n + 3), scale)
                let scaled = x.map { Double($0 * scale) }
                let m = scaled.max()!, e = scaled.map { Foundation.exp($0 - m) }, s = e.reduce(0, +)
                for i in 0..<n { XCTAssertEqual(Double(y[i]), e[i] / s, accuracy: 1e-6 * max(e[i] / s, 1e-3), "n \(n) scale \(scale) at \(i)") }
                XCTAssertEqual(Array(y[n...]), [0, 0, 0], "past n: zero")
            }
        }
    }

    /// out = P V over the keys each row sees, for head sizes that use 1-8 vector registers and a
    /// scalar tail.
    func testAttendValuesMatchesDouble() {
        var rng = SeededRandom(seed: 15)
        for hd in [4, 8, 12, 64, 72, 136] {
            let (rows, seen, group, first, ldv) = (7, 40, 3, 30, hd + 5)
            let p = (0..<(rows * seen)).map { _ in Float(rng.nextUnit()) }, v = (0..<(seen * ldv)).map { _ in Float(rng.nextUnit() * 2 - 1) }
            var out = [Float](repeating: .nan, count: rows * hd)
            ie_attend_values(p, Int32(rows), Int32(seen), Int32(first), Int32(group), v, Int32(ldv), Int32(hd), &out, Int32(hd))
            for r in 0..<rows {
                for c in 0..<hd {
                    var want = 0.0
                    for j in 0..<(first + r / group) { want += Double(p[r * seen + j]) * Double(v[j * ldv + c]) }
                    XCTAssertEqual(Double(out[r * hd + c]), want, accuracy: 1e-5, "hd \(hd) at (\(r), \(c))")
                }
            }
        }
    }

    func testSwiGLUMatchesTheScalarFormula() {
        var rng = SeededRandom(seed: 11)
        let n = 1000
        let g = (0..<n).map { _ in Float(rng.nextUnit() * 40 - 20) }, u = (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let da = (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) }
        var act = [Float](repeating: 0, count: n), dg = act, du = act
        ie_swiglu_forward(g, u, &act, Int32(n))
        ie_swiglu_backward(da, g, u, &dg, &du, Int32(n))
        for i in 0..<n {
            let gd = Double(g[i]), ud = Double(u[i]), dad = Double(da[i])
            let sig = 1 / (1 + Foundation.exp(-gd)), tolerance = 1e-6 * max(1, abs(gd))
            let wantAct: Double = gd * sig * ud
            let wantGate: Double = dad * ud * sig * (1 + gd * (1 - sig))
            let wantUp: Double = dad * gd * sig
            XCTAssertEqual(Double(act[i]), wantAct, accuracy: tolerance, "act \(i)")
            XCTAssertEqual(Double(dg[i]), wantGate, accuracy: tolerance, "dgate \(i)")
            XCTAssertEqual(Double(du[i]), wantUp, accuracy: tolerance, "dup \(i)")
        }
    }
}
