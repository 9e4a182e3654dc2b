/// SplitMix64: the fixed generator behind the data's seeded choices (ConvSent sentiment, question
/// and target), so every machine builds the same records.
struct DataRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An index in 0..<count (count > 0), by the same arithmetic on every platform.
    mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }
}
