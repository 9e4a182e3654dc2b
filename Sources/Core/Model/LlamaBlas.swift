import CBLAS

/// C = alpha·op(A)·op(B) + beta·C, row-major: op(A) is (M, K), op(B) is (K, N), C is (M, N).
/// One row (M == 1) goes through sgemv, the faster kernel for a matrix-vector product.
@inline(__always)
func gemm(transA: Bool = false, transB: Bool = false, _ M: Int, _ N: Int, _ K: Int,
          _ A: UnsafePointer<Float>, lda: Int, _ B: UnsafePointer<Float>, ldb: Int,
          _ C: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
    if M == 1 {
        let incx = Int32(transA ? lda : 1)
        // c = op(B)ᵀ a: B stored (N, K) when transposed, (K, N) otherwise.
        if transB {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(N), Int32(K), alpha, B, Int32(ldb),
                        A, incx, beta, C, 1)
        } else {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(K), Int32(N), alpha, B, Int32(ldb),
                        A, incx, beta, C, 1)
        }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(M), Int32(N), Int32(K), alpha, A, Int32(lda), B, Int32(ldb), beta, C, Int32(ldc))
}

/// The three products of a linear layer y = x Wᵀ with x (T, in), W (out, in), y (T, out).
enum Linear {
    /// y (T, out) = x Wᵀ + beta·y.
    static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows T: Int, in n: Int,
                        out m: Int, _ y: UnsafeMutablePointer<Float>, beta: Float = 0) {
        gemm(transB: true, T, m, n, x, lda: n, w, ldb: n, y, ldc: m, beta: beta)
    }

    /// dx (T, in) = dy W + beta·dx.
    static func backwardInput(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows T: Int,
                              in n: Int, out m: Int, _ dx: UnsafeMutablePointer<Float>, beta: Float = 0) {
        gemm(T, n, m, dy, lda: m, w, ldb: n, dx, ldc: n, beta: beta)
    }

    /// dW (out, in) += dyᵀ x (rows of dy `ldy` apart, when dy is a column block of a wider matrix).
    static func backwardWeight(_ dy: UnsafePointer<Float>, ldy: Int? = nil, _ x: UnsafePointer<Float>,
                               rows T: Int, in n: Int, out m: Int, _ dw: UnsafeMutablePointer<Float>) {
        gemm(transA: true, m, n, T, dy, lda: ldy ?? m, x, ldb: n, dw, ldc: n, beta: 1)
    }
}
