/// Reshaping and reordering dimensions. All of these return new tensors (no aliasing views).
extension Tensor {
    /// The same values in a new shape; one size may be -1 and is then inferred.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        let given = "reshape: cannot reshape a tensor of size \(Tensor.describe(shape)) to \(Tensor.describe(newShape))"
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1 else { throw InstructEditError("\(given): only one size may be -1") }
        var known = 1
        for s in newShape where s != -1 {
            guard s >= 0 else { throw InstructEditError("\(given): size \(s) is negative") }
            // Overflow-checked: a wrapped product could match the count by accident.
            let (p, overflow) = known.multipliedReportingOverflow(by: s)
            guard !overflow else { throw InstructEditError("\(given): the sizes are too large") }
            known = p
        }
        if let i = inferred.first {
            guard known > 0, count % known == 0 else { throw InstructEditError("\(given): \(count) elements do not divide evenly") }
            resolved[i] = count / known
        } else if known != count {
            throw InstructEditError("\(given): \(count) elements vs \(known)")
        }
        _ = try SizeCheck.elements(resolved, op: "reshape")
        return Tensor(shape: resolved, data: data)
    }

    /// The values as a 1-D tensor.
    public func flatten() -> Tensor { Tensor(shape: [count], data: data) }

    /// Removes dimension `dim` if its size is 1 (or every size-1 dimension when `dim` is nil).
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        guard let dim else { return Tensor(shape: shape.filter { $0 != 1 }, data: data) }
        let d = try normalizedDim(dim, op: "squeeze")
        guard shape[d] == 1 else { return self }
        var s = shape
        s.remove(at: d)
        return Tensor(shape: s, data: data)
    }

    /// Inserts a size-1 dimension at position `dim` (0...rank; negative counts from rank + 1).
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let d = try normalizedDim(dim, op: "unsqueeze", rank: rank + 1)
        var s = shape
        s.insert(1, at: d)
        return Tensor(shape: s, data: data)
    }

    /// The dimensions reordered: dimension `i` of the result is dimension `dims[i]` of this tensor.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw InstructEditError("permute: \(dims.count) dimensions given for a tensor of rank \(rank)")
        }
        let order = try dims.map { try normalizedDim($0, op: "permute") }
        guard Set(order).count == rank else {
            throw InstructEditError("permute: dimensions \(Tensor.describe(dims)) repeat a dimension")
        }
        if order == Array(0..<rank) { return self }
        let newShape = order.map { shape[$0] }
        let oldStrides = Tensor.strides(shape)
        let srcStrides = order.map { oldStrides[$0] }
        var out = [Float](repeating: 0, count: count)
        guard count > 0 else { return Tensor(shape: newShape, data: out) }
        // Walk the output in order with an odometer over its shape, tracking the source offset.
        let last = rank - 1
        let innerN = newShape[last], innerStride = srcStrides[last]
        var index = [Int](repeating: 0, count: rank)
        var src = 0
        data.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                var dst = 0
                while dst < o.count {
                    var s = src
                    for _ in 0..<innerN {
                        o[dst] = a[s]
                        dst += 1
                        s += innerStride
                    }
                    var d = last - 1
                    while d >= 0 {
                        index[d] += 1
                        src += srcStrides[d]
                        if index[d] < newShape[d] { break }
                        src -= srcStrides[d] * newShape[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return Tensor(shape: newShape, data: out)
    }

    /// Swaps two dimensions.
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let a = try normalizedDim(dim0, op: "transpose"), b = try normalizedDim(dim1, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return try permute(order)
    }

    /// The transpose of a matrix (a 1-D tensor is returned as is).
    public func t() throws -> Tensor {
        guard rank <= 2 else {
            throw InstructEditError("t: expects a 1-D or 2-D tensor, got size \(Tensor.describe(shape)); use transpose(dim0, dim1)")
        }
        return rank == 2 ? try permute([1, 0]) : self
    }
}
