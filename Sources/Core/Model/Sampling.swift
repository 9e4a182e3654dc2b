import Foundation

/// Picks the next token from a row of logits: argmax at temperature 0, otherwise a draw from
/// softmax(logits / temperature) restricted to the nucleus (the most likely tokens whose
/// probabilities reach top_p).
struct Sampler {
    let temperature: Float
    let topP: Float
    var rng: SeededRandom

    init(temperature: Float, topP: Float, seed: UInt64) {
        self.temperature = temperature
        self.topP = topP
        rng = SeededRandom(seed: seed)
    }

    mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int {
        let n = logits.count, base = logits.baseAddress!
        let best = Loss.argmax(base, n)
        guard temperature > 0 else { return best }
        var probs = [Float](repeating: 0, count: n)
        var m = -Float.infinity
        for j in 0..<n { m = max(m, logits[j]) }
        var sum = 0.0
        for j in 0..<n {
            let e = Foundation.exp((logits[j] - m) / temperature)
            probs[j] = e; sum += Double(e)
        }
        let r = rng.nextUnit()
        if topP >= 1 {
            var acc = 0.0
            for j in 0..<n {
                acc += Double(probs[j])
                if acc > r * sum { return j }
            }
            return best
        }
        // Tokens below (1 − top_p) / (n − 1) of the mass can never be in the nucleus: sort only the rest.
        let cutoff = Float(sum) * (1 - topP) / Float(max(n - 1, 1))
        var candidates = (0..<n).filter { probs[$0] >= cutoff }
        if candidates.isEmpty { return best }
        candidates.sort { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
        var kept = 0, mass = 0.0
        let limit = Double(topP) * sum
        for j in candidates {
            mass += Double(probs[j]); kept += 1
            if mass >= limit { break }
        }
        var acc = 0.0
        let target = r * mass
        for j in candidates.prefix(kept) {
            acc += Double(probs[j])
            if acc > target { return j }
        }
        return candidates[kept - 1]
    }
}
