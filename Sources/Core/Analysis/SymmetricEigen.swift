/// Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations, in Double. Accurate
/// and simple; cost grows as m³ per sweep, which suits the m ≤ ~1000 problems PCA reduces to.
struct SymmetricEigen {
    /// Eigenvalues, largest first.
    var values: [Double]
    /// Eigenvectors as rows: `vectors[k * m + i]` is component i of the k-th eigenvector.
    var vectors: [Double]

    init(_ matrix: [Double], size m: Int) throws {
        var a = matrix
        var v = [Double](repeating: 0, count: m * m)  // columns are eigenvectors while iterating
        for i in 0..<m { v[i * m + i] = 1 }
        let scale = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            try Interrupt.check()
            var off = 0.0
            for p in 0..<m { for q in (p + 1)..<Swift.max(m, p + 1) { off += a[p * m + q] * a[p * m + q] } }
            if off <= 1e-30 * scale || off == 0 { break }
            for p in 0..<m {
                for q in (p + 1)..<Swift.max(m, p + 1) {
                    let apq = a[p * m + q]
                    if Swift.abs(apq) < 1e-300 { continue }
                    let theta = (a[q * m + q] - a[p * m + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<m {  // columns p and q
                        let akp = a[k * m + p], akq = a[k * m + q]
                        a[k * m + p] = c * akp - s * akq
                        a[k * m + q] = s * akp + c * akq
                    }
                    for k in 0..<m {  // rows p and q
                        let apk = a[p * m + k], aqk = a[q * m + k]
                        a[p * m + k] = c * apk - s * aqk
                        a[q * m + k] = s * apk + c * aqk
                    }
                    for k in 0..<m {
                        let vkp = v[k * m + p], vkq = v[k * m + q]
                        v[k * m + p] = c * vkp - s * vkq
                        v[k * m + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<m).sorted { a[$0 * m + $0] > a[$1 * m + $1] }
        values = order.map { a[$0 * m + $0] }
        vectors = [Double](repeating: 0, count: m * m)
        for (k, col) in order.enumerated() { for i in 0..<m { vectors[k * m + i] = v[i * m + col] } }
    }
}
