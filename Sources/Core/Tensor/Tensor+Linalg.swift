import CBLAS

/// Matrix products through BLAS.
extension Tensor {
    /// Matrix product: 2-D × 2-D (sgemm), 2-D × 1-D and 1-D × 2-D (sgemv), 1-D × 1-D (dot, a
    /// scalar), and batched 3-D × 3-D or 3-D × 2-D (one sgemm per batch entry).
    public func matmul(_ other: Tensor) throws -> Tensor {
        let mismatch = "matmul: inner dimensions differ: \(Tensor.describe(shape)) x \(Tensor.describe(other.shape))"
        switch (rank, other.rank) {
        case (1, 1):
            return Tensor(scalar: try dot(other))
        case (2, 1):
            guard shape[1] == other.shape[0] else { throw InstructEditError(mismatch) }
            return Tensor(shape: [shape[0]], data: Tensor.gemv(data, rows: shape[0], cols: shape[1], other.data, transposed: false))
        case (1, 2):
            guard shape[0] == other.shape[0] else { throw InstructEditError(mismatch) }
            return Tensor(shape: [other.shape[1]], data: Tensor.gemv(other.data, rows: other.shape[0], cols: other.shape[1], data, transposed: true))
        case (2, 2):
            guard shape[1] == other.shape[0] else { throw InstructEditError(mismatch) }
            let (m, k, n) = (shape[0], shape[1], other.shape[1])
            _ = try SizeCheck.elements([m, n], op: "matmul")  // k = 0 lets m·n pass both inputs' checks
            var out = [Float](repeating: 0, count: m * n)
            data.withUnsafeBufferPointer { a in
                other.data.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { c in
                        Tensor.gemm(a.baseAddress, b.baseAddress, c.baseAddress, m: m, n: n, k: k)
                    }
                }
            }
            return Tensor(shape: [m, n], data: out)
        case (3, 3), (3, 2):
            let batch = shape[0], (m, k) = (shape[1], shape[2])
            let shared = other.rank == 2
            let (k2, n) = shared ? (other.shape[0], other.shape[1]) : (other.shape[1], other.shape[2])
            guard k == k2 else { throw InstructEditError(mismatch) }
            guard shared || other.shape[0] == batch else {
                throw InstructEditError("matmul: batch sizes differ: \(Tensor.describe(shape)) x \(Tensor.describe(other.shape))")
            }
            _ = try SizeCheck.elements([batch, m, n], op: "matmul")
            var out = [Float](repeating: 0, count: batch * m * n)
            data.withUnsafeBufferPointer { a in
                other.data.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { c in
                        for i in 0..<batch {
                            Tensor.gemm(a.baseAddress.map { $0 + i * m * k }, b.baseAddress.map { $0 + (shared ? 0 : i * k * n) },
                                        c.baseAddress.map { $0 + i * m * n }, m: m, n: n, k: k)
                        }
                    }
                }
            }
            return Tensor(shape: [batch, m, n], data: out)
        default:
            throw InstructEditError("matmul: unsupported ranks: \(Tensor.describe(shape)) x \(Tensor.describe(other.shape)) (1-D, 2-D, or batched 3-D)")
        }
    }

    /// Inner product of two 1-D tensors of one length.
    public func dot(_ other: Tensor) throws -> Float {
        guard rank == 1, other.rank == 1, count == other.count else {
            throw InstructEditError("dot: expects two 1-D tensors of one length, got \(Tensor.describe(shape)) and \(Tensor.describe(other.shape))")
        }
        guard count > 0 else { return 0 }
        return cblas_sdot(Int32(count), data, 1, other.data, 1)
    }

    /// Outer product of two 1-D tensors: `[n] ⊗ [m] → [n, m]`.
    public func outer(_ other: Tensor) throws -> Tensor {
        guard rank == 1, other.rank == 1 else {
            throw InstructEditError("outer: expects two 1-D tensors, got \(Tensor.describe(shape)) and \(Tensor.describe(other.shape))")
        }
        let (n, m) = (count, other.count)
        _ = try SizeCheck.elements([n, m], op: "outer")
        var out = [Float](repeating: 0, count: n * m)
        guard n > 0, m > 0 else { return Tensor(shape: [n, m], data: out) }
        cblas_sger(CblasRowMajor, Int32(n), Int32(m), 1, data, 1, other.data, 1, &out, Int32(m))
        return Tensor(shape: [n, m], data: out)
    }

    /// C[m×n] = A[m×k] · B[k×n], all row-major and contiguous.
    static func gemm(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ c: UnsafeMutablePointer<Float>?,
                     m: Int, n: Int, k: Int) {
        guard m > 0, n > 0, k > 0 else { return }  // C stays zero
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// A[rows×cols] · x, or Aᵀ · x when `transposed`.
    private static func gemv(_ a: [Float], rows: Int, cols: Int, _ x: [Float], transposed: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: transposed ? cols : rows)
        guard rows > 0, cols > 0 else { return y }
        cblas_sgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols),
                    1, a, Int32(cols), x, 1, 0, &y, 1)
        return y
    }
}
