extension MENDEditor {
    /// ∇̃W = Σ_i δ̃_i ũ_iᵀ, (d_out, d_in) row-major.
    public func pseudoGradient(_ t: MENDTransformed) -> [Float] {
        var g = [Float](repeating: 0, count: t.dOut * t.dIn)
        g.withUnsafeMutableBufferPointer { accumulate(t, scale: 1, into: $0.baseAddress!) }
        return g
    }

    /// The change the edit makes to inner weight `t.weight`: W̃ − W = −α_ℓ ∇̃W, (d_out, d_in).
    public func weightDelta(_ t: MENDTransformed) -> [Float] {
        var g = [Float](repeating: 0, count: t.dOut * t.dIn)
        g.withUnsafeMutableBufferPointer { accumulate(t, scale: -stepSizes[t.weight], into: $0.baseAddress!) }
        return g
    }

    /// Applies W̃ = W − α_ℓ ∇̃W in place to the (d_out, d_in) row-major weight at `weight`
    /// (one product into W). Keep a copy of W to undo the edit exactly.
    public func applyEdit(_ t: MENDTransformed, to weight: UnsafeMutablePointer<Float>) {
        accumulate(t, scale: -stepSizes[t.weight], into: weight)
    }

    /// ‖W̃ − W‖_F = α_ℓ ‖Σ_i δ̃_i ũ_iᵀ‖_F, from two (rows, rows) Gram matrices instead of a pass
    /// over the whole weight.
    public func deltaNorm(_ t: MENDTransformed) -> Float {
        let squared = frobeniusInner(t.deltaTilde, t.uTilde, t.deltaTilde, t.uTilde, t)
        return abs(stepSizes[t.weight]) * Float(max(squared, 0).squareRoot())
    }

    /// w += scale · δ̃ᵀ ũ.
    private func accumulate(_ t: MENDTransformed, scale: Float, into w: UnsafeMutablePointer<Float>) {
        guard t.rows > 0 else { return }
        let scaled = scale == 1 ? t.deltaTilde : t.deltaTilde.map { scale * $0 }   // the kernel has no alpha
        scaled.withUnsafeBufferPointer { dt in
            t.uTilde.withUnsafeBufferPointer { ut in
                Linear.backwardWeight(dt.baseAddress!, ut.baseAddress!, rows: t.rows, in: t.dIn, out: t.dOut, w)
            }
        }
    }
}
