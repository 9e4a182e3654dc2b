/// How well labelled groups of points separate, in Euclidean distance.
public struct SilhouetteResult: Sendable {
    /// Mean silhouette over all points, in [-1, 1]: near 1 when every point is much closer to its own
    /// group than to the nearest other group, near 0 for overlapping groups.
    public var score: Double
    /// s(i) = (b - a) / max(a, b) for each point (0 for a point alone in its group).
    public var perPoint: [Double]
    /// Mean silhouette of each group's points, in order of the groups' first appearance.
    public var perCluster: [(label: String, score: Double, count: Int)]
}

public enum ClusterSeparation {
    /// Silhouette of points [n, d] with a group label per point (sklearn's definition).
    public static func silhouette(_ points: Tensor, labels: [String]) throws -> SilhouetteResult {
        try silhouette(SampleRows(points, op: "silhouette"), labels)
    }

    /// Silhouette of equally sized samples (each flattened) with a group label per sample.
    public static func silhouette(samples: [Tensor], labels: [String]) throws -> SilhouetteResult {
        try silhouette(SampleRows(samples, op: "silhouette"), labels)
    }

    /// Between-group over within-group sum of squares: Σ_c n_c‖μ_c − μ‖² / Σ_i ‖x_i − μ_c(i)‖²
    /// (infinite when every group is a single repeated point).
    public static func varianceRatio(_ points: Tensor, labels: [String]) throws -> Double {
        let rows = try SampleRows(points, op: "variance_ratio")
        let (groups, _) = try group(labels, n: rows.n, op: "variance_ratio")
        let d2 = try squaredDistances(rows)
        let n = rows.n
        // Sums of squares from pairwise distances: SS = Σ_{i<j} d²_ij / m for m points.
        var total = 0.0
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { total += d2[i * n + j] } }
        total /= Double(n)
        var within = 0.0
        for members in groups {
            var s = 0.0
            for (a, i) in members.enumerated() { for j in members[(a + 1)...] { s += d2[i * n + j] } }
            within += s / Double(members.count)
        }
        return within > 0 ? (total - within) / within : .infinity
    }

    static func silhouette(_ rows: SampleRows, _ labels: [String]) throws -> SilhouetteResult {
        let (groups, names) = try group(labels, n: rows.n, op: "silhouette")
        let n = rows.n
        let d2 = try squaredDistances(rows)
        var groupOf = [Int](repeating: 0, count: n)
        for (g, members) in groups.enumerated() { for i in members { groupOf[i] = g } }
        var s = [Double](repeating: 0, count: n)
        var meanTo = [Double](repeating: 0, count: groups.count)
        for i in 0..<n {
            try Interrupt.check()
            for g in meanTo.indices { meanTo[g] = 0 }
            for j in 0..<n where j != i { meanTo[groupOf[j]] += d2[i * n + j].squareRoot() }
            let own = groups[groupOf[i]].count
            guard own > 1 else { continue }
            let a = meanTo[groupOf[i]] / Double(own - 1)
            var b = Double.infinity
            for g in groups.indices where g != groupOf[i] { b = Swift.min(b, meanTo[g] / Double(groups[g].count)) }
            let m = Swift.max(a, b)
            s[i] = m > 0 ? (b - a) / m : 0
        }
        let perCluster = groups.enumerated().map { g, members in
            (label: names[g], score: members.reduce(0) { $0 + s[$1] } / Double(members.count), count: members.count)
        }
        return SilhouetteResult(score: s.reduce(0, +) / Double(n), perPoint: s, perCluster: perCluster)
    }

    /// Point indices per label, labels in order of first appearance; checks 2 ≤ groups ≤ n − 1.
    private static func group(_ labels: [String], n: Int, op: String) throws -> ([[Int]], [String]) {
        guard labels.count == n else { throw InstructEditError("\(op): \(labels.count) labels for \(n) points") }
        var index: [String: Int] = [:]
        var groups: [[Int]] = []
        var names: [String] = []
        for (i, l) in labels.enumerated() {
            if let g = index[l] { groups[g].append(i) } else {
                index[l] = groups.count
                groups.append([i])
                names.append(l)
            }
        }
        guard groups.count >= 2 && groups.count <= n - 1 else {
            throw InstructEditError("\(op): needs between 2 and \(n - 1) distinct labels for \(n) points, got \(groups.count)")
        }
        return (groups, names)
    }

    /// Squared Euclidean distances between all samples, from the centred Gram matrix
    /// (‖x_i‖² + ‖x_j‖² − 2 x_i·x_j; centring first keeps the cancellation small).
    private static func squaredDistances(_ rows: SampleRows) throws -> [Double] {
        let n = rows.n
        let g = try rows.centredGram(mean: rows.columnMeans())
        var d2 = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where i != j { d2[i * n + j] = Swift.max(0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]) } }
        return d2
    }
}
