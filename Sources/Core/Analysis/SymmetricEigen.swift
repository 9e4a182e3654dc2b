import CBLAS

/// Eigen-decomposition of a real symmetric matrix by LAPACK's `dsyevd` (from OpenBLAS), in Double:
/// PCA's covariance or Gram matrices, m up to a few thousand.
struct SymmetricEigen {
    /// Eigenvalues, largest first.
    var values: [Double]
    /// Eigenvectors as rows: `vectors[k * m + i]` is component i of the k-th eigenvector.
    var vectors: [Double]

    init(_ matrix: [Double], size m: Int) throws {
        try Interrupt.check()
        guard m > 0, matrix.count == m * m, m < 46_341 else { throw InstructEditError("eigen: a \(m)×\(m) matrix is out of range") }
        // A symmetric matrix reads the same in LAPACK's column-major order.
        var a = matrix
        var w = [Double](repeating: 0, count: m)
        var n = Int32(m), lda = Int32(m), info: Int32 = 0
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        // Workspace query, then the decomposition.
        var lwork: Int32 = -1, liwork: Int32 = -1, workSize = 0.0, iworkSize: Int32 = 0
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
        guard info == 0 else { throw InstructEditError("eigen: LAPACK dsyevd workspace query failed (info \(info))") }
        lwork = Int32(workSize.rounded(.up))
        liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw InstructEditError("eigen: LAPACK dsyevd did not converge (info \(info))") }
        // Ascending from LAPACK; column j (contiguous in column-major) is the j-th eigenvector.
        values = w.reversed()
        vectors = [Double](repeating: 0, count: m * m)
        for k in 0..<m {
            let j = m - 1 - k
            for i in 0..<m { vectors[k * m + i] = a[j * m + i] }
        }
    }
}
