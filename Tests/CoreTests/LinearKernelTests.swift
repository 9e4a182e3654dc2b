import CKernels
import XCTest
@testable import Core

/// The linear-layer kernel (Sources/CKernels) against a Double reference, and its arithmetic
/// contract: one fixed sequence of operations per output, whatever the batch, the split over
/// threads or the instruction set.
final class LinearKernelTests: XCTestCase {
    private func random(_ count: Int, _ rng: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) }
    }

    /// y = x Wᵀ (+ beta·y) by the kernel over all rows of W.
    private func kernel(_ x: [Float], _ w: [Float], T: Int, K: Int, N: Int, rows: Range<Int>? = nil,
                        beta: Float = 0, into y0: [Float]? = nil) -> [Float] {
        var y = y0 ?? [Float](repeating: .nan, count: T * N)
        let r = rows ?? 0..<N
        ie_linear_forward(x, Int32(T), Int32(K), Int32(K), w, Int32(r.lowerBound), Int32(r.upperBound), &y, Int32(N), beta)
        return y
    }

    private let shapes = [(T: 1, K: 8, N: 1), (2, 13, 3), (3, 64, 4), (4, 100, 5), (7, 7, 9), (11, 576, 6),
                          (16, 33, 17), (33, 40, 3), (130, 24, 7)]

    /// Random x (T, K) and W (N, K) for every shape, tile remainders and K mod 8 tails included.
    private func forEachShape(seed: UInt64, _ body: (_ T: Int, _ K: Int, _ N: Int, _ x: [Float], _ w: [Float]) -> Void) {
        var rng = SeededRandom(seed: seed)
        for (T, K, N) in shapes { body(T, K, N, random(T * K, &rng), random(N * K, &rng)) }
    }

    func testMatchesDoubleReference() {
        checkAgainstDouble("widest path", seed: 5)
    }

    func testRowsDoNotDependOnTheBatchOrTheSplit() {
        forEachShape(seed: 6) { T, K, N, x, w in
            let whole = kernel(x, w, T: T, K: K, N: N)
            for t in 0..<T {
                let alone = kernel(Array(x[(t * K)..<((t + 1) * K)]), w, T: 1, K: K, N: N)
                XCTAssertEqual(alone.map(\.bitPattern), whole[(t * N)..<((t + 1) * N)].map(\.bitPattern), "row \(t) of T \(T) K \(K)")
            }
            // Output rows cut at an odd boundary, as the threads of `Linear.forward` cut them.
            let cut = N / 2 + N % 2
            var split = kernel(x, w, T: T, K: K, N: N, rows: 0..<cut)
            split = kernel(x, w, T: T, K: K, N: N, rows: cut..<N, into: split)
            XCTAssertEqual(split.map(\.bitPattern), whole.map(\.bitPattern), "split at \(cut) of T \(T) K \(K) N \(N)")
        }
    }

    func testPortablePathGivesTheSameBits() {
        // Without AVX2 both runs take the portable path and the comparison holds trivially.
        var rng = SeededRandom(seed: 7)
        for (T, K, N) in shapes {
            let x = random(T * K, &rng), w = random(N * K, &rng), y0 = random(T * N, &rng)
            let fast = kernel(x, w, T: T, K: K, N: N, beta: 0.5, into: y0)
            _ = ie_set_kernel_path(Int32(IE_PATH_PORTABLE))
            XCTAssertEqual(ie_kernels_vectorised(), 0)
            let portable = kernel(x, w, T: T, K: K, N: N, beta: 0.5, into: y0)
            _ = ie_set_kernel_path(-1)
            XCTAssertEqual(fast.map(\.bitPattern), portable.map(\.bitPattern), "T \(T) K \(K) N \(N)")
        }
    }

    func testBetaAddsTheOldValues() {
        var rng = SeededRandom(seed: 8)
        let (T, K, N) = (5, 40, 6)
        let x = random(T * K, &rng), w = random(N * K, &rng), y0 = random(T * N, &rng)
        let plain = kernel(x, w, T: T, K: K, N: N)
        let added = kernel(x, w, T: T, K: K, N: N, beta: 1, into: y0)
        XCTAssertEqual(added, zip(plain, y0).map { $0 + $1 })
        // beta 0 ignores what was there, NaN included.
        let fresh = kernel(x, w, T: T, K: K, N: N, into: [Float](repeating: .nan, count: T * N))
        XCTAssertEqual(fresh, plain)
    }

    func testThreadedLayerEqualsOneCall() {
        var rng = SeededRandom(seed: 9)
        let (T, K, N) = (9, 128, 301)   // enough work to be split over the cores
        XCTAssertGreaterThanOrEqual(T * K * N, Linear.parallelWork)
        let x = random(T * K, &rng), w = random(N * K, &rng)
        var y = [Float](repeating: 0, count: T * N)
        Linear.forward(x, w, rows: T, in: K, out: N, &y)
        XCTAssertEqual(y.map(\.bitPattern), kernel(x, w, T: T, K: K, N: N).map(\.bitPattern))
    }

    // MARK: - Each vector path (ckernels.h: IE_PATH_PORTABLE, IE_PATH_AVX2, IE_PATH_AVX512)

    override func tearDown() { _ = ie_set_kernel_path(-1) }

    /// Runs `body` on `path`, or skips, saying why, when this CPU cannot run it.
    private func onPath(_ path: Int32, _ body: () -> Void) throws {
        let names = [IE_PATH_PORTABLE: "portable", IE_PATH_AVX2: "AVX2/FMA", IE_PATH_AVX512: "AVX-512F"]
        guard ie_kernel_path_supported() >= path else {
            throw XCTSkip("this CPU has no \(names[Int(path)] ?? "?"): the \(names[Int(path)] ?? "?") path cannot run here")
        }
        XCTAssertEqual(ie_set_kernel_path(path), path)
        body()
        _ = ie_set_kernel_path(-1)
    }

    private func checkAgainstDouble(_ label: String, seed: UInt64 = 12) {
        forEachShape(seed: seed) { T, K, N, x, w in
            let y = kernel(x, w, T: T, K: K, N: N)
            for t in 0..<T {
                for n in 0..<N {
                    var s = 0.0, scale = 0.0
                    for k in 0..<K { s += Double(x[t * K + k]) * Double(w[n * K + k]); scale += abs(Double(x[t * K + k] * w[n * K + k])) }
                    XCTAssertEqual(Double(y[t * N + n]), s, accuracy: 1e-6 * max(scale, 1), "\(label): T \(T) K \(K) N \(N) at (\(t), \(n))")
                }
            }
        }
    }

    func testPortablePathMatchesDoubleReference() throws {
        try onPath(Int32(IE_PATH_PORTABLE)) { checkAgainstDouble("portable") }
    }

    func testAVX2PathMatchesDoubleReference() throws {
        try onPath(Int32(IE_PATH_AVX2)) { checkAgainstDouble("avx2") }
    }

    /// The 16-lane path keeps two rows of x's eight lanes in one register, so it gives the AVX2
    /// path's bits (tiles of 6 weight rows × 8 rows of x here, 4 × 3 there: odd row counts of x
    /// test the half-empty register, every remainder of both tiles is covered).
    func testAVX512PathMatchesDoubleReferenceAndAVX2Bits() throws {
        var avx2: [[UInt32]] = []
        try onPath(Int32(IE_PATH_AVX2)) {
            forEachShape(seed: 13) { T, K, N, x, w in avx2.append(kernel(x, w, T: T, K: K, N: N, beta: 0.5, into: [Float](repeating: 0.25, count: T * N)).map(\.bitPattern)) }
        }
        try onPath(Int32(IE_PATH_AVX512)) {
            XCTAssertEqual(String(cString: ie_kernel_path_name()), "avx512")
            checkAgainstDouble("avx512")
            var i = 0
            forEachShape(seed: 13) { T, K, N, x, w in
                let y = kernel(x, w, T: T, K: K, N: N, beta: 0.5, into: [Float](repeating: 0.25, count: T * N))
                XCTAssertEqual(y.map(\.bitPattern), avx2[i], "T \(T) K \(K) N \(N)")
                i += 1
            }
            for N in 1...17 {   // every row-tile remainder
                var rng = SeededRandom(seed: UInt64(N))
                let x = random(5 * 24, &rng), w = random(N * 24, &rng)
                let wide = kernel(x, w, T: 5, K: 24, N: N)
                _ = ie_set_kernel_path(Int32(IE_PATH_AVX2))
                let narrow = kernel(x, w, T: 5, K: 24, N: N)
                _ = ie_set_kernel_path(Int32(IE_PATH_AVX512))
                XCTAssertEqual(wide.map(\.bitPattern), narrow.map(\.bitPattern), "N \(N)")
            }
            for T in 1...19 {   // every remainder of the 8-row tile of x, with K mod 8 tails
                var rng = SeededRandom(seed: UInt64(100 + T))
                let x = random(T * 21, &rng), w = random(7 * 21, &rng)
                let wide = kernel(x, w, T: T, K: 21, N: 7, beta: 0.5, into: [Float](repeating: 0.25, count: T * 7))
                _ = ie_set_kernel_path(Int32(IE_PATH_AVX2))
                let narrow = kernel(x, w, T: T, K: 21, N: 7, beta: 0.5, into: [Float](repeating: 0.25, count: T * 7))
                _ = ie_set_kernel_path(Int32(IE_PATH_AVX512))
                XCTAssertEqual(wide.map(\.bitPattern), narrow.map(\.bitPattern), "T \(T)")
            }
            // Strided x and W (keys in a cache, a fused q | k | v row).
            var rng = SeededRandom(seed: 7)
            let (T, K, N, ldx, ldw) = (9, 29, 11, 35, 40)
            let x = random(T * ldx, &rng), w = random(N * ldw, &rng)
            func strided() -> [UInt32] {
                var y = [Float](repeating: 0, count: T * N)
                ie_linear_forward_ldw(x, Int32(T), Int32(K), Int32(ldx), w, Int32(ldw), 0, Int32(N), &y, Int32(N), 0)
                return y.map(\.bitPattern)
            }
            let wide = strided()
            _ = ie_set_kernel_path(Int32(IE_PATH_AVX2))
            XCTAssertEqual(wide, strided())
            _ = ie_set_kernel_path(Int32(IE_PATH_AVX512))
        }
    }

    func testThePathInUseIsTheWidestSupported() {
        _ = ie_set_kernel_path(-1)
        let names: [Int32: String] = [Int32(IE_PATH_PORTABLE): "portable", Int32(IE_PATH_AVX2): "avx2", Int32(IE_PATH_AVX512): "avx512"]
        XCTAssertEqual(String(cString: ie_kernel_path_name()), names[ie_kernel_path_supported()])
        // asking for a wider path than the CPU has gives the widest it has
        XCTAssertEqual(ie_set_kernel_path(Int32(IE_PATH_AVX512)), ie_kernel_path_supported())
    }
}

