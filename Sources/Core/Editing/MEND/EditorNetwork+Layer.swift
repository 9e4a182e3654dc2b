/// One residual low-rank layer D → D of an editor network, as offsets into the editor's flat
/// parameter slab (the gradient slab has the same layout):
///
///     p = U (V h) + b,   a = s_m ⊙ p + o_m,   h' = h + relu(a),   relu'(0) := 1
struct EditorLayer: Sendable {
    let d: Int, rank: Int, modes: Int
    let u: Int   // (D, r)
    let v: Int   // (r, D)
    let b: Int   // (D)
    let s: Int   // (modes, D)
    let o: Int   // (modes, D)

    init(d: Int, rank: Int, modes: Int, offset: Int) {
        self.d = d; self.rank = rank; self.modes = modes
        u = offset
        v = u + d * rank
        b = v + rank * d
        s = b + d
        o = s + modes * d
    }

    static func count(d: Int, rank: Int, modes: Int) -> Int { 2 * d * rank + d + 2 * modes * d }
    var end: Int { o + modes * d }

    /// What the backward pass needs from the forward pass, each (N, ·) row-major.
    struct Cache: Sendable {
        var h: [Float]   // (N, D) input
        var q: [Float]   // (N, r) V h
        var p: [Float]   // (N, D)
        var a: [Float]   // (N, D)
    }

    /// Row i uses mode `rowModes[i]` (rows of several weights of this shape run as one batch).
    func forward(_ w: UnsafePointer<Float>, rowModes: [Int], input h: [Float], rows n: Int)
        -> (output: [Float], cache: Cache) {
        let d = self.d, r = rank
        var q = [Float](repeating: 0, count: n * r)
        var p = [Float](repeating: 0, count: n * d)
        var a = [Float](repeating: 0, count: n * d)
        var out = h
        h.withUnsafeBufferPointer { hp in
        q.withUnsafeMutableBufferPointer { qp in
        p.withUnsafeMutableBufferPointer { pp in
        a.withUnsafeMutableBufferPointer { ap in
        out.withUnsafeMutableBufferPointer { op in
            let h = hp.baseAddress!, q = qp.baseAddress!, p = pp.baseAddress!
            let a = ap.baseAddress!, out = op.baseAddress!
            let b = w + self.b
            // q = h Vᵀ (N, r)
            Linear.forward(h, w + v, rows: n, in: d, out: r, q)
            // p = b + q Uᵀ (N, D)
            for i in 0..<n { (p + i * d).update(from: b, count: d) }
            Linear.forward(q, w + u, rows: n, in: r, out: d, p, beta: 1)
            for i in 0..<n {
                let pi = p + i * d, ai = a + i * d, oi = out + i * d
                let s = w + self.s + rowModes[i] * d, o = w + self.o + rowModes[i] * d
                for j in 0..<d {
                    let x = s[j] * pi[j] + o[j]
                    ai[j] = x
                    oi[j] += max(x, 0)
                }
            }
        }}}}}
        return (out, Cache(h: h, q: q, p: p, a: a))
    }

    /// Accumulates this layer's parameter gradients into `g` and returns ∂L/∂h (N, D), or nil
    /// when `inputGradient` is false (the first layer of the editor, whose input is a constant).
    func backward(_ w: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, mode m: Int,
                  cache c: Cache, outputGradient gOut: [Float], rows n: Int,
                  inputGradient: Bool = true) -> [Float]? {
        let d = self.d, r = rank
        var gP = [Float](repeating: 0, count: n * d)
        var gQ = [Float](repeating: 0, count: n * r)
        var gIn = inputGradient ? gOut : []
        gOut.withUnsafeBufferPointer { gop in
        c.p.withUnsafeBufferPointer { pp in
        c.a.withUnsafeBufferPointer { ap in
        c.q.withUnsafeBufferPointer { qp in
        c.h.withUnsafeBufferPointer { hp in
        gP.withUnsafeMutableBufferPointer { gpp in
        gQ.withUnsafeMutableBufferPointer { gqp in
        gIn.withUnsafeMutableBufferPointer { gip in
            let gOut = gop.baseAddress!, p = pp.baseAddress!, a = ap.baseAddress!
            let q = qp.baseAddress!, h = hp.baseAddress!
            let gP = gpp.baseAddress!, gQ = gqp.baseAddress!
            let s = w + self.s + m * d
            let gS = g + self.s + m * d, gO = g + self.o + m * d, gB = g + self.b
            // g_a = g_h' ⊙ 1[a ≥ 0]; ∂s_m += g_a ⊙ p; ∂o_m += g_a; g_p = g_a ⊙ s_m; ∂b += g_p
            for i in 0..<n {
                let go = gOut + i * d, pi = p + i * d, ai = a + i * d, gpi = gP + i * d
                for j in 0..<d where ai[j] >= 0 {
                    let ga = go[j]
                    gS[j] += ga * pi[j]
                    gO[j] += ga
                    let gp = ga * s[j]
                    gB[j] += gp
                    gpi[j] = gp
                }
            }
            // The products of p = q Uᵀ and q = h Vᵀ backwards, as a linear layer's.
            // ∂U += g_pᵀ q (D, r); g_q = g_p U (N, r)
            Linear.backwardWeight(gP, q, rows: n, in: r, out: d, g + u)
            Linear.backwardInput(gP, w + u, rows: n, in: r, out: d, gQ)
            // ∂V += g_qᵀ h (r, D); g_h = g_h' + g_q V (N, D)
            Linear.backwardWeight(gQ, h, rows: n, in: d, out: r, g + v)
            if inputGradient { Linear.backwardInput(gQ, w + v, rows: n, in: d, out: r, gip.baseAddress!, beta: 1) }
        }}}}}}}}
        return inputGradient ? gIn : nil
    }
}
