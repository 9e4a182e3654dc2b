/// Creating tensors: constant fills, ranges, identity matrices and seeded random draws.
extension Tensor {
    public static func zeros(_ shape: [Int]) throws -> Tensor { try full(shape, 0, op: "zeros") }

    public static func ones(_ shape: [Int]) throws -> Tensor { try full(shape, 1, op: "ones") }

    public static func full(_ shape: [Int], _ value: Float) throws -> Tensor { try full(shape, value, op: "full") }

    private static func full(_ shape: [Int], _ value: Float, op: String) throws -> Tensor {
        let n = try elementCount(shape, op: op)
        return Tensor(shape: shape, data: [Float](repeating: value, count: n))
    }

    /// Standard normal values from `rng`.
    public static func randn(_ shape: [Int], using rng: inout TensorRNG) throws -> Tensor {
        let n = try elementCount(shape, op: "randn")
        var data = [Float](repeating: 0, count: n)
        for i in 0..<n { data[i] = rng.normal() }
        return Tensor(shape: shape, data: data)
    }

    /// Standard normal values drawn from a generator seeded with `seed`.
    public static func randn(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var rng = TensorRNG(seed: seed)
        return try randn(shape, using: &rng)
    }

    /// Uniform values in [0, 1) from `rng`.
    public static func rand(_ shape: [Int], using rng: inout TensorRNG) throws -> Tensor {
        let n = try elementCount(shape, op: "rand")
        var data = [Float](repeating: 0, count: n)
        for i in 0..<n { data[i] = rng.uniform() }
        return Tensor(shape: shape, data: data)
    }

    /// Uniform values in [0, 1) drawn from a generator seeded with `seed`.
    public static func rand(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var rng = TensorRNG(seed: seed)
        return try rand(shape, using: &rng)
    }

    /// `start, start + step, ...` up to but excluding `stop` (NumPy's arange), as a 1-D tensor.
    public static func arange(_ start: Double, _ stop: Double, _ step: Double = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, stop.isFinite else {
            throw InstructEditError("arange: start, stop and step must be finite and step non-zero (got \(start), \(stop), \(step))")
        }
        let steps = ((stop - start) / step).rounded(.up)
        // Checked as a Double: converting a huge one to Int is undefined in the unchecked build.
        guard steps <= Double(SizeCheck.maxElements) else {
            throw InstructEditError("arange: the range would have more than \(SizeCheck.maxElements) elements")
        }
        let n = Swift.max(0, Int(steps))
        return Tensor((0..<n).map { Float(start + Double($0) * step) })
    }

    /// The `n`×`m` identity matrix (`m` defaults to `n`).
    public static func eye(_ n: Int, _ m: Int? = nil) throws -> Tensor {
        let m = m ?? n
        var t = try zeros([n, m])
        for i in 0..<Swift.min(n, m) { t.data[i * m + i] = 1 }
        return t
    }
}
