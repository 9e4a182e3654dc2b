import XCTest
import Foundation
@testable import Core

/// Losses and their gradients by finite differences; sampling statistics.
final class LossTests: XCTestCase {
    let vocab = 7
    func randomLogits(_ rows: Int, seed: UInt64, scale: Float = 3) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<(rows * vocab)).map { _ in scale * Float(2 * rng.nextUnit() - 1) }
    }

    func checkGradient(_ x: [Float], _ grad: [Float], _ f: ([Float]) throws -> Float, _ what: String) throws {
        let h: Float = 1e-2
        for i in x.indices {
            var a = x, b = x
            a[i] += h; b[i] -= h
            let fd = (Double(try f(a)) - Double(try f(b))) / Double(2 * h)
            XCTAssertEqual(Double(grad[i]), fd, accuracy: 5e-4, "\(what)[\(i)]")
        }
    }

    func testNLLValueAndGradient() throws {
        let logits = randomLogits(3, seed: 1), targets = [2, 0, 6]
        let (loss, grad) = try Loss.nll(logits: logits, vocab: vocab, targets: targets)
        var expected = 0.0
        for (i, t) in targets.enumerated() {
            let row = logits[(i * vocab)..<((i + 1) * vocab)].map(Double.init)
            expected += log(row.reduce(0) { $0 + exp($1) }) - row[t]
        }
        XCTAssertEqual(Double(loss), expected / 3, accuracy: 1e-5)
        try checkGradient(logits, grad, { try Loss.nll(logits: $0, vocab: vocab, targets: targets).loss }, "nll")
        // uniform logits: log V
        XCTAssertEqual(try Loss.nll(logits: [Float](repeating: 4, count: vocab), vocab: vocab, targets: [3]).loss,
                       Float(log(Double(vocab))), accuracy: 1e-6)
        // huge logits stay finite
        let big = try Loss.nll(logits: [1e4, -1e4, 0, 0, 0, 0, 0], vocab: vocab, targets: [1])
        XCTAssertEqual(big.loss, 2e4, accuracy: 1)
        XCTAssertTrue(big.dLogits.allSatisfy { $0.isFinite })
    }

    func testKLValueAndGradient() throws {
        let reference = randomLogits(2, seed: 2), logits = randomLogits(2, seed: 3)
        let (loss, grad) = try Loss.kl(referenceLogits: reference, logits: logits, vocab: vocab)
        var expected = 0.0
        for i in 0..<2 {
            let r = reference[(i * vocab)..<((i + 1) * vocab)].map(Double.init)
            let l = logits[(i * vocab)..<((i + 1) * vocab)].map(Double.init)
            let zr = r.reduce(0) { $0 + exp($1) }, zl = l.reduce(0) { $0 + exp($1) }
            for j in 0..<vocab { expected += exp(r[j]) / zr * ((r[j] - log(zr)) - (l[j] - log(zl))) }
        }
        XCTAssertEqual(Double(loss), expected / 2, accuracy: 1e-5)
        XCTAssertGreaterThan(loss, 0)
        try checkGradient(logits, grad, { try Loss.kl(referenceLogits: reference, logits: $0, vocab: vocab).loss }, "kl")
        let same = try Loss.kl(referenceLogits: logits, logits: logits, vocab: vocab)
        XCTAssertEqual(same.loss, 0, accuracy: 1e-6)
        XCTAssertTrue(same.dLogits.allSatisfy { abs($0) < 1e-6 })
    }

    func testHelpersAndErrors() throws {
        let logits: [Float] = [0, 3, 1, 3, 0, 0, 0, -1, -2, -3, -4, -5, -6, -0.5]
        XCTAssertEqual(try Loss.argmax(logits: logits, vocab: vocab), [1, 6])
        let ls = try Loss.logSoftmax(logits: logits, vocab: vocab)
        for i in 0..<2 { XCTAssertEqual(ls[(i * vocab)..<((i + 1) * vocab)].reduce(0) { $0 + exp($1) }, 1, accuracy: 1e-5) }
        XCTAssertEqual(ls[1] - ls[2], 2, accuracy: 1e-5)
        XCTAssertThrowsError(try Loss.nll(logits: logits, vocab: vocab, targets: [1]))
        XCTAssertThrowsError(try Loss.nll(logits: logits, vocab: vocab, targets: [1, 7]))
        XCTAssertThrowsError(try Loss.nll(logits: [1, 2, 3], vocab: vocab, targets: [0]))
        XCTAssertThrowsError(try Loss.kl(referenceLogits: [1], logits: logits, vocab: vocab))
    }

    func testSamplingFollowsTheDistributionAndNucleus() {
        let logits: [Float] = [log(0.5), log(0.3), log(0.15), log(0.05)]
        func frequencies(temperature: Float, topP: Float) -> [Double] {
            var sampler = Sampler(temperature: temperature, topP: topP, seed: 5)
            var counts = [Double](repeating: 0, count: 4)
            for _ in 0..<20000 { counts[logits.withUnsafeBufferPointer { sampler.sample($0) }] += 1 }
            return counts.map { $0 / 20000 }
        }
        let plain = frequencies(temperature: 1, topP: 1)
        for (f, p) in zip(plain, [0.5, 0.3, 0.15, 0.05]) { XCTAssertEqual(f, p, accuracy: 0.015) }
        // top_p 0.7: the nucleus is {0, 1} (0.5 + 0.3 ≥ 0.7), renormalised
        let nucleus = frequencies(temperature: 1, topP: 0.7)
        XCTAssertEqual(nucleus[0], 0.625, accuracy: 0.015)
        XCTAssertEqual(nucleus[1], 0.375, accuracy: 0.015)
        XCTAssertEqual(nucleus[2] + nucleus[3], 0)
        // low temperature sharpens toward the argmax
        XCTAssertGreaterThan(frequencies(temperature: 0.2, topP: 1)[0], 0.9)
        XCTAssertEqual(frequencies(temperature: 0, topP: 1)[0], 1)
    }
}
