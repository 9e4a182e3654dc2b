import Foundation

/// Reductions over all elements (returning a number) or along one dimension (returning a tensor
/// without that dimension, or with it kept at size 1 when `keepdim`). Sums accumulate in Double.
/// Index results (argmax, the indices of max/min) are 0-based and held in Float tensors, exact up to
/// 2^24.
extension Tensor {
    public func sum() -> Float { Float(Tensor.sum(data.withUnsafeBufferPointer { $0.baseAddress }, count, 1)) }

    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try reduce(dim, keepdim: keepdim, op: "sum") { p, n, s in Float(Tensor.sum(p, n, s)) }
    }

    /// Mean of all elements (NaN for an empty tensor).
    public func mean() -> Float { Float(Double(sum()) / Double(count)) }

    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try reduce(dim, keepdim: keepdim, op: "mean") { p, n, s in Float(Tensor.sum(p, n, s) / Double(n)) }
    }

    public func max() throws -> Float { data[try argmax()] }
    public func min() throws -> Float { data[try argmin()] }

    /// Flat index of the largest element (the first one on ties; NaN counts as largest).
    public func argmax() throws -> Int {
        guard count > 0 else { throw InstructEditError("argmax: tensor is empty") }
        return data.withUnsafeBufferPointer { Tensor.extremum($0.baseAddress!, count, 1, largest: true) }
    }

    public func argmin() throws -> Int {
        guard count > 0 else { throw InstructEditError("argmin: tensor is empty") }
        return data.withUnsafeBufferPointer { Tensor.extremum($0.baseAddress!, count, 1, largest: false) }
    }

    /// Largest values along `dim` and where they are.
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extrema(dim, keepdim: keepdim, largest: true, op: "max")
    }

    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extrema(dim, keepdim: keepdim, largest: false, op: "min")
    }

    public func argmax(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try extrema(dim, keepdim: keepdim, largest: true, op: "argmax").indices
    }

    public func argmin(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try extrema(dim, keepdim: keepdim, largest: false, op: "argmin").indices
    }

    /// Variance of all elements; `unbiased` divides by n - 1 (Torch's default), else by n.
    public func variance(unbiased: Bool = true) -> Float {
        data.withUnsafeBufferPointer { Float(Tensor.variance($0.baseAddress, count, 1, unbiased: unbiased)) }
    }

    public func variance(dim: Int, keepdim: Bool = false, unbiased: Bool = true) throws -> Tensor {
        try reduce(dim, keepdim: keepdim, op: "var") { p, n, s in Float(Tensor.variance(p, n, s, unbiased: unbiased)) }
    }

    public func std(unbiased: Bool = true) -> Float { variance(unbiased: unbiased).squareRoot() }

    public func std(dim: Int, keepdim: Bool = false, unbiased: Bool = true) throws -> Tensor {
        try variance(dim: dim, keepdim: keepdim, unbiased: unbiased).sqrt()
    }

    /// The p-norm of all elements: p = 2 (default; the Frobenius norm of a matrix), 1, `.infinity`
    /// (largest magnitude), or any other p > 0.
    public func norm(p: Float = 2) throws -> Float {
        try Tensor.checkNormOrder(p)
        return data.withUnsafeBufferPointer { Float(Tensor.norm($0.baseAddress, count, 1, p: Double(p))) }
    }

    public func norm(p: Float = 2, dim: Int, keepdim: Bool = false) throws -> Tensor {
        try Tensor.checkNormOrder(p)
        return try reduce(dim, keepdim: keepdim, op: "norm") { ptr, n, s in Float(Tensor.norm(ptr, n, s, p: Double(p))) }
    }

    // MARK: - Machinery

    /// Applies `f(start, count, stride)` to every line along `dim`.
    func reduce(_ dim: Int, keepdim: Bool, op: String,
                _ f: (UnsafePointer<Float>?, Int, Int) -> Float) throws -> Tensor {
        let d = try normalizedDim(dim, op: op)
        let (outer, size, inner) = split(at: d)
        var out = [Float](repeating: 0, count: outer * inner)
        data.withUnsafeBufferPointer { a in
            for o in 0..<outer {
                for j in 0..<inner { out[o * inner + j] = f(a.baseAddress.map { $0 + o * size * inner + j }, size, inner) }
            }
        }
        return Tensor(shape: reducedShape(d, keepdim: keepdim), data: out)
    }

    func reducedShape(_ d: Int, keepdim: Bool) -> [Int] {
        var s = shape
        if keepdim { s[d] = 1 } else { s.remove(at: d) }
        return s
    }

    private func extrema(_ dim: Int, keepdim: Bool, largest: Bool, op: String) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizedDim(dim, op: op)
        guard shape[d] > 0 else { throw InstructEditError("\(op): dimension \(dim) is empty (tensor of size \(Tensor.describe(shape)))") }
        let indices = try reduce(d, keepdim: keepdim, op: op) { p, n, s in Float(Tensor.extremum(p!, n, s, largest: largest)) }
        let (_, size, inner) = split(at: d)
        var values = indices
        for k in 0..<values.count {
            let (o, j) = (k / inner, k % inner)
            values.data[k] = data[(o * size + Int(indices.data[k])) * inner + j]
        }
        return (values, indices)
    }

    private static func checkNormOrder(_ p: Float) throws {
        guard p > 0 else { throw InstructEditError("norm: p must be positive or inf, got \(p)") }
    }

    static func sum(_ p: UnsafePointer<Float>?, _ n: Int, _ s: Int) -> Double {
        guard let p else { return 0 }
        var acc = 0.0
        for i in 0..<n { acc += Double(p[i * s]) }
        return acc
    }

    static func extremum(_ p: UnsafePointer<Float>, _ n: Int, _ s: Int, largest: Bool) -> Int {
        var best = 0
        var v = p[0]
        if v.isNaN { return 0 }
        for i in 1..<Swift.max(n, 1) {
            let x = p[i * s]
            if x.isNaN { return i }
            if largest ? x > v : x < v { v = x; best = i }
        }
        return best
    }

    static func variance(_ p: UnsafePointer<Float>?, _ n: Int, _ s: Int, unbiased: Bool) -> Double {
        guard let p, n > (unbiased ? 1 : 0) else { return .nan }
        let mean = sum(p, n, s) / Double(n)
        var acc = 0.0
        for i in 0..<n {
            let d = Double(p[i * s]) - mean
            acc += d * d
        }
        return acc / Double(unbiased ? n - 1 : n)
    }

    static func norm(_ p: UnsafePointer<Float>?, _ n: Int, _ s: Int, p order: Double) -> Double {
        guard let p else { return 0 }
        var acc = 0.0
        switch order {
        case .infinity: for i in 0..<n { acc = Swift.max(acc, Double(Swift.abs(p[i * s]))) }
        case 1: for i in 0..<n { acc += Double(Swift.abs(p[i * s])) }
        case 2:
            for i in 0..<n { let x = Double(p[i * s]); acc += x * x }
            acc = acc.squareRoot()
        default:
            for i in 0..<n { acc += Foundation.pow(Double(Swift.abs(p[i * s])), order) }
            acc = Foundation.pow(acc, 1 / order)
        }
        return acc
    }
}
