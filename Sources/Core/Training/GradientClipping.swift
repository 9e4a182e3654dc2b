/// Global gradient-norm clipping over several gradient buffers taken as one vector, and the
/// non-finite check that decides whether a step is skipped.
public enum GradientClipping {
    /// ‖g‖₂ over all buffers together (accumulated in Double; +∞ or NaN if any entry is).
    public static func globalNorm(_ buffers: [UnsafeMutableBufferPointer<Float>]) -> Double {
        var sum = 0.0
        for b in buffers { for x in b { sum += Double(x) * Double(x) } }
        return sum.squareRoot()
    }

    /// True when every entry of every buffer is finite.
    public static func allFinite(_ buffers: [UnsafeMutableBufferPointer<Float>]) -> Bool {
        buffers.allSatisfy { $0.allSatisfy(\.isFinite) }
    }

    /// Scales all buffers by maxNorm/‖g‖ when the global norm exceeds `maxNorm`, and returns
    /// the norm before clipping. A non-finite norm leaves the buffers untouched (the caller skips
    /// the step).
    @discardableResult
    public static func clip(_ buffers: [UnsafeMutableBufferPointer<Float>], maxNorm: Float) -> Double {
        let norm = globalNorm(buffers)
        guard norm.isFinite, norm > Double(maxNorm) else { return norm }
        let scale = Float(Double(maxNorm) / norm)
        for b in buffers { for i in b.indices { b[i] *= scale } }
        return norm
    }
}
