import Foundation

/// Softmax, ranking and comparison.
extension Tensor {
    /// Softmax along `dim` (default: the last), computed stably by subtracting each line's maximum.
    public func softmax(dim: Int = -1) throws -> Tensor {
        try alongLines(dim, op: "softmax") { line in
            let m = line.max() ?? 0
            var total = 0.0
            for i in line.indices { line[i] = Foundation.exp(line[i] - m); total += Double(line[i]) }
            let inv = Float(1 / total)
            for i in line.indices { line[i] *= inv }
        }
    }

    /// log(softmax) along `dim`, computed as x - max - log Σ exp(x - max).
    public func logSoftmax(dim: Int = -1) throws -> Tensor {
        try alongLines(dim, op: "log_softmax") { line in
            let m = line.max() ?? 0
            var total = 0.0
            for x in line { total += Double(Foundation.exp(x - m)) }
            let shift = m + Float(Foundation.log(total))
            for i in line.indices { line[i] -= shift }
        }
    }

    /// The `k` largest (or smallest) entries of each line along the last dimension, best first, and
    /// their 0-based indices. Ties keep the lower index first.
    public func topk(_ k: Int, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        guard rank >= 1 else { throw InstructEditError("topk: expects at least a 1-D tensor, got a scalar") }
        let n = shape[rank - 1]
        guard k >= 0 && k <= n else {
            throw InstructEditError("topk: k = \(k) out of range for a last dimension of size \(n)")
        }
        return try rankLines(-1, keep: k, descending: largest, op: "topk")
    }

    /// Sorted along `dim` (default: the last) with the 0-based indices of the original positions;
    /// a stable sort.
    public func sort(dim: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizedDim(dim, op: "sort")
        return try rankLines(d, keep: shape[d], descending: descending, op: "sort")
    }

    /// Cosine similarity: of two 1-D tensors (a scalar tensor), or row by row of two matrices of one
    /// shape (a 1-D tensor with one value per row). A zero vector has similarity 0.
    public func cosineSimilarity(_ other: Tensor) throws -> Tensor {
        guard shape == other.shape, rank == 1 || rank == 2 else {
            throw InstructEditError("cosine_similarity: expects two 1-D or two 2-D tensors of one size, got \(Tensor.describe(shape)) and \(Tensor.describe(other.shape))")
        }
        let rows = rank == 1 ? 1 : shape[0], cols = shape[rank - 1]
        var out = [Float](repeating: 0, count: rows)
        data.withUnsafeBufferPointer { a in
            other.data.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    var ab = 0.0, aa = 0.0, bb = 0.0
                    for j in 0..<cols {
                        let x = Double(a[r * cols + j]), y = Double(b[r * cols + j])
                        ab += x * y; aa += x * x; bb += y * y
                    }
                    let denom = (aa * bb).squareRoot()
                    out[r] = denom > 0 ? Float(ab / denom) : 0
                }
            }
        }
        return rank == 1 ? Tensor(scalar: out[0]) : Tensor(shape: [rows], data: out)
    }

    /// Whether both tensors have one shape and |a - b| <= atol + rtol·|b| everywhere (NumPy's rule;
    /// NaNs are never close).
    public func allclose(_ other: Tensor, rtol: Float = 1e-5, atol: Float = 1e-8) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count {
            let a = data[i], b = other.data[i]
            if a == b { continue }  // equal infinities
            if !(Swift.abs(a - b) <= atol + rtol * Swift.abs(b)) { return false }
        }
        return true
    }

    // MARK: - Machinery

    /// Copies each line along `dim` into a scratch buffer, lets `f` rewrite it, and writes it back.
    private func alongLines(_ dim: Int, op: String, _ f: (inout [Float]) -> Void) throws -> Tensor {
        let d = try normalizedDim(dim, op: op)
        let (outer, size, inner) = split(at: d)
        var out = self
        var line = [Float](repeating: 0, count: size)
        for o in 0..<outer {
            for j in 0..<inner {
                let base = o * size * inner + j
                for i in 0..<size { line[i] = data[base + i * inner] }
                f(&line)
                for i in 0..<size { out.data[base + i * inner] = line[i] }
            }
        }
        return out
    }

    /// The first `keep` entries of each line along `d` after a stable sort, with their indices.
    private func rankLines(_ dim: Int, keep: Int, descending: Bool, op: String) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizedDim(dim, op: op)
        let (outer, size, inner) = split(at: d)
        var shapeOut = shape
        shapeOut[d] = keep
        var values = [Float](repeating: 0, count: outer * keep * inner)
        var indices = values
        var order = [Int](repeating: 0, count: size)
        for o in 0..<outer {
            for j in 0..<inner {
                let base = o * size * inner + j
                for i in 0..<size { order[i] = i }
                // NaN ranks as the largest value, as in Torch.
                let key = { (i: Int) -> Float in self.data[base + i * inner] }
                let before = { (x: Int, y: Int) -> Bool in
                    let a = key(x), b = key(y)
                    switch (a.isNaN, b.isNaN) {
                    case (true, true): return x < y
                    case (true, false): return descending
                    case (false, true): return !descending
                    case (false, false): if a != b { return descending ? a > b : a < b }
                    }
                    return x < y
                }
                if keep < size / 8 {
                    Tensor.partialSort(&order, keep: keep, by: before)
                } else {
                    order.sort(by: before)
                }
                let outBase = o * keep * inner + j
                for r in 0..<keep {
                    values[outBase + r * inner] = key(order[r])
                    indices[outBase + r * inner] = Float(order[r])
                }
            }
        }
        return (Tensor(shape: shapeOut, data: values), Tensor(shape: shapeOut, data: indices))
    }

    /// Puts the `keep` first elements under `before` at the front, in order (a bounded insertion
    /// pass: O(n·keep) at worst, O(n) for typical data and small keep).
    private static func partialSort(_ order: inout [Int], keep: Int, by before: (Int, Int) -> Bool) {
        guard keep > 0 else { return }
        var top: [Int] = []
        top.reserveCapacity(keep + 1)
        for i in order {
            if top.count == keep, let last = top.last, !before(i, last) { continue }
            var pos = top.count
            while pos > 0 && before(i, top[pos - 1]) { pos -= 1 }
            top.insert(i, at: pos)
            if top.count > keep { top.removeLast() }
        }
        for r in 0..<keep { order[r] = top[r] }
    }
}
