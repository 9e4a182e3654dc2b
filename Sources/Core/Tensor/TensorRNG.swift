import Foundation

/// `SeededRandom` with Float draws and a spare normal deviate, so that tensors drawn with the same
/// seed are the same on every machine and run.
public struct TensorRNG: RandomNumberGenerator, Sendable {
    private var base: SeededRandom
    /// Second normal deviate left over from the last Box-Muller pair.
    private var spareNormal: Float?

    public init(seed: UInt64) { base = SeededRandom(seed: seed) }

    public mutating func next() -> UInt64 { base.next() }

    /// Uniform in [0, 1), with 24 random bits (every value a Float can hold exactly).
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Standard normal deviate by the Box-Muller transform.
    public mutating func normal() -> Float {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2.0 * log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        spareNormal = Float(r * sin(theta))
        return Float(r * cos(theta))
    }
}
