extension LlamaWeights {
    /// A model with seeded random weights, for tests and timings: matrices uniform with standard
    /// deviation gain/sqrt(in), the embedding with standard deviation 1, norm weights 1 ± 0.1·gain.
    static func random(_ c: LlamaConfig, seed: UInt64, gain: Float = 1) -> LlamaWeights {
        let w = LlamaWeights(config: c)
        var rng = SeededRandom(seed: seed)
        for p in w.all {
            let b = w.mutableBuffer(p)
            if p.cols == 1 {
                for i in b.indices { b[i] = 1 + 0.1 * gain * Float(2 * rng.nextUnit() - 1) }
            } else {
                let sd: Float = p == w.tokenEmbedding ? 1 : gain / Float(p.cols).squareRoot()
                let half = sd * Float(3).squareRoot()   // uniform(−a, a) has sd a/√3
                for i in b.indices { b[i] = half * Float(2 * rng.nextUnit() - 1) }
            }
        }
        return w
    }
}
