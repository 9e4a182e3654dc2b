import Foundation

/// SplitMix64: one word of state, the seeding step of `SeededRandom`, and on its own the generator
/// behind choices that must come out the same on every machine (data records, tiny test models).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An index in 0..<count (count > 0), by the same arithmetic on every platform (Swift's
    /// `Int.random(in:using:)` does not promise that).
    mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }
}

/// The project's seeded generator: xoshiro256** seeded through SplitMix64. The same seed gives the
/// same stream on every platform (Swift's SystemRandomNumberGenerator cannot be seeded), and the
/// whole state is four words, so training can save it in a checkpoint and resume the same sequence.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var seeding = SplitMix64(seed: seed)
        (s0, s1, s2, s3) = (seeding.next(), seeding.next(), seeding.next(), seeding.next())
    }

    /// Restores a saved `state` (four words, not all zero).
    public init(state: [UInt64]) throws {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else {
            throw InstructEditError("random generator state must be four words, not all zero; got \(state.count) words")
        }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The four words to save; `init(state:)` resumes the stream from them.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal sample (Box–Muller, in Double).
    public mutating func nextGaussian() -> Double {
        let u1 = Double(next() >> 11 | 1) * 0x1p-53   // (0, 1): log stays finite
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
