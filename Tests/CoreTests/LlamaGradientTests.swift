import XCTest
@testable import Core

/// Backward pass: finite differences for every parameter kind and the residual input, partial
/// backwards against the full one, and captured rows against gradients.
final class LlamaGradientTests: XCTestCase {
    let positions = [2, 4, 6]
    let targets = [7, 0, 21]

    /// Mean NLL at `positions`, computed in Double from the model's logits.
    func loss(_ w: LlamaWeights, start: Int = 0, residual: [Float]? = nil) throws -> Double {
        let trace = try LlamaTraining.forward(w, tokens: Tiny.tokens, from: start, residual: residual)
        let logits = try LlamaTraining.logits(w, trace, positions: positions)
        let V = w.config.vocab
        var total = 0.0
        for (i, target) in targets.enumerated() {
            let row = logits[(i * V)..<((i + 1) * V)].map(Double.init)
            let m = row.max()!
            total += m + log(row.reduce(0) { $0 + exp($1 - m) }) - row[target]
        }
        return total / Double(targets.count)
    }

    /// Analytic gradients of `loss` for `params` (from block `start`), plus the residual gradient.
    func gradients(_ w: LlamaWeights, _ params: [ParamRef], start: Int = 0, residual: [Float]? = nil,
                   captures: Set<ParamRef> = [])
        throws -> (grads: [ParamRef: [Float]], residual: [Float], captured: [ParamRef: (u: [Float], delta: [Float])]) {
        let trace = try LlamaTraining.forward(w, tokens: Tiny.tokens, from: start, residual: residual)
        let logits = try LlamaTraining.logits(w, trace, positions: positions)
        let (_, dLogits) = try Loss.nll(logits: logits, vocab: w.config.vocab, targets: targets)
        let buffers = Dictionary(uniqueKeysWithValues: params.map { ($0, FloatBuffer($0.count)) })
        let dres = FloatBuffer(Tiny.tokens.count * w.config.dim)
        let captured = try LlamaTraining.backward(w, trace, positions: positions, dLogits: dLogits,
                                                  gradients: buffers.mapValues(\.p), captures: captures,
                                                  residualGradient: dres.p)
        return (buffers.mapValues(\.array), dres.array, captured)
    }

    /// Central differences at a few entries of each parameter (its largest-gradient entry included).
    func checkFiniteDifferences(_ w: LlamaWeights, _ params: [ParamRef], file: StaticString = #filePath,
                                line: UInt = #line) throws {
        let analytic = try gradients(w, params).grads
        var rng = SeededRandom(seed: 9)
        let h: Float = 2e-3
        for p in params {
            let g = analytic[p]!, b = w.mutableBuffer(p)
            XCTAssertTrue(g.contains { $0 != 0 }, "\(p.name): gradient is all zero", file: file, line: line)
            let largest = g.indices.max { abs(g[$0]) < abs(g[$1]) }!
            let scale = Double(abs(g[largest]))
            for i in [largest] + (0..<5).map({ _ in Int(rng.next() % UInt64(p.count)) }) {
                let saved = b[i]
                b[i] = saved + h; let up = try loss(w)
                b[i] = saved - h; let down = try loss(w)
                b[i] = saved
                let fd = (up - down) / Double(2 * h)
                XCTAssertEqual(Double(g[i]), fd, accuracy: 2e-3 * scale + 2e-4,
                               "\(p.name)[\(i)]: analytic \(g[i]) vs finite difference \(fd)", file: file, line: line)
            }
        }
    }

    func testFiniteDifferencesForEveryParameterKindTied() throws {
        let w = Tiny.model()
        var params = w.layers[0].all + w.layers[2].all
        params += [w.finalNorm, w.tokenEmbedding]
        try checkFiniteDifferences(w, params)
    }

    func testTiedEmbeddingGetsBothUses() throws {
        let w = Tiny.model(), C = w.config.dim
        let g = try gradients(w, [w.tokenEmbedding]).grads[w.tokenEmbedding]!
        let used = Set(Tiny.tokens)
        // rows of tokens in the sequence: input + output use, checked by differences
        let h: Float = 2e-3, b = w.mutableBuffer(w.tokenEmbedding), scale = Double(g.map { abs($0) }.max()!)
        for row in [Tiny.tokens[1], Tiny.tokens[4], 11] {
            let rowLargest = (0..<C).max { abs(g[row * C + $0]) < abs(g[row * C + $1]) }!
            for col in [rowLargest, 0, C - 1] {
                let i = row * C + col, saved = b[i]
                b[i] = saved + h; let up = try loss(w)
                b[i] = saved - h; let down = try loss(w)
                b[i] = saved
                XCTAssertEqual(Double(g[i]), (up - down) / Double(2 * h), accuracy: 2e-3 * scale + 2e-4,
                               "row \(row) (in the sequence: \(used.contains(row)))")
            }
        }
        // the output use alone (trace from block 1) differs on rows of the sequence only
        let outputOnly = try gradients(w, [w.tokenEmbedding], start: 1).grads[w.tokenEmbedding]!
        for row in 0..<w.config.vocab {
            let a = Array(g[(row * C)..<((row + 1) * C)]), o = Array(outputOnly[(row * C)..<((row + 1) * C)])
            if used.contains(row) { XCTAssertNotEqual(a, o, "row \(row)") } else { assertClose(a, o, tolerance: 1e-5, "row \(row)") }
        }
    }

    func testFiniteDifferencesUntiedOutputAndEmbedding() throws {
        let w = Tiny.model(tied: false, seed: 3)
        XCTAssertNotEqual(w.output, w.tokenEmbedding)
        try checkFiniteDifferences(w, [w.output, w.tokenEmbedding, w.layers[1].wv, w.finalNorm])
    }

    func testFiniteDifferencesForResidualInput() throws {
        let w = Tiny.model(), start = 1
        let residual = try LlamaTraining.residual(w, tokens: Tiny.tokens, atBlock: start)
        let analytic = try gradients(w, [], start: start, residual: residual).residual
        XCTAssertTrue(analytic.contains { $0 != 0 })
        // rows after the last loss position cannot matter
        let C = w.config.dim
        XCTAssertTrue(analytic[((positions.max()! + 1) * C)...].allSatisfy { $0 == 0 })
        let h: Float = 2e-3, scale = Double(analytic.map { abs($0) }.max()!)
        for i in stride(from: 1, to: residual.count, by: 5) {
            var r = residual
            r[i] += h; let up = try loss(w, start: start, residual: r)
            r[i] -= 2 * h; let down = try loss(w, start: start, residual: r)
            XCTAssertEqual(Double(analytic[i]), (up - down) / Double(2 * h), accuracy: 2e-3 * scale + 2e-4, "residual[\(i)]")
        }
    }

    func testBackwardFromBlockKEqualsFullBackward() throws {
        let w = Tiny.model(), c = w.config
        for k in 1...c.layers {
            let params = w.layers[k...].flatMap(\.all) + [w.finalNorm, w.output]
            let full = try gradients(w, params + [w.layers[0].wq])
            let residual = try LlamaTraining.residual(w, tokens: Tiny.tokens, atBlock: k)
            let partial = try gradients(w, params, start: k, residual: residual)
            for p in params where p != w.output {   // tied: the full pass adds the embedding use
                assertClose(partial.grads[p]!, full.grads[p]!, tolerance: 1e-5, "\(p.name) from block \(k)")
            }
        }
    }

    func testCapturedRowsReproduceGradients() throws {
        for tied in [true, false] {
            let w = Tiny.model(tied: tied), c = w.config, T = Tiny.tokens.count
            let matrices = [1, 2].flatMap { l in
                [w.layers[l].wq, w.layers[l].wk, w.layers[l].wv, w.layers[l].wo,
                 w.layers[l].wGate, w.layers[l].wUp, w.layers[l].wDown]
            } + [w.output]
            let start = 1, residual = try LlamaTraining.residual(w, tokens: Tiny.tokens, atBlock: start)
            let r = try gradients(w, matrices, start: start, residual: residual, captures: Set(matrices))
            for p in matrices {
                let (u, delta) = try XCTUnwrap(r.captured[p], p.name)
                let N = p == w.output ? positions.count : T
                XCTAssertEqual(u.count, N * p.cols, p.name)
                XCTAssertEqual(delta.count, N * p.rows, p.name)
                var sum = [Float](repeating: 0, count: p.count)
                for n in 0..<N {
                    for i in 0..<p.rows where delta[n * p.rows + i] != 0 {
                        for j in 0..<p.cols { sum[i * p.cols + j] += delta[n * p.rows + i] * u[n * p.cols + j] }
                    }
                }
                assertClose(sum, r.grads[p]!, tolerance: 1e-5, "Σ δ uᵀ of \(p.name)")
            }
            // MEND's inputs alone (no gradient buffers), as the editor requests them
            let mlp = Set([2].flatMap { [w.layers[$0].wGate, w.layers[$0].wUp, w.layers[$0].wDown] })
            let trace = try LlamaTraining.forward(w, tokens: Tiny.tokens, from: 2, residual: nil)
            let logits = try LlamaTraining.logits(w, trace, positions: positions)
            let dl = try Loss.nll(logits: logits, vocab: c.vocab, targets: targets).dLogits
            let only = try LlamaTraining.backward(w, trace, positions: positions, dLogits: dl, captures: mlp)
            XCTAssertEqual(Set(only.keys), mlp)
            for p in mlp {
                assertClose(only[p]!.u, r.captured[p]!.u, tolerance: 1e-6, p.name)
                assertClose(only[p]!.delta, r.captured[p]!.delta, tolerance: 1e-6, p.name)
            }
        }
    }
}
