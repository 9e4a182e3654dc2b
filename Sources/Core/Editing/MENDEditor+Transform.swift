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
        try checkWeight(weight)
        let (s, mode) = assignment[weight]
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
        let (out, cache) = net.forward(parameters.baseAddress!, mode: mode, input: z, rows: k)
        var uT = [Float](repeating: 0, count: k * dIn)
        var dT = [Float](repeating: 0, count: k * dOut)
        for i in 0..<k {
            uT[(i * dIn)..<((i + 1) * dIn)] = out[(i * d)..<(i * d + dIn)]
            dT[(i * dOut)..<((i + 1) * dOut)] = out[(i * d + dIn)..<((i + 1) * d)]
        }
        return MENDTransformed(weight: weight, rows: k, dIn: dIn, dOut: dOut, u: uK, delta: dK,
                               uTilde: uT, deltaTilde: dT, cache: cache)
    }

    private func gather(_ x: [Float], rows: [Int], width: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows.count * width)
        for i in rows { out.append(contentsOf: x[(i * width)..<((i + 1) * width)]) }
        return out
    }
}
