extension MENDEditor {
    /// Meta-training backward for one inner weight: given G_ℓ = ∂L/∂W̃_ℓ (d_out, d_in) row-major,
    /// accumulates ∂L/∂α_ℓ = −⟨G_ℓ, ∇̃W_ℓ⟩_F into `stepSizeGradients` and the network gradients into
    /// `parameterGradients` (summed over rows, and over weights sharing a network when called
    /// once per weight). u, δ and the statistics are constants. Uses the current α_ℓ and
    /// parameters, which must be those `transform` saw.
    public func backward(_ t: MENDTransformed, weightGradient g: UnsafeBufferPointer<Float>) throws {
        try checkWeight(t.weight)
        let (s, mode) = assignment[t.weight]
        let net = networks[s]
        guard net.dIn == t.dIn, net.dOut == t.dOut, t.cache.layers.count == net.layers.count else {
            throw InstructEditError("MEND backward: the transformed rows do not belong to inner weight \(t.weight) of this editor")
        }
        guard g.count == t.dOut * t.dIn, let gp = g.baseAddress else {
            throw InstructEditError("MEND backward of '\(config.innerWeights[t.weight].name)': the weight gradient has \(g.count) values, expected \(t.dOut) × \(t.dIn)")
        }
        let n = t.rows, dIn = t.dIn, dOut = t.dOut, d = net.d
        guard n > 0 else { return }
        let alpha = stepSizes[t.weight]
        // gZ row i = [∂ũ_i ; ∂δ̃_i]; first G ũ_i lands in the δ̃ half.
        var gZ = [Float](repeating: 0, count: n * d)
        var inner = 0.0
        gZ.withUnsafeMutableBufferPointer { gzp in
            t.uTilde.withUnsafeBufferPointer { ut in
            t.deltaTilde.withUnsafeBufferPointer { dt in
                let gz = gzp.baseAddress!
                // (G ũ_i)ᵀ for every row: ũ Gᵀ (N, d_out)
                Linear.forward(ut.baseAddress!, gp, rows: n, in: dIn, out: dOut, gz + dIn, ldy: d)
                // ⟨G, ∇̃W⟩ = Σ_i δ̃_iᵀ G ũ_i; then ∂δ̃_i = H ũ_i = −α G ũ_i
                for i in 0..<n {
                    let row = gz + i * d + dIn, dti = dt.baseAddress! + i * dOut
                    for j in 0..<dOut {
                        inner += Double(dti[j]) * Double(row[j])
                        row[j] *= -alpha
                    }
                }
                // ∂ũ_i = Hᵀ δ̃_i = −α Gᵀ δ̃_i: δ̃ G (N, d_in), then scaled
                Linear.backwardInput(dt.baseAddress!, gp, rows: n, in: dIn, out: dOut, gz, ldx: d)
                for i in 0..<n {
                    let row = gz + i * d
                    for j in 0..<dIn { row[j] *= -alpha }
                }
            }}
        }
        stepSizeGradients[t.weight] -= Float(inner)
        _ = net.backward(parameters.baseAddress!, parameterGradients.baseAddress!, mode: mode,
                         cache: t.cache, outputGradient: gZ, rows: n, inputGradient: false)
    }

    /// `backward(_:weightGradient:)` for a gradient held in an array.
    public func backward(_ t: MENDTransformed, weightGradient g: [Float]) throws {
        try g.withUnsafeBufferPointer { try backward(t, weightGradient: $0) }
    }
}
