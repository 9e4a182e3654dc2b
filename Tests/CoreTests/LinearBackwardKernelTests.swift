import CKernels
import XCTest
@testable import Core

/// The backward kernels of a linear layer (Sources/CKernels/linear_backward.c) against a Double
/// reference, and their contract: each output one chain of fused multiply-adds in a fixed order,
/// so every vector path, every split over threads and every batch of rows gives the same bits.
final class LinearBackwardKernelTests: XCTestCase {
    override func tearDown() { _ = ie_set_kernel_path(-1) }

    private func random(_ count: Int, _ rng: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) }
    }

    /// (T rows, m outputs, n inputs): every remainder of the 6-row tiles, of the 64- and 16-column
    /// (AVX-512) and 16- and 8-column (AVX2) tiles, and W taller than one cached block of its rows.
    private let shapes = [(T: 1, m: 5, n: 3), (2, 13, 17), (3, 64, 64), (5, 100, 81), (7, 7, 130), (11, 576, 40),
                          (13, 3000, 29), (6, 33, 200), (19, 9, 24)]

    /// The paths this CPU runs, narrowest first.
    private var paths: [Int32] { (Int32(IE_PATH_PORTABLE)...ie_kernel_path_supported()).map { $0 } }

    private func backwardInput(_ dy: [Float], _ w: [Float], T: Int, m: Int, n: Int, columns: [Range<Int>],
                               beta: Float, dx0: [Float]) -> [Float] {
        var dx = dx0
        for c in columns {
            ie_linear_backward_input(dy, Int32(T), Int32(m), Int32(m), w, Int32(n), Int32(c.lowerBound), Int32(c.upperBound), &dx, Int32(n), beta)
        }
        return dx
    }

    private func backwardWeight(_ dy: [Float], _ x: [Float], T: Int, m: Int, n: Int, rows: [Range<Int>], dw0: [Float]) -> [Float] {
        var dw = dw0
        for r in rows {
            ie_linear_backward_weight(dy, Int32(m), x, Int32(n), Int32(T), Int32(n), Int32(r.lowerBound), Int32(r.upperBound), &dw, Int32(n))
        }
        return dw
    }

    func testInputGradientMatchesDoubleOnEveryPathWithTheSameBits() {
        var rng = SeededRandom(seed: 21)
        for (T, m, n) in shapes {
            let dy = random(T * m, &rng), w = random(m * n, &rng), dx0 = random(T * n, &rng)
            for beta: Float in [0, 0.5] {
                var results: [[UInt32]] = []
                for path in paths {
                    _ = ie_set_kernel_path(path)
                    let whole = backwardInput(dy, w, T: T, m: m, n: n, columns: [0..<n], beta: beta, dx0: dx0)
                    let cut = n / 3 + 1   // an odd cut, as the threads of `Linear.backwardInput` make them
                    let split = backwardInput(dy, w, T: T, m: m, n: n, columns: [cut..<n, 0..<cut], beta: beta, dx0: dx0)
                    XCTAssertEqual(split.map(\.bitPattern), whole.map(\.bitPattern), "split, path \(path) T \(T) m \(m) n \(n)")
                    results.append(whole.map(\.bitPattern))
                    for t in 0..<T {
                        for j in 0..<n {
                            var s = beta == 0 ? 0 : Double(beta) * Double(dx0[t * n + j]), scale = abs(s)
                            for i in 0..<m { s += Double(dy[t * m + i]) * Double(w[i * n + j]); scale += abs(Double(dy[t * m + i] * w[i * n + j])) }
                            XCTAssertEqual(Double(whole[t * n + j]), s, accuracy: 1e-6 * max(scale, 1), "path \(path) T \(T) m \(m) n \(n) at (\(t), \(j))")
                        }
                    }
                    // Each row alone gives the row's bits of the batch.
                    let row = T - 1
                    let alone = backwardInput(Array(dy[(row * m)..<((row + 1) * m)]), w, T: 1, m: m, n: n, columns: [0..<n], beta: beta,
                                              dx0: Array(dx0[(row * n)..<((row + 1) * n)]))
                    XCTAssertEqual(alone.map(\.bitPattern), Array(whole[(row * n)..<((row + 1) * n)]).map(\.bitPattern))
                }
                for r in results.dropFirst() { XCTAssertEqual(r, results[0], "paths differ: T \(T) m \(m) n \(n) beta \(beta)") }
            }
        }
    }

    func testBetaZeroIgnoresWhatWasThere() {
        var rng = SeededRandom(seed: 22)
        let (T, m, n) = (4, 30, 70)
        let dy = random(T * m, &rng), w = random(m * n, &rng)
        for path in paths {
            _ = ie_set_kernel_path(path)
            let fromNaN = backwardInput(dy, w, T: T, m: m, n: n, columns: [0..<n], beta: 0, dx0: [Float](repeating: .nan, count: T * n))
            let fromZero = backwardInput(dy, w, T: T, m: m, n: n, columns: [0..<n], beta: 0, dx0: [Float](repeating: 0, count: T * n))
            XCTAssertEqual(fromNaN.map(\.bitPattern), fromZero.map(\.bitPattern), "path \(path)")
        }
    }

    func testWeightGradientAccumulatesAndMatchesDoubleOnEveryPathWithTheSameBits() {
        var rng = SeededRandom(seed: 23)
        for (T, m, n) in shapes {
            let dy = random(T * m, &rng), x = random(T * n, &rng), dw0 = random(m * n, &rng)
            var results: [[UInt32]] = []
            for path in paths {
                _ = ie_set_kernel_path(path)
                let whole = backwardWeight(dy, x, T: T, m: m, n: n, rows: [0..<m], dw0: dw0)
                let cut = m / 2 + 1
                let split = backwardWeight(dy, x, T: T, m: m, n: n, rows: [cut..<m, 0..<cut].filter { !$0.isEmpty }, dw0: dw0)
                XCTAssertEqual(split.map(\.bitPattern), whole.map(\.bitPattern), "split, path \(path) T \(T) m \(m) n \(n)")
                results.append(whole.map(\.bitPattern))
                for i in 0..<m {
                    for j in 0..<n {
                        var s = Double(dw0[i * n + j]), scale = abs(s)
                        for t in 0..<T { s += Double(dy[t * m + i]) * Double(x[t * n + j]); scale += abs(Double(dy[t * m + i] * x[t * n + j])) }
                        XCTAssertEqual(Double(whole[i * n + j]), s, accuracy: 1e-6 * max(scale, 1), "path \(path) T \(T) m \(m) n \(n) at (\(i), \(j))")
                    }
                }
            }
            for r in results.dropFirst() { XCTAssertEqual(r, results[0], "paths differ: T \(T) m \(m) n \(n)") }
        }
    }

    /// A column block of a wider dy (the gate half of a fused gate | up gradient).
    func testWeightGradientReadsAColumnBlockOfAWiderGradient() {
        var rng = SeededRandom(seed: 24)
        let (T, m, n, ldy) = (5, 20, 33, 50)
        let wide = random(T * ldy, &rng), x = random(T * n, &rng)
        var packed: [Float] = []
        for t in 0..<T { packed += wide[(t * ldy)..<(t * ldy + m)] }
        var fromWide = [Float](repeating: 0, count: m * n), fromPacked = fromWide
        ie_linear_backward_weight(wide, Int32(ldy), x, Int32(n), Int32(T), Int32(n), 0, Int32(m), &fromWide, Int32(n))
        ie_linear_backward_weight(packed, Int32(m), x, Int32(n), Int32(T), Int32(n), 0, Int32(m), &fromPacked, Int32(n))
        XCTAssertEqual(fromWide.map(\.bitPattern), fromPacked.map(\.bitPattern))
    }

    /// `Linear`'s threaded products equal one call of the kernel.
    func testThreadedProductsEqualOneCall() {
        var rng = SeededRandom(seed: 25)
        let (T, m, n) = (9, 301, 130)
        XCTAssertGreaterThanOrEqual(T * m * n, Linear.parallelWork)
        let dy = random(T * m, &rng), w = random(m * n, &rng), x = random(T * n, &rng)
        var dx = [Float](repeating: 0, count: T * n)
        Linear.backwardInput(dy, w, rows: T, in: n, out: m, &dx)
        XCTAssertEqual(dx.map(\.bitPattern), backwardInput(dy, w, T: T, m: m, n: n, columns: [0..<n], beta: 0, dx0: dx).map(\.bitPattern))
        var dw = [Float](repeating: 0.5, count: m * n)
        Linear.backwardWeight(dy, x, rows: T, in: n, out: m, &dw)
        XCTAssertEqual(dw.map(\.bitPattern),
                       backwardWeight(dy, x, T: T, m: m, n: n, rows: [0..<m], dw0: [Float](repeating: 0.5, count: m * n)).map(\.bitPattern))
    }
}
