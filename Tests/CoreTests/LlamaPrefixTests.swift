import XCTest
@testable import Core
import TestSupport

/// A residual computed from a cached prefix equals the one computed over the whole input.
final class LlamaPrefixTests: XCTestCase {
    func testPrefixResidualEqualsFullResidual() throws {
        let m = try TinyModel.model(config: .tiny, seed: 3)
        let tokens = (0..<23).map { ($0 * 37 + 5) % m.config.vocab }
        let prefix = try LlamaPrefix(m.weights, tokens: Array(tokens.prefix(9)), atBlock: m.config.layers)
        for n in [9, 10, 23] {
            let full = try LlamaTraining.residual(m.weights, tokens: Array(tokens.prefix(n)), atBlock: m.config.layers)
            let cached = try LlamaTraining.residual(m.weights, tokens: Array(tokens.prefix(n)), atBlock: m.config.layers, prefix: prefix)
            XCTAssertEqual(full.count, cached.count)
            for (a, b) in zip(full, cached) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a))) }
        }
        XCTAssertThrowsError(try LlamaTraining.residual(m.weights, tokens: [1, 2, 3], atBlock: m.config.layers, prefix: prefix))
    }
}
