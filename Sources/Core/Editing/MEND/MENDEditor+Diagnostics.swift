import CBLAS

/// How an edit's pseudo-gradient ∇̃W relates to the true gradient ∇W = Σ δ_i u_iᵀ of one weight.
public struct MENDDiagnostics: Sendable, Equatable {
    /// cos(∇W, ∇̃W) (0 when either is zero).
    public let cosine: Double
    /// ‖∇W‖_F and ‖∇̃W‖_F.
    public let gradientNorm: Double
    public let pseudoGradientNorm: Double
}

extension MENDEditor {
    /// cos(∇W, ∇̃W), ‖∇W‖, ‖∇̃W‖ for one transformed weight, computed from N × N Gram matrices
    /// (⟨Σ a_i b_iᵀ, Σ c_j e_jᵀ⟩_F = Σ_ij (a_i·c_j)(b_i·e_j)) without forming d_out × d_in matrices.
    public func diagnostics(_ t: MENDTransformed) -> MENDDiagnostics {
        let g = frobeniusInner(t.delta, t.u, t.delta, t.u, t)
        let p = frobeniusInner(t.deltaTilde, t.uTilde, t.deltaTilde, t.uTilde, t)
        let gp = frobeniusInner(t.delta, t.u, t.deltaTilde, t.uTilde, t)
        let gn = max(g, 0).squareRoot(), pn = max(p, 0).squareRoot()
        let cosine = gn > 0 && pn > 0 ? gp / (gn * pn) : 0
        return MENDDiagnostics(cosine: cosine, gradientNorm: gn, pseudoGradientNorm: pn)
    }

    /// ⟨Σ_i a_i b_iᵀ, Σ_j c_j e_jᵀ⟩_F for rows a, c (N, d_out) and b, e (N, d_in).
    func frobeniusInner(_ a: [Float], _ b: [Float], _ c: [Float], _ e: [Float],
                                _ t: MENDTransformed) -> Double {
        let n = t.rows
        guard n > 0 else { return 0 }
        var ac = [Float](repeating: 0, count: n * n)
        var be = [Float](repeating: 0, count: n * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(t.dOut),
                    1, a, Int32(t.dOut), c, Int32(t.dOut), 0, &ac, Int32(n))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(t.dIn),
                    1, b, Int32(t.dIn), e, Int32(t.dIn), 0, &be, Int32(n))
        var sum = 0.0
        for k in 0..<(n * n) { sum += Double(ac[k]) * Double(be[k]) }
        return sum
    }
}
