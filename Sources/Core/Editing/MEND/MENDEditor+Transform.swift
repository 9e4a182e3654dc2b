/// The editor's view of one inner weight after `transform`: the kept rows, raw and transformed,
/// and what `backward` needs. Several edits batch by concatenating their rows before `transform`.
public struct MENDTransformed: Sendable {
    /// Index of the inner weight (into `config.innerWeights`).
    public let weight: Int
    /// Rows kept (those where u_i and δ_i both have a non-zero component).
    public let rows: Int
    public let dIn: Int, dOut: Int
    /// Kept input rows u_i (rows, d_in) and output-gradient rows δ_i (rows, d_out).
    public let u: [Float]
    public let delta: [Float]
    /// Transformed rows ũ_i (rows, d_in) and δ̃_i (rows, d_out).
    public let uTilde: [Float]
    public let deltaTilde: [Float]
    let cache: EditorNetwork.Cache
}

extension MENDEditor {
    /// Indices of the rows where u_i and δ_i both have a non-zero component; the others (padding,
    /// positions that do not reach the loss) add nothing to Σ δ_i u_iᵀ.
    public static func keptRows(u: [Float], delta: [Float], rows n: Int, dIn: Int, dOut: Int) -> [Int] {
        u.withUnsafeBufferPointer { up in
            delta.withUnsafeBufferPointer { dp in
                (0..<n).filter { i in
                    (0..<dIn).contains { up[i * dIn + $0] != 0 } && (0..<dOut).contains { dp[i * dOut + $0] != 0 }
                }
            }
        }
    }

    /// Filters the rows of inner weight `weight`, normalises them with its shape's statistics
    /// (first folding them in when training), runs the shape's network in the weight's mode and
    /// splits the output into ũ and δ̃. `u` is (rows, d_in), `delta` (rows, d_out), row-major.
    public func transform(weight: Int, u: [Float], delta: [Float], rows n: Int) throws -> MENDTransformed {
        let input = try prepare(weight: weight, u: u, delta: delta, rows: n)
        let net = networks[assignment[weight].shape]
        let (out, cache) = net.forward(parameters.baseAddress!, mode: assignment[weight].mode, input: input.z, rows: input.rows)
        return split(input, output: out[...], cache: cache)
    }

    /// `transform` of every inner weight for an edit. Weights that share a network run through it
    /// as one batch (rows of all its modes together): six products of 11 rows become one of 66,
    /// which run faster than six. The results carry no backward cache, so this is for applying
    /// edits; training, which needs the caches, calls `transform`.
    func transformForEdit(u: [[Float]], delta: [[Float]], rows: [Int]) throws -> [MENDTransformed] {
        let inputs = try u.indices.map { try prepare(weight: $0, u: u[$0], delta: delta[$0], rows: rows[$0]) }
        var out = [MENDTransformed?](repeating: nil, count: inputs.count)
        for (s, net) in networks.enumerated() {
            let members = inputs.indices.filter { assignment[$0].shape == s }
            let z = members.flatMap { inputs[$0].z }
            let modes = members.flatMap { Array(repeating: assignment[$0].mode, count: inputs[$0].rows) }
            let (y, _) = net.forward(parameters.baseAddress!, rowModes: modes, input: z, rows: modes.count)
            var start = 0
            for k in members {
                let end = start + inputs[k].rows * net.d
                out[k] = split(inputs[k], output: y[start..<end], cache: EditorNetwork.Cache(layers: []))
                start = end
            }
        }
        return out.map { $0! }
    }

    /// One weight's kept rows and the normalised network input z = [ū ; δ̄], (kept, D).
    struct PreparedRows {
        let weight: Int, rows: Int, dIn: Int, dOut: Int
        let u: [Float], delta: [Float], z: [Float]
    }

    private func prepare(weight: Int, u: [Float], delta: [Float], rows n: Int) throws -> PreparedRows {
        try checkWeight(weight)
        let s = assignment[weight].shape
        let net = networks[s]
        let dIn = net.dIn, dOut = net.dOut, d = net.d
        let name = config.innerWeights[weight].name
        guard n >= 0, u.count == n * dIn else {
            throw InstructEditError("MEND transform of '\(name)': u has \(u.count) values, expected \(n) rows × \(dIn)")
        }
        guard delta.count == n * dOut else {
            throw InstructEditError("MEND transform of '\(name)': δ has \(delta.count) values, expected \(n) rows × \(dOut)")
        }
        let kept = Self.keptRows(u: u, delta: delta, rows: n, dIn: dIn, dOut: dOut)
        let k = kept.count
        let uK = kept.count == n ? u : gather(u, rows: kept, width: dIn)
        let dK = kept.count == n ? delta : gather(delta, rows: kept, width: dOut)
        if isTraining && k > 0 {
            uK.withUnsafeBufferPointer { uStatistics[s].update(rows: $0.baseAddress!, count: k) }
            dK.withUnsafeBufferPointer { deltaStatistics[s].update(rows: $0.baseAddress!, count: k) }
        }
        let (uShift, uScale) = uStatistics[s].normaliser(epsilon: config.normEpsilon)
        let (dShift, dScale) = deltaStatistics[s].normaliser(epsilon: config.normEpsilon)
        var z = [Float](repeating: 0, count: k * d)
        z.withUnsafeMutableBufferPointer { zp in
            for i in 0..<k {
                for j in 0..<dIn { zp[i * d + j] = (uK[i * dIn + j] - uShift[j]) * uScale[j] }
                for j in 0..<dOut { zp[i * d + dIn + j] = (dK[i * dOut + j] - dShift[j]) * dScale[j] }
            }
        }
        return PreparedRows(weight: weight, rows: k, dIn: dIn, dOut: dOut, u: uK, delta: dK, z: z)
    }

    /// Splits the network output rows (kept, D) into ũ and δ̃.
    private func split(_ x: PreparedRows, output out: ArraySlice<Float>, cache: EditorNetwork.Cache) -> MENDTransformed {
        let k = x.rows, dIn = x.dIn, dOut = x.dOut, d = dIn + dOut, base = out.startIndex
        var uT = [Float](repeating: 0, count: k * dIn)
        var dT = [Float](repeating: 0, count: k * dOut)
        for i in 0..<k {
            uT[(i * dIn)..<((i + 1) * dIn)] = out[(base + i * d)..<(base + i * d + dIn)]
            dT[(i * dOut)..<((i + 1) * dOut)] = out[(base + i * d + dIn)..<(base + (i + 1) * d)]
        }
        return MENDTransformed(weight: x.weight, rows: k, dIn: dIn, dOut: dOut, u: x.u, delta: x.delta,
                               uTilde: uT, deltaTilde: dT, cache: cache)
    }

    private func gather(_ x: [Float], rows: [Int], width: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows.count * width)
        for i in rows { out.append(contentsOf: x[(i * width)..<((i + 1) * width)]) }
        return out
    }
}
