import XCTest
@testable import Core

final class MENDRunningStatsTests: XCTestCase {
    /// Batches of uneven sizes merged one after another equal a two-pass computation over all rows.
    func testWelfordMergeMatchesTwoPass() {
        var rng = SeededRandom(seed: 21)
        let width = 5
        var stats = MENDRunningStats(width: width)
        var all: [Float] = []
        for size in [1, 7, 2, 30, 1, 13] {
            // Large offset and small spread: a naive sum of squares would lose the variance.
            let rows = randomFloats(size * width, &rng, scale: 0.01, mean: 1000)
            rows.withUnsafeBufferPointer { stats.update(rows: $0.baseAddress!, count: size) }
            all += rows
        }
        let n = all.count / width
        XCTAssertEqual(stats.count, n)
        let variance = stats.variance
        for j in 0..<width {
            let col = (0..<n).map { Double(all[$0 * width + j]) }
            let mean = col.reduce(0, +) / Double(n)
            let v = col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
            XCTAssertEqual(stats.mean[j], mean, accuracy: 1e-9 * abs(mean))
            XCTAssertEqual(variance[j], v, accuracy: 1e-9 * v)
        }
    }

    func testFewerThanTwoRowsNormaliseAsStandard() {
        var stats = MENDRunningStats(width: 2)
        XCTAssertEqual(stats.variance, [1, 1])
        let row: [Float] = [3, -4]
        row.withUnsafeBufferPointer { stats.update(rows: $0.baseAddress!, count: 1) }
        XCTAssertEqual(stats.count, 1)
        let (shift, scale) = stats.normaliser(epsilon: 1e-7)
        XCTAssertEqual(shift, [0, 0])
        XCTAssertEqual(scale[0], 1, accuracy: 1e-6)
        row.withUnsafeBufferPointer { stats.update(rows: $0.baseAddress!, count: 0) }
        XCTAssertEqual(stats.count, 1)
    }
}
