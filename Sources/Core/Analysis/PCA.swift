import CBLAS

/// The result of a principal component analysis of n samples with d features.
public struct PCAResult: Sendable {
    /// Feature means that were subtracted, [d].
    public var mean: Tensor
    /// Principal directions as unit rows, [k, d], by decreasing variance. Each is signed so that its
    /// entry of largest magnitude is positive.
    public var components: Tensor
    /// The centred samples projected on the components, [n, k].
    public var coordinates: Tensor
    /// Variance along each component (divided by n - 1), [k].
    public var explainedVariance: Tensor
    /// Share of the total variance along each component, [k].
    public var explainedVarianceRatio: Tensor
    /// Sum of the variances of all features.
    public var totalVariance: Double
}

/// Principal component analysis through a symmetric eigen-decomposition of the smaller of the two
/// second-moment matrices: the d × d covariance when there are fewer features than samples, else
/// the n × n Gram matrix of the centred samples (so 200 samples of 885k features cost a 200 × 200
/// problem; the components are then recovered as Xcᵀu / √λ).
public enum PCA {
    /// PCA of the rows of a 2-D tensor [n samples, d features], keeping `k` components.
    public static func fit(_ x: Tensor, components k: Int) throws -> PCAResult {
        try fit(SampleRows(x, op: "pca"), k)
    }

    /// PCA of a list of samples of one size (each flattened, e.g. weight gradients), keeping `k`.
    public static func fit(samples: [Tensor], components k: Int) throws -> PCAResult {
        try fit(SampleRows(samples, op: "pca"), k)
    }

    /// `gram` forces a route (tests compare the two); nil picks the smaller problem.
    static func fit(_ rows: SampleRows, _ k: Int, gram: Bool? = nil) throws -> PCAResult {
        let (n, d) = (rows.n, rows.d)
        guard n >= 2 else { throw InstructEditError("pca: needs at least 2 samples, got \(n)") }
        guard d >= 1 else { throw InstructEditError("pca: samples have no features") }
        guard k >= 1 && k <= Swift.min(n, d) else {
            throw InstructEditError("pca: components = \(k) must be between 1 and min(samples, features) = \(Swift.min(n, d))")
        }
        let mean = try rows.columnMeans()
        var components = [Float](repeating: 0, count: k * d)
        var coordinates = [Float](repeating: 0, count: n * k)
        var variance = [Double](repeating: 0, count: k)
        var total = 0.0
        if !(gram ?? (d > n)) {
            // Covariance route: C = XcᵀXc, eigenvectors are the components.
            var cov = [Double](repeating: 0, count: d * d)
            let centred = try centredMatrix(rows, mean)
            var partial = [Float](repeating: 0, count: d * d)
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1, centred, Int32(d), 0, &partial, Int32(d))
            for i in 0..<d { for j in i..<d { cov[i * d + j] = Double(partial[i * d + j]); cov[j * d + i] = cov[i * d + j] } }
            let eig = try SymmetricEigen(cov, size: d)
            total = (0..<d).reduce(0) { $0 + cov[$1 * d + $1] }
            for c in 0..<k {
                variance[c] = Swift.max(eig.values[c], 0)
                for j in 0..<d { components[c * d + j] = Float(eig.vectors[c * d + j]) }
            }
            Tensor.gemmTransposedB(centred, components, &coordinates, m: n, n: k, k: d)
        } else {
            // Gram route: G = XcXcᵀ = UΛUᵀ; coordinates UΛ^½, components Xcᵀ U Λ^-½.
            let gram = try rows.centredGram(mean: mean)
            let eig = try SymmetricEigen(gram, size: n)
            total = (0..<n).reduce(0) { $0 + gram[$1 * n + $1] }
            var weights = [Float](repeating: 0, count: k * n)  // row c: u_c / √λ_c
            for c in 0..<k {
                let lambda = Swift.max(eig.values[c], 0)
                variance[c] = lambda
                // Directions with no variance (beyond the data's rank) are left as zero.
                guard lambda > 1e-12 * Swift.max(total, 1e-300) else { continue }
                for i in 0..<n {
                    coordinates[i * k + c] = Float(eig.vectors[c * n + i] * lambda.squareRoot())
                    weights[c * n + i] = Float(eig.vectors[c * n + i] / lambda.squareRoot())
                }
            }
            try rows.forEachBlock(minus: mean) { c0, c1, p in
                let b = c1 - c0
                var part = [Float](repeating: 0, count: k * b)
                Tensor.gemm(weights, p, &part, m: k, n: b, k: n)
                for c in 0..<k { for j in 0..<b { components[c * d + c0 + j] = part[c * b + j] } }
            }
        }
        // Sign convention: the largest-magnitude entry of each component is positive.
        for c in 0..<k {
            var best = 0
            for j in 0..<d where Swift.abs(components[c * d + j]) > Swift.abs(components[c * d + best]) { best = j }
            if components[c * d + best] < 0 {
                for j in 0..<d { components[c * d + j] = -components[c * d + j] }
                for i in 0..<n { coordinates[i * k + c] = -coordinates[i * k + c] }
            }
        }
        let scale = 1 / Double(n - 1)
        return PCAResult(
            mean: Tensor(shape: [d], data: mean.map(Float.init)),
            components: Tensor(shape: [k, d], data: components),
            coordinates: Tensor(shape: [n, k], data: coordinates),
            explainedVariance: Tensor(shape: [k], data: variance.map { Float($0 * scale) }),
            explainedVarianceRatio: Tensor(shape: [k], data: variance.map { Float(total > 0 ? $0 / total : 0) }),
            totalVariance: total * scale)
    }

    /// The whole centred data as one n × d buffer (only used when d ≤ n, so it is small).
    private static func centredMatrix(_ rows: SampleRows, _ mean: [Double]) throws -> [Float] {
        var out = [Float](repeating: 0, count: rows.n * rows.d)
        out.withUnsafeMutableBufferPointer { rows.block(0, rows.d, minus: mean, into: $0.baseAddress!) }
        return out
    }
}

extension Tensor {
    /// C[m×n] = A[m×k] · B[n×k]ᵀ.
    static func gemmTransposedB(_ a: [Float], _ b: [Float], _ c: inout [Float], m: Int, n: Int, k: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(k), 0, &c, Int32(n))
    }
}
