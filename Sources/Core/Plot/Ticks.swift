import Foundation

/// Axis scales with "nice" round tick values (steps of 1, 2, 2.5 or 5 times a power of ten).
struct Ticks {
    var values: [Double]
    var labels: [String]

    /// About `target` ticks covering `lo...hi`.
    init(lo: Double, hi: Double, target: Int = 6) {
        let step = Ticks.niceStep(lo: lo, hi: hi, target: target)
        let first = (lo / step - 1e-9).rounded(.up) * step
        var values: [Double] = []
        var v = first
        while v <= hi + step * 1e-9 && values.count < 50 {
            values.append(Swift.abs(v) < step * 1e-9 ? 0 : v)
            v = first + Double(values.count) * step
        }
        self.values = values
        self.labels = Ticks.labels(values, step: step)
    }

    /// The step among 1, 2, 2.5 and 5 × 10^k whose tick count in `lo...hi` is closest to `target`
    /// (the smaller step on ties).
    static func niceStep(lo: Double, hi: Double, target: Int) -> Double {
        let raw = (hi - lo) / Double(Swift.max(target - 1, 1))
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        var best = magnitude, bestMiss = Int.max
        for m in [0.5, 1, 2, 2.5, 5, 10] {
            let step = m * magnitude
            let count = Int(Foundation.floor(hi / step + 1e-9) - Foundation.ceil(lo / step - 1e-9)) + 1
            let miss = Swift.abs(count - target)
            if miss < bestMiss { (best, bestMiss) = (step, miss) }
        }
        return best
    }

    /// Labels with just enough decimals for `step`; scientific notation for very large or small values.
    static func labels(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(Swift.abs).max() ?? 0
        if largest >= 1e5 || (largest > 0 && largest < 1e-3) {
            // m.me-k with as many mantissa decimals as the step needs.
            let exponent = Int(Foundation.floor(Foundation.log10(largest)))
            let decimals = Swift.min(4, Swift.max(0, exponent - Int(Foundation.floor(Foundation.log10(step) + 1e-9))))
            let unit = Foundation.pow(10, Double(exponent))
            return values.map { $0 == 0 ? "0" : String(format: "%.\(decimals)fe\(exponent)", $0 / unit) }
        }
        var decimals = Swift.max(0, -Int(Foundation.floor(Foundation.log10(step) + 1e-9)))
        if (step / Foundation.pow(10, -Double(decimals))).truncatingRemainder(dividingBy: 1) > 1e-6 { decimals += 1 }
        return values.map { String(format: "%.\(decimals)f", $0) }
    }

    /// A data range widened by `margin` of its span on each side (a point range gets ±0.5 or ±|v|/10).
    static func padded(_ lo: Double, _ hi: Double, margin: Double = 0.05) -> (Double, Double) {
        guard lo.isFinite, hi.isFinite else { return (0, 1) }
        if hi - lo <= Swift.abs(hi) * 1e-12 {
            let d = lo == 0 ? 0.5 : Swift.abs(lo) / 10
            return (lo - d, hi + d)
        }
        let d = (hi - lo) * margin
        return (lo - d, hi + d)
    }
}
