import XCTest
@testable import Core

final class AdamTests: XCTestCase {
    /// Three steps against the textbook update computed by hand in Double.
    func testMatchesHandComputation() throws {
        var adam = Adam(count: 3, learningRate: 0.01)
        var params: [Float] = [1, -2, 0.5]
        let grads: [[Float]] = [[0.1, -0.3, 0], [0.2, 0.1, -1e-3], [-0.5, 0.4, 2]]
        var p = params.map(Double.init), m = [Double](repeating: 0, count: 3), v = m
        for (t, g) in grads.enumerated() {
            try params.withUnsafeMutableBufferPointer { pp in
                try g.withUnsafeBufferPointer { try adam.update(pp, gradients: $0) }
            }
            for i in 0..<3 {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
                let mh = m[i] / (1 - pow(0.9, Double(t + 1))), vh = v[i] / (1 - pow(0.999, Double(t + 1)))
                p[i] -= 0.01 * mh / (vh.squareRoot() + 1e-8)
            }
            for i in 0..<3 { XCTAssertEqual(Double(params[i]), p[i], accuracy: 1e-6, "step \(t + 1), parameter \(i)") }
        }
        XCTAssertEqual(adam.step, 3)
        // Restoring the saved state continues identically.
        var copy = try Adam(learningRate: adam.learningRate, beta1: adam.beta1, beta2: adam.beta2,
                            epsilon: adam.epsilon, step: adam.step, m: adam.m, v: adam.v)
        var a = params, b = params
        let g: [Float] = [0.3, 0.3, -0.3]
        try a.withUnsafeMutableBufferPointer { pp in try g.withUnsafeBufferPointer { try adam.update(pp, gradients: $0) } }
        try b.withUnsafeMutableBufferPointer { pp in try g.withUnsafeBufferPointer { try copy.update(pp, gradients: $0) } }
        XCTAssertEqual(a, b)
        XCTAssertEqual(adam, copy)
    }

    func testSizeMismatchThrows() {
        var adam = Adam(count: 2, learningRate: 1)
        var p: [Float] = [1, 2, 3]
        let g: [Float] = [1, 2, 3]
        XCTAssertThrowsError(try p.withUnsafeMutableBufferPointer { pp in
            try g.withUnsafeBufferPointer { try adam.update(pp, gradients: $0) }
        }) { XCTAssertTrue(($0 as? InstructEditError)?.message.contains("holds 2 parameters") ?? false) }
        XCTAssertThrowsError(try Adam(learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1, m: [1], v: []))
    }

    func testGlobalNormClipping() {
        var a: [Float] = [3, 0], b: [Float] = [4]
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                XCTAssertEqual(GradientClipping.globalNorm([pa, pb]), 5)
                XCTAssertEqual(GradientClipping.clip([pa, pb], maxNorm: 10), 5)      // below the limit: unchanged
                XCTAssertEqual(Array(pa) + Array(pb), [3, 0, 4])
                XCTAssertEqual(GradientClipping.clip([pa, pb], maxNorm: 1), 5)
                XCTAssertEqual(GradientClipping.globalNorm([pa, pb]), 1, accuracy: 1e-6)
                XCTAssertEqual(pa[0] / pb[0], 0.75, accuracy: 1e-6)                 // direction kept
                XCTAssertTrue(GradientClipping.allFinite([pa, pb]))
                pb[0] = .nan
                XCTAssertFalse(GradientClipping.allFinite([pa, pb]))
                XCTAssertTrue(GradientClipping.clip([pa, pb], maxNorm: 1).isNaN)
                XCTAssertEqual(pa[0], 0.6, accuracy: 1e-6, "a non-finite norm leaves the buffers alone")
                pb[0] = .infinity
                XCTAssertFalse(GradientClipping.allFinite([pa, pb]))
            }
        }
    }
}
