/// Keys (after RoPE) and values of every layer for the positions decoded so far, so each new token
/// costs one row of work instead of a pass over the whole sequence.
final class KVCache {
    let capacity: Int
    /// Positions filled (0..<count).
    var count = 0
    private let keys: [FloatBuffer]     // per layer (capacity, kvDim)
    private let values: [FloatBuffer]   // per layer (capacity, kvDim)

    init(_ c: LlamaConfig, capacity: Int) {
        self.capacity = capacity
        keys = (0..<c.layers).map { _ in FloatBuffer(capacity * c.kvDim) }
        values = (0..<c.layers).map { _ in FloatBuffer(capacity * c.kvDim) }
    }

    func layer(_ l: Int) -> LayerKV { LayerKV(keys: keys[l].p, values: values[l].p) }
}
