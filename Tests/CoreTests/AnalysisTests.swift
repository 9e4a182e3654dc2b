import XCTest
@testable import Core

final class AnalysisTests: XCTestCase {
    /// Points c + t·v on a line in `d` dimensions.
    private func line(n: Int, d: Int, seed: UInt64) throws -> (x: Tensor, v: Tensor, t: [Float]) {
        let v = try Tensor.randn([d], seed: seed)
        let unit = v.div(try v.norm())
        let c = try Tensor.randn([d], seed: seed + 1)
        let t = (0..<n).map { Float($0) * 0.5 - 3 }
        let rows = try t.map { try c.add(unit.mul($0)) }
        return (try Tensor.stack(rows), unit, t)
    }

    func testPCAOfPointsOnALineBothRoutes() throws {
        for (n, d) in [(20, 5), (6, 50)] {  // covariance route, then Gram route
            let (x, v, t) = try line(n: n, d: d, seed: UInt64(n))
            let r = try PCA.fit(x, components: 2)
            XCTAssertEqual(r.explainedVarianceRatio.data[0], 1, accuracy: 1e-4, "n=\(n) d=\(d)")
            XCTAssertEqual(r.explainedVarianceRatio.data[1], 0, accuracy: 1e-4)
            let tMean = t.reduce(0, +) / Float(n)
            let tVar = t.reduce(0) { $0 + ($1 - tMean) * ($1 - tMean) } / Float(n - 1)
            XCTAssertEqual(r.explainedVariance.data[0], tVar, accuracy: 1e-3 * tVar)
            // The first component is ±v, signed so its largest entry is positive.
            let pc = try r.components.select(0, 0)
            let sign: Float = v.data[try v.abs().argmax()] > 0 ? 1 : -1
            XCTAssertTrue(pc.allclose(v.mul(sign), atol: 1e-4), "n=\(n) d=\(d)")
            for i in 0..<n { XCTAssertEqual(try r.coordinates.element(at: [i, 0]), sign * (t[i] - tMean), accuracy: 1e-3) }
            XCTAssertTrue(r.mean.allclose(try x.mean(dim: 0), atol: 1e-5))
        }
    }

    func testPCAHandExample() throws {
        let x = try Tensor(rows: [[2, 0], [-2, 0], [0, 1], [0, -1]])
        let r = try PCA.fit(x, components: 2)
        XCTAssertTrue(r.explainedVariance.allclose(Tensor([8.0 / 3, 2.0 / 3]), atol: 1e-5))
        XCTAssertTrue(r.explainedVarianceRatio.allclose(Tensor([0.8, 0.2]), atol: 1e-6))
        XCTAssertTrue(r.components.allclose(try Tensor.eye(2), atol: 1e-6))
        XCTAssertTrue(r.coordinates.allclose(x, atol: 1e-6))
        XCTAssertEqual(r.totalVariance, 10.0 / 3, accuracy: 1e-9)
    }

    func testGramAndCovarianceRoutesAgreeAndReconstruct() throws {
        let x = try Tensor.randn([12, 7], seed: 3).mul(Tensor([3, 2, 1.5, 1, 0.7, 0.4, 0.2]))
        let rows = try SampleRows(x, op: "test")
        let cov = try PCA.fit(rows, 7, gram: false), gram = try PCA.fit(rows, 7, gram: true)
        XCTAssertTrue(cov.explainedVariance.allclose(gram.explainedVariance, rtol: 1e-4, atol: 1e-5))
        XCTAssertTrue(cov.components.allclose(gram.components, atol: 1e-3))
        XCTAssertTrue(cov.coordinates.allclose(gram.coordinates, atol: 1e-3))
        // Full rank: coordinates · components + mean gives the data back, components are orthonormal.
        let back = try cov.coordinates.matmul(cov.components).add(cov.mean)
        XCTAssertTrue(back.allclose(x, atol: 1e-4))
        XCTAssertTrue(try cov.components.matmul(cov.components.t()).allclose(Tensor.eye(7), atol: 1e-5))
        let ratios = cov.explainedVarianceRatio.data
        XCTAssertEqual(ratios.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(ratios, ratios.sorted(by: >))
    }

    func testWideSamplesAsAList() throws {
        // 30 samples of 50,000 features in 3 groups along 3 hidden directions, given as a list.
        var rng = TensorRNG(seed: 7)
        let directions = try (0..<3).map { try Tensor.randn([50_000], seed: 100 + UInt64($0)) }
        var samples: [Tensor] = []
        var labels: [String] = []
        for i in 0..<30 {
            let g = i % 3
            samples.append(try directions[g].mul(3).add(Tensor.randn([50_000], using: &rng).mul(0.5)).reshape([250, 200]))
            labels.append("task\(g)")
        }
        let r = try PCA.fit(samples: samples, components: 2)
        XCTAssertEqual(r.components.shape, [2, 50_000])
        XCTAssertGreaterThan(r.explainedVarianceRatio.data[0] + r.explainedVarianceRatio.data[1], 0.5)
        XCTAssertEqual(try r.components.select(0, 0).norm(), 1, accuracy: 1e-4)
        let s = try ClusterSeparation.silhouette(r.coordinates, labels: labels)
        XCTAssertGreaterThan(s.score, 0.8)
        let raw = try ClusterSeparation.silhouette(samples: samples, labels: labels)
        XCTAssertGreaterThan(raw.score, 0.3)
    }

    func testPCAErrors() throws {
        let x = try Tensor.randn([5, 3], seed: 1)
        XCTAssertThrowsError(try PCA.fit(x, components: 4)) { XCTAssertTrue("\($0)".contains("components = 4")) }
        XCTAssertThrowsError(try PCA.fit(x.narrow(0, start: 0, length: 1), components: 1)) { XCTAssertTrue("\($0)".contains("at least 2 samples")) }
        XCTAssertThrowsError(try PCA.fit(samples: [Tensor([1, 2]), Tensor([1, 2, 3])], components: 1)) { XCTAssertTrue("\($0)".contains("sample 1 has 3 values")) }
        XCTAssertThrowsError(try PCA.fit(Tensor([1, 2, 3]), components: 1)) { XCTAssertTrue("\($0)".contains("2-D")) }
    }

    func testSilhouetteByHand() throws {
        // Groups {0, 1} and {4, 5} on a line: s = 3.5/4.5 for the outer points, 2.5/3.5 for the inner.
        let x = Tensor(shape: [4, 1], data: [0, 1, 4, 5])
        let r = try ClusterSeparation.silhouette(x, labels: ["a", "a", "b", "b"])
        let outer = 3.5 / 4.5, inner = 2.5 / 3.5
        for (got, want) in zip(r.perPoint, [outer, inner, inner, outer]) { XCTAssertEqual(got, want, accuracy: 1e-6) }
        XCTAssertEqual(r.score, (outer + inner) / 2, accuracy: 1e-6)
        XCTAssertEqual(r.perCluster.map(\.label), ["a", "b"])
        XCTAssertEqual(r.perCluster[1].score, (outer + inner) / 2, accuracy: 1e-6)
        // Between/within sums of squares: 2·2² + 2·2² = 16 over 4 · 0.25 = 1.
        XCTAssertEqual(try ClusterSeparation.varianceRatio(x, labels: ["a", "a", "b", "b"]), 16, accuracy: 1e-4)
    }

    func testSilhouetteSeparatedVersusMixed() throws {
        var rng = TensorRNG(seed: 5)
        var rows: [Tensor] = [], labels: [String] = []
        for i in 0..<60 {
            let centre = Tensor([Float(i % 3) * 10, Float(i % 3 == 1 ? 10 : 0)])
            rows.append(try centre.add(Tensor.randn([2], using: &rng)))
            labels.append(["x", "y", "z"][i % 3])
        }
        let points = try Tensor.stack(rows)
        let separated = try ClusterSeparation.silhouette(points, labels: labels)
        XCTAssertGreaterThan(separated.score, 0.8)
        // Labels that ignore the geometry: one label per block of 20 mixes all three blobs.
        let mixed = try ClusterSeparation.silhouette(points, labels: (0..<60).map { "g\($0 / 20)" })
        XCTAssertLessThan(Swift.abs(mixed.score), 0.1)
        XCTAssertGreaterThan(try ClusterSeparation.varianceRatio(points, labels: labels), 10)
        XCTAssertLessThan(try ClusterSeparation.varianceRatio(points, labels: (0..<60).map { "g\($0 / 20)" }), 0.2)
    }

    func testSilhouetteSingletonAndErrors() throws {
        let x = Tensor(shape: [3, 1], data: [0, 1, 9])
        let r = try ClusterSeparation.silhouette(x, labels: ["a", "a", "b"])
        XCTAssertEqual(r.perPoint[2], 0)
        XCTAssertThrowsError(try ClusterSeparation.silhouette(x, labels: ["a", "a", "a"])) { XCTAssertTrue("\($0)".contains("distinct labels")) }
        XCTAssertThrowsError(try ClusterSeparation.silhouette(x, labels: ["a", "b"])) { XCTAssertTrue("\($0)".contains("2 labels for 3 points")) }
    }
}

extension AnalysisTests {
    func testPCAScatterChart() throws {
        let r = try PCA.fit(Tensor(rows: [[2, 0], [-2, 0], [0, 1], [0, -1]]), components: 2)
        let chart = try r.scatterChart(groups: ["a", "a", "b", "b"], title: "E6")
        XCTAssertEqual(chart.xLabel, "PC 1 (80.0%)")
        XCTAssertEqual(chart.yLabel, "PC 2 (20.0%)")
        guard case .scatter(let points) = chart.content else { return XCTFail("not a scatter") }
        XCTAssertEqual(points.x, [2, -2, 0, 0])
        XCTAssertThrowsError(try r.scatterChart(groups: ["a"]))
        XCTAssertTrue(try Plot.svg(PlotScene(chart)).contains("PC 1 (80.0%)"))
    }
}
