/// Running per-coordinate mean and variance of a stream of rows (Welford, with Chan et al.'s
/// parallel merge of a whole batch at once). Kept in Double so millions of rows lose no precision.
/// The variance is the sample variance M2/(n − 1); with fewer than two rows there is none, and the
/// statistics normalise as mean 0, σ 1, which is what a fresh editor does.
public struct MENDRunningStats: Sendable, Equatable {
    public internal(set) var count: Int
    public internal(set) var mean: [Double]
    /// Sum of squared deviations from the mean.
    public internal(set) var m2: [Double]

    public init(width: Int) {
        count = 0
        mean = [Double](repeating: 0, count: width)
        m2 = [Double](repeating: 0, count: width)
    }

    init(count: Int, mean: [Double], m2: [Double]) {
        self.count = count; self.mean = mean; self.m2 = m2
    }

    public var width: Int { mean.count }

    /// Sample variance per coordinate (1 while fewer than two rows have been seen).
    public var variance: [Double] {
        count < 2 ? [Double](repeating: 1, count: width) : m2.map { $0 / Double(count - 1) }
    }

    /// Merges `n` rows of `width` floats (row-major) into the statistics.
    mutating func update(rows: UnsafePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        let w = width
        var bMean = [Double](repeating: 0, count: w)
        var bM2 = [Double](repeating: 0, count: w)
        bMean.withUnsafeMutableBufferPointer { bm in
            bM2.withUnsafeMutableBufferPointer { bs in
                for i in 0..<n {
                    let row = rows + i * w
                    for j in 0..<w { bm[j] += Double(row[j]) }
                }
                for j in 0..<w { bm[j] /= Double(n) }
                for i in 0..<n {
                    let row = rows + i * w
                    for j in 0..<w { let d = Double(row[j]) - bm[j]; bs[j] += d * d }
                }
            }
        }
        let na = Double(count), nb = Double(n), total = na + nb
        mean.withUnsafeMutableBufferPointer { m in
            m2.withUnsafeMutableBufferPointer { s in
                for j in 0..<w {
                    let d = bMean[j] - m[j]
                    m[j] += d * nb / total
                    s[j] += bM2[j] + d * d * na * nb / total
                }
            }
        }
        count += n
    }

    /// Float shift and scale so that x̄ = (x − shift) · scale = (x − μ)/(σ + ε).
    func normaliser(epsilon: Float) -> (shift: [Float], scale: [Float]) {
        let v = variance
        let shift = count < 2 ? [Float](repeating: 0, count: width) : mean.map { Float($0) }
        let scale = v.map { 1 / (Float($0.squareRoot()) + epsilon) }
        return (shift, scale)
    }
}
