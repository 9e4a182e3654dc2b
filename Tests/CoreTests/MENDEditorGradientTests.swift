import XCTest
@testable import Core

/// Random Float arrays for tests (seeded, so failures reproduce).
func randomFloats(_ count: Int, _ rng: inout SeededRandom, scale: Double = 1, mean: Double = 0) -> [Float] {
    (0..<count).map { _ in Float(mean + scale * rng.nextGaussian()) }
}

/// The MEND forward of docs/MEND.md in Double with plain loops, reading the editor's parameters by
/// name, its step sizes and its (frozen) statistics. Independent of the BLAS implementation.
struct ReferenceMEND {
    let editor: MENDEditor
    var params: [Double]
    var alphas: [Double]

    init(_ editor: MENDEditor) {
        self.editor = editor
        params = editor.parameters.map(Double.init)
        alphas = editor.stepSizes.map(Double.init)
    }

    func slice(_ name: String) -> ParamRef {
        editor.parameterLayout.first { $0.name == name }!
    }

    /// ũ and δ̃ (rows of D = d_in + d_out, only the kept rows) for inner weight ℓ.
    func transform(weight l: Int, u: [Float], delta: [Float], rows n: Int) -> [[Double]] {
        let w = editor.config.innerWeights[l]
        let (s, mode) = try! editor.mode(ofWeight: l)
        let dIn = w.cols, dOut = w.rows, d = dIn + dOut, r = editor.config.rank
        let eps = Double(editor.config.normEpsilon)
        let us = editor.uStatistics[s], ds = editor.deltaStatistics[s]
        let (uVar, dVar) = (us.variance, ds.variance)
        var out: [[Double]] = []
        for i in 0..<n {
            let ui = (0..<dIn).map { Double(u[i * dIn + $0]) }
            let di = (0..<dOut).map { Double(delta[i * dOut + $0]) }
            if !ui.contains(where: { $0 != 0 }) || !di.contains(where: { $0 != 0 }) { continue }
            var h = (0..<dIn).map { (ui[$0] - (us.count < 2 ? 0 : us.mean[$0])) / (uVar[$0].squareRoot() + eps) }
            h += (0..<dOut).map { (di[$0] - (ds.count < 2 ? 0 : ds.mean[$0])) / (dVar[$0].squareRoot() + eps) }
            let prefix = "editor.\(dOut)x\(dIn).layer"
            for k in 0..<2 {
                let U = slice(prefix + "\(k).U").offset, V = slice(prefix + "\(k).V").offset
                let b = slice(prefix + "\(k).b").offset
                let sc = slice(prefix + "\(k).s").offset + mode * d, o = slice(prefix + "\(k).o").offset + mode * d
                let q = (0..<r).map { j in (0..<d).reduce(0.0) { $0 + params[V + j * d + $1] * h[$1] } }
                var next = h
                for a in 0..<d {
                    let p = (0..<r).reduce(params[b + a]) { $0 + params[U + a * r + $1] * q[$1] }
                    next[a] += max(params[sc + a] * p + params[o + a], 0)
                }
                h = next
            }
            out.append(h)
        }
        return out
    }

    /// L = Σ_ℓ ⟨G_ℓ, W̃_ℓ − W_ℓ⟩ = −Σ_ℓ α_ℓ ⟨G_ℓ, Σ_i δ̃_i ũ_iᵀ⟩ (W is a constant).
    func loss(_ cases: [MENDCase]) -> Double {
        var total = 0.0
        for c in cases {
            let w = editor.config.innerWeights[c.weight]
            let dIn = w.cols
            for z in transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows) {
                for o in 0..<w.rows {
                    for i in 0..<dIn { total -= alphas[c.weight] * Double(c.g[o * dIn + i]) * z[dIn + o] * z[i] }
                }
            }
        }
        return total
    }
}

/// One inner weight's rows and the loss gradient G at its edited value.
struct MENDCase {
    let weight: Int, rows: Int
    let u: [Float], delta: [Float], g: [Float]
}

final class MENDEditorGradientTests: XCTestCase {
    /// Weights a0 and a1 share shape (3, 2) in modes 0 and 1; b0 has its own shape (2, 4).
    static func tinyEditor() throws -> MENDEditor {
        let config = MENDConfig(innerWeights: [.init(name: "a0", rows: 3, cols: 2),
                                               .init(name: "b0", rows: 2, cols: 4),
                                               .init(name: "a1", rows: 3, cols: 2)],
                                rank: 2, seed: 7)
        return try MENDEditor(config: config)
    }

    /// Random rows for every weight, including one row with u = 0 and one with δ = 0.
    static func cases(_ editor: MENDEditor, _ rng: inout SeededRandom, rows n: Int = 5) -> [MENDCase] {
        editor.config.innerWeights.enumerated().map { l, w in
            var u = randomFloats(n * w.cols, &rng, scale: 2, mean: 0.5)
            var d = randomFloats(n * w.rows, &rng, scale: 0.3, mean: -0.1)
            for j in 0..<w.cols { u[1 * w.cols + j] = 0 }
            for j in 0..<w.rows { d[3 * w.rows + j] = 0 }
            return MENDCase(weight: l, rows: n, u: u, delta: d, g: randomFloats(w.rows * w.cols, &rng))
        }
    }

    /// Non-trivial parameters (U ≠ 0, s ≠ 1, …) so every relu sees both signs, and statistics
    /// gathered in training mode, then frozen.
    static func randomised(_ editor: MENDEditor, _ rng: inout SeededRandom) throws {
        for ref in editor.parameterLayout {
            let last = ref.name.suffix(1)
            for k in 0..<ref.count {
                let x = rng.nextGaussian()
                editor.parameters[ref.offset + k] = Float(last == "s" ? 1 + 0.5 * x : (last == "U" || last == "V") ? 0.7 * x : 0.3 * x)
            }
        }
        for l in editor.stepSizes.indices { editor.stepSizes[l] = Float(0.5 + rng.nextGaussian() * 0.3) }
        editor.isTraining = true
        for c in cases(editor, &rng, rows: 7) { _ = try editor.transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows) }
        editor.isTraining = false
    }

    func testEveryGradientMatchesFiniteDifferences() throws {
        var rng = SeededRandom(seed: 11)
        let editor = try Self.tinyEditor()
        try Self.randomised(editor, &rng)
        let cases = Self.cases(editor, &rng)

        editor.zeroGradients()
        for c in cases {
            let t = try editor.transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows)
            XCTAssertEqual(t.rows, c.rows - 2, "the zero-u row and the zero-δ row are dropped")
            try editor.backward(t, weightGradient: c.g)
        }

        let reference = ReferenceMEND(editor)
        let h = 1e-6
        func numeric(_ bump: (inout ReferenceMEND, Double) -> Void) -> Double {
            var plus = reference, minus = reference
            bump(&plus, h); bump(&minus, -h)
            return (plus.loss(cases) - minus.loss(cases)) / (2 * h)
        }
        var fd = [Double](repeating: 0, count: editor.parameters.count)
        for k in fd.indices { fd[k] = numeric { $0.params[k] += $1 } }
        let fdAlpha = editor.stepSizes.indices.map { l in numeric { $0.alphas[l] += $1 } }
        let scale = (fd + fdAlpha).map(abs).max()!
        XCTAssertGreaterThan(scale, 1e-3)

        // Every parameter kind of every layer of both networks, and every step size.
        var kinds: [String: Double] = [:]
        for ref in editor.parameterLayout {
            var worst = 0.0, largest = 0.0
            for k in ref.offset..<(ref.offset + ref.count) {
                let err = abs(Double(editor.parameterGradients[k]) - fd[k])
                worst = max(worst, err / (abs(fd[k]) + 1e-2 * scale))
                largest = max(largest, abs(fd[k]))
            }
            kinds[ref.name] = worst
            XCTAssertLessThan(worst, 1e-3, "\(ref.name): largest relative difference to finite differences")
            XCTAssertGreaterThan(largest, 0, "\(ref.name) gets some gradient")
        }
        XCTAssertEqual(kinds.count, 20)   // 2 shapes × 2 layers × {U, V, b, s, o}
        for l in editor.stepSizes.indices {
            let a = Double(editor.stepSizeGradients[l])
            XCTAssertEqual(a, fdAlpha[l], accuracy: 1e-3 * abs(fdAlpha[l]) + 1e-5 * scale, "α_\(l)")
        }
        // Both modes of the shared network receive their own gradient.
        let s = editor.parameterLayout.first { $0.name == "editor.3x2.layer1.o" }!
        let mode0 = (0..<5).map { editor.parameterGradients[s.offset + $0] }
        let mode1 = (5..<10).map { editor.parameterGradients[s.offset + $0] }
        XCTAssertNotEqual(mode0, mode1)
        XCTAssertTrue(mode1.contains { $0 != 0 })
    }

    func testForwardMatchesDoubleReference() throws {
        var rng = SeededRandom(seed: 3)
        let editor = try Self.tinyEditor()
        try Self.randomised(editor, &rng)
        let reference = ReferenceMEND(editor)
        for c in Self.cases(editor, &rng) {
            let t = try editor.transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows)
            let z = reference.transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows)
            XCTAssertEqual(z.count, t.rows)
            for i in 0..<t.rows {
                for j in 0..<t.dIn { XCTAssertEqual(Double(t.uTilde[i * t.dIn + j]), z[i][j], accuracy: 1e-4 * (1 + abs(z[i][j]))) }
                for j in 0..<t.dOut { XCTAssertEqual(Double(t.deltaTilde[i * t.dOut + j]), z[i][t.dIn + j], accuracy: 1e-4 * (1 + abs(z[i][t.dIn + j]))) }
            }
        }
    }

    /// The edit path runs a0 and a1 (one network, modes 0 and 1) as one batch; each weight's rows
    /// still match the reference in its own mode.
    func testBatchedEditTransformMatchesDoubleReference() throws {
        var rng = SeededRandom(seed: 4)
        let editor = try Self.tinyEditor()
        try Self.randomised(editor, &rng)
        let reference = ReferenceMEND(editor)
        let cases = Self.cases(editor, &rng)
        let batch = try editor.transformForEdit(u: cases.map(\.u), delta: cases.map(\.delta), rows: cases.map(\.rows))
        XCTAssertEqual(batch.map(\.weight), [0, 1, 2])
        for (c, t) in zip(cases, batch) {
            let z = reference.transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows)
            XCTAssertEqual(z.count, t.rows)
            for i in 0..<t.rows {
                for j in 0..<t.dIn { XCTAssertEqual(Double(t.uTilde[i * t.dIn + j]), z[i][j], accuracy: 1e-4 * (1 + abs(z[i][j]))) }
                for j in 0..<t.dOut { XCTAssertEqual(Double(t.deltaTilde[i * t.dOut + j]), z[i][t.dIn + j], accuracy: 1e-4 * (1 + abs(z[i][t.dIn + j]))) }
            }
        }
    }

    /// ∂L/∂z of the network alone, against finite differences on its input.
    func testNetworkInputGradient() throws {
        var rng = SeededRandom(seed: 5)
        let editor = try Self.tinyEditor()
        try Self.randomised(editor, &rng)
        let net = editor.networks[0]
        let n = 3, d = net.d
        let z = randomFloats(n * d, &rng).map(Double.init)
        let gOut = randomFloats(n * d, &rng)
        let w = editor.parameters.baseAddress!
        func loss(_ z: [Double]) -> Double {
            let (out, _) = net.forward(w, mode: 1, input: z.map { Float($0) }, rows: n)
            return zip(out, gOut).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let (_, cache) = net.forward(w, mode: 1, input: z.map { Float($0) }, rows: n)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: editor.parameters.count)
        defer { scratch.deallocate() }
        let gIn = net.backward(w, scratch, mode: 1, cache: cache, outputGradient: gOut, rows: n)!
        for k in 0..<(n * d) {
            var zp = z, zm = z
            // The network is piecewise linear in z, so central differences are exact between kinks.
            zp[k] += 1e-3; zm[k] -= 1e-3
            XCTAssertEqual(Double(gIn[k]), (loss(zp) - loss(zm)) / 2e-3, accuracy: 5e-3 * (1 + abs(Double(gIn[k]))), "∂z[\(k)]")
        }
    }

    /// With U = 0 every a is exactly 0: relu'(0) := 1 is what lets U (and the rest) learn.
    func testGradientFlowsAtInitialisation() throws {
        var rng = SeededRandom(seed: 9)
        let editor = try Self.tinyEditor()
        editor.zeroGradients()
        for c in Self.cases(editor, &rng) {
            try editor.backward(try editor.transform(weight: c.weight, u: c.u, delta: c.delta, rows: c.rows), weightGradient: c.g)
        }
        for ref in editor.parameterLayout where ref.name.hasSuffix(".U") {
            let norm = (ref.offset..<(ref.offset + ref.count)).reduce(0.0) { $0 + Double(abs(editor.parameterGradients[$1])) }
            XCTAssertGreaterThan(norm, 0, "\(ref.name) has a gradient at initialisation")
        }
    }
}
