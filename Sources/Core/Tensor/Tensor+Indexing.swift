/// Taking parts of tensors and putting tensors together. Indices are 0-based; negative indices count
/// from the end of their dimension.
extension Tensor {
    /// `length` consecutive entries of dimension `dim` from `start` (Torch's narrow; also slicing).
    public func narrow(_ dim: Int, start: Int, length: Int) throws -> Tensor {
        let d = try normalizedDim(dim, op: "narrow")
        let size = shape[d]
        let s = start < 0 ? start + size : start
        guard s >= 0, length >= 0, s + length <= size else {
            throw InstructEditError("narrow: start \(start) and length \(length) out of range for dimension \(dim) of size \(size) (tensor of size \(Tensor.describe(shape)))")
        }
        return try gather(d, (s..<(s + length)).map { $0 }, op: "narrow")
    }

    /// The slice at `index` of dimension `dim`, which is removed from the shape.
    public func select(_ dim: Int, _ index: Int) throws -> Tensor {
        let d = try normalizedDim(dim, op: "select")
        let i = try normalizedIndex(index, size: shape[d], op: "select", dim: dim)
        var out = try gather(d, [i], op: "select")
        out.shape.remove(at: d)
        return out
    }

    /// The entries of dimension `dim` at `indices`, in that order (repeats allowed).
    public func indexSelect(_ dim: Int, _ indices: [Int]) throws -> Tensor {
        let d = try normalizedDim(dim, op: "index_select")
        let idx = try indices.map { try normalizedIndex($0, size: shape[d], op: "index_select", dim: dim) }
        return try gather(d, idx, op: "index_select")
    }

    /// The element at a full multi-index.
    public func element(at index: [Int]) throws -> Float {
        data[try flatOffset(index, op: "get")]
    }

    /// Sets the element at a full multi-index.
    public mutating func setElement(_ value: Float, at index: [Int]) throws {
        data[try flatOffset(index, op: "set")] = value
    }

    /// Joins tensors along an existing dimension; all other sizes must agree.
    public static func concat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw InstructEditError("concat: no tensors given") }
        let d = try first.normalizedDim(dim, op: "concat")
        for (k, t) in tensors.enumerated() {
            var a = t.shape, b = first.shape
            guard a.count == b.count else {
                throw InstructEditError("concat: tensor \(k) has size \(describe(t.shape)), tensor 0 has size \(describe(first.shape)) (ranks differ)")
            }
            a[d] = 0
            b[d] = 0
            guard a == b else {
                throw InstructEditError("concat: tensor \(k) has size \(describe(t.shape)), tensor 0 has size \(describe(first.shape)); only dimension \(dim) may differ")
            }
        }
        var shape = first.shape
        shape[d] = try SizeCheck.sum(tensors.map { $0.shape[d] }, what: "concat")
        _ = try SizeCheck.elements(shape, op: "concat")
        let outer = first.shape[..<d].reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for t in tensors {
                let block = t.count / Swift.max(outer, 1)
                out.append(contentsOf: t.data[(o * block)..<((o + 1) * block)])
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Joins tensors of one shape along a new dimension `dim`.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw InstructEditError("stack: no tensors given") }
        for (k, t) in tensors.enumerated() where t.shape != first.shape {
            throw InstructEditError("stack: tensor \(k) has size \(describe(t.shape)), tensor 0 has size \(describe(first.shape)); all must be equal")
        }
        let d = try first.normalizedDim(dim, op: "stack", rank: first.rank + 1)
        return try concat(tensors.map { try $0.unsqueeze(d) }, dim: d)
    }

    func normalizedIndex(_ index: Int, size: Int, op: String, dim: Int) throws -> Int {
        let i = index < 0 ? index + size : index
        guard i >= 0 && i < size else {
            throw InstructEditError("\(op): index \(index) out of range for dimension \(dim) of size \(size) (tensor of size \(Tensor.describe(shape)))")
        }
        return i
    }

    private func flatOffset(_ index: [Int], op: String) throws -> Int {
        guard index.count == rank else {
            throw InstructEditError("\(op): \(index.count) indices given for a tensor of rank \(rank) (size \(Tensor.describe(shape)))")
        }
        var offset = 0
        for (d, i) in index.enumerated() {
            offset = offset * shape[d] + (try normalizedIndex(i, size: shape[d], op: op, dim: d))
        }
        return offset
    }

    /// Copies the given (already valid) entries of dimension `d`.
    private func gather(_ d: Int, _ indices: [Int], op: String) throws -> Tensor {
        let (outer, size, inner) = split(at: d)
        var newShape = shape
        newShape[d] = indices.count
        _ = try SizeCheck.elements(newShape, op: op)
        var out = [Float](repeating: 0, count: outer * indices.count * inner)
        data.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                var dst = 0
                for b in 0..<outer {
                    for i in indices {
                        let src = (b * size + i) * inner
                        for j in 0..<inner { o[dst + j] = a[src + j] }
                        dst += inner
                    }
                }
            }
        }
        return Tensor(shape: newShape, data: out)
    }
}
