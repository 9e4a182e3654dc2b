import Foundation

/// Elementwise arithmetic. Binary operations broadcast as NumPy does: shapes are aligned at the
/// right, and each pair of sizes must be equal or one of them 1.
extension Tensor {
    public func add(_ other: Tensor) throws -> Tensor { try broadcastZip(other, op: "add", +) }
    public func sub(_ other: Tensor) throws -> Tensor { try broadcastZip(other, op: "sub", -) }
    public func mul(_ other: Tensor) throws -> Tensor { try broadcastZip(other, op: "mul", *) }
    public func div(_ other: Tensor) throws -> Tensor { try broadcastZip(other, op: "div", /) }
    public func pow(_ other: Tensor) throws -> Tensor { try broadcastZip(other, op: "pow") { Foundation.pow($0, $1) } }

    public func add(_ s: Float) -> Tensor { map { $0 + s } }
    public func sub(_ s: Float) -> Tensor { map { $0 - s } }
    public func mul(_ s: Float) -> Tensor { map { $0 * s } }
    public func div(_ s: Float) -> Tensor { map { $0 / s } }
    public func pow(_ s: Float) -> Tensor {
        if s == 2 { return map { $0 * $0 } }
        return map { Foundation.pow($0, s) }
    }

    public func neg() -> Tensor { map { -$0 } }
    public func exp() -> Tensor { map { Foundation.exp($0) } }
    public func log() -> Tensor { map { Foundation.log($0) } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func tanh() -> Tensor { map { Foundation.tanh($0) } }
    public func sigmoid() -> Tensor { map { 1 / (1 + Foundation.exp(-$0)) } }
    public func relu() -> Tensor { map { Swift.max($0, 0) } }

    /// Values limited to `[min, max]`; either bound may be omitted.
    public func clamp(min lo: Float? = nil, max hi: Float? = nil) throws -> Tensor {
        if let lo, let hi, lo > hi { throw InstructEditError("clamp: min \(lo) is greater than max \(hi)") }
        let l = lo ?? -.infinity, h = hi ?? .infinity
        return map { Swift.min(Swift.max($0, l), h) }
    }

    /// `f` applied to every element.
    public func map(_ f: (Float) -> Float) -> Tensor {
        var out = data
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] = f(o[i]) }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Where two shapes fail to broadcast: sizes `x` (first shape) and `y` (second) in the dimension
    /// `fromEnd` places from the end (1 = the last).
    public struct BroadcastMismatch: Error, Sendable {
        public let fromEnd: Int, x: Int, y: Int
    }

    /// The shape `a` and `b` broadcast to (NumPy's rule: aligned from the end, sizes equal or 1).
    public static func broadcast(_ a: [Int], _ b: [Int]) -> Result<[Int], BroadcastMismatch> {
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            guard x == y || x == 1 || y == 1 else { return .failure(BroadcastMismatch(fromEnd: n - i, x: x, y: y)) }
            out[i] = x == 1 ? y : x
        }
        return .success(out)
    }

    /// The shape two shapes broadcast to, or an error naming the operation and both shapes.
    static func broadcastShape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        switch broadcast(a, b) {
        case .success(let shape):
            // Both inputs fit the budget, but [n, 1] with [1, m] makes n·m elements.
            _ = try SizeCheck.elements(shape, op: op)
            return shape
        case .failure(let m):
            let dimension = Swift.max(a.count, b.count) - m.fromEnd
            throw InstructEditError("\(op): shapes \(describe(a)) and \(describe(b)) cannot be broadcast together (dimension \(dimension): \(m.x) vs \(m.y))")
        }
    }

    /// `f` applied pairwise after broadcasting both tensors to one shape.
    func broadcastZip(_ other: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        if shape == other.shape {
            var out = data
            out.withUnsafeMutableBufferPointer { o in
                other.data.withUnsafeBufferPointer { b in
                    for i in 0..<o.count { o[i] = f(o[i], b[i]) }
                }
            }
            return Tensor(shape: shape, data: out)
        }
        let outShape = try Tensor.broadcastShape(shape, other.shape, op: op)
        if other.count == 1 {
            let s = other.data[0]
            return Tensor(shape: outShape, data: map { f($0, s) }.data)
        }
        if count == 1 {
            let s = data[0]
            return Tensor(shape: outShape, data: other.map { f(s, $0) }.data)
        }
        let sa = broadcastStrides(to: outShape), sb = other.broadcastStrides(to: outShape)
        let n = outShape.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        guard n > 0 else { return Tensor(shape: outShape, data: out) }
        let r = outShape.count, last = r - 1
        let innerN = outShape[last], ia = sa[last], ib = sb[last]
        var index = [Int](repeating: 0, count: r)
        var offA = 0, offB = 0
        data.withUnsafeBufferPointer { a in
            other.data.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    var dst = 0
                    while dst < n {
                        var pa = offA, pb = offB
                        for _ in 0..<innerN {
                            o[dst] = f(a[pa], b[pb])
                            dst += 1
                            pa += ia
                            pb += ib
                        }
                        var d = last - 1
                        while d >= 0 {
                            index[d] += 1
                            offA += sa[d]
                            offB += sb[d]
                            if index[d] < outShape[d] { break }
                            offA -= sa[d] * outShape[d]
                            offB -= sb[d] * outShape[d]
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Strides for reading this tensor as if it had `target` shape (0 along broadcast dimensions).
    private func broadcastStrides(to target: [Int]) -> [Int] {
        let own = Tensor.strides(shape)
        let pad = target.count - rank
        return (0..<target.count).map { i in
            i < pad || shape[i - pad] == 1 ? 0 : own[i - pad]
        }
    }
}
