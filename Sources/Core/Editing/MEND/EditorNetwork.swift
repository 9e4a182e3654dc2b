/// The editor network of one weight shape (d_out, d_in): two residual low-rank layers on
/// z = [ū ; δ̄] ∈ ℝ^D, D = d_in + d_out, shared by every inner weight of that shape, each weight
/// being one mode (its own scale s_m and shift o_m). Parameters live in the editor's flat slab
/// from `offset` on: layer 0 then layer 1, each U, V, b, s, o.
struct EditorNetwork: Sendable {
    let dOut: Int, dIn: Int, rank: Int, modes: Int
    let offset: Int
    let layers: [EditorLayer]

    init(dOut: Int, dIn: Int, rank: Int, modes: Int, offset: Int) {
        self.dOut = dOut; self.dIn = dIn; self.rank = rank; self.modes = modes; self.offset = offset
        let l0 = EditorLayer(d: dIn + dOut, rank: rank, modes: modes, offset: offset)
        let l1 = EditorLayer(d: dIn + dOut, rank: rank, modes: modes, offset: l0.end)
        layers = [l0, l1]
    }

    var d: Int { dIn + dOut }
    var end: Int { layers[layers.count - 1].end }
    var count: Int { end - offset }

    struct Cache: Sendable { var layers: [EditorLayer.Cache] }

    /// Identity initialisation: U = 0, V ~ N(0, 1), b = 0, s = 1, o = 0.
    func initialise(_ w: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        for l in layers {
            (w + l.u).update(repeating: 0, count: d * rank)
            for k in 0..<(rank * d) { w[l.v + k] = Float(random.nextGaussian()) }
            (w + l.b).update(repeating: 0, count: d)
            (w + l.s).update(repeating: 1, count: modes * d)
            (w + l.o).update(repeating: 0, count: modes * d)
        }
    }

    /// Maps N rows z (N, D) to the network output (N, D), keeping what `backward` needs.
    func forward(_ w: UnsafePointer<Float>, mode: Int, input z: [Float], rows n: Int)
        -> (output: [Float], cache: Cache) {
        forward(w, rowModes: Array(repeating: mode, count: n), input: z, rows: n)
    }

    /// The same, row i in mode `rowModes[i]`.
    func forward(_ w: UnsafePointer<Float>, rowModes: [Int], input z: [Float], rows n: Int)
        -> (output: [Float], cache: Cache) {
        var h = z
        var caches: [EditorLayer.Cache] = []
        for l in layers {
            let (out, c) = l.forward(w, rowModes: rowModes, input: h, rows: n)
            caches.append(c)
            h = out
        }
        return (h, Cache(layers: caches))
    }

    /// Accumulates every parameter gradient into `g` (same layout as `w`) and returns ∂L/∂z, or
    /// nil without `inputGradient` (the editor's z is a constant, so it skips that product).
    func backward(_ w: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, mode: Int,
                  cache: Cache, outputGradient gOut: [Float], rows n: Int,
                  inputGradient: Bool = true) -> [Float]? {
        var gh = gOut
        for k in stride(from: layers.count - 1, through: 0, by: -1) {
            guard let next = layers[k].backward(w, g, mode: mode, cache: cache.layers[k], outputGradient: gh,
                                                rows: n, inputGradient: k > 0 || inputGradient) else { return nil }
            gh = next
        }
        return gh
    }

    /// Named slices of this network's parameters, for inspection and tests.
    func layout(prefix: String) -> [ParamRef] {
        layers.enumerated().flatMap { k, l -> [ParamRef] in
            let p = "\(prefix).layer\(k)."
            return [ParamRef(name: p + "U", offset: l.u, rows: d, cols: rank),
                    ParamRef(name: p + "V", offset: l.v, rows: rank, cols: d),
                    ParamRef(name: p + "b", offset: l.b, rows: d, cols: 1),
                    ParamRef(name: p + "s", offset: l.s, rows: modes, cols: d),
                    ParamRef(name: p + "o", offset: l.o, rows: modes, cols: d)]
        }
    }
}
