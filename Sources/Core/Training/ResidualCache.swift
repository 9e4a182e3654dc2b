/// Residual streams entering the lowest inner block, keyed by token sequence. Weights below that
/// block never change during editing or meta-training, so these are exact and computing them (the
/// bulk of a forward pass) happens once per distinct input.
final class ResidualCache: @unchecked Sendable {
    private var entries: [[Int]: [Float]] = [:]
    private var floats = 0
    let block: Int
    let capacityFloats: Int
    private(set) var hits = 0, misses = 0

    init(block: Int, capacityBytes: Int = 3 << 30) {
        self.block = block
        self.capacityFloats = capacityBytes / 4
    }

    func residual(_ w: LlamaWeights, _ tokens: [Int]) throws -> [Float] {
        if let r = entries[tokens] { hits += 1; return r }
        misses += 1
        let r = try LlamaTraining.residual(w, tokens: tokens, atBlock: block)
        if floats + r.count <= capacityFloats {
            entries[tokens] = r
            floats += r.count
        }
        return r
    }
}
