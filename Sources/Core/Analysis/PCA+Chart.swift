import Foundation

extension PCAResult {
    /// The samples on their first two principal components as a scatter coloured by `groups`, with
    /// axes labelled "PC 1 (31.2%)" — the E6 figure for one editor.
    public func scatterChart(groups: [String]? = nil, title: String = "") throws -> Chart {
        guard coordinates.shape[1] >= 2 else {
            throw InstructEditError("pca scatter: needs 2 components, the result has \(coordinates.shape[1])")
        }
        let n = coordinates.shape[0]
        if let groups, groups.count != n { throw InstructEditError("pca scatter: \(groups.count) group labels for \(n) samples") }
        let x = (0..<n).map { Double(coordinates.data[$0 * coordinates.shape[1]]) }
        let y = (0..<n).map { Double(coordinates.data[$0 * coordinates.shape[1] + 1]) }
        func axis(_ i: Int) -> String { String(format: "PC %d (%.1f%%)", i + 1, Double(explainedVarianceRatio.data[i]) * 100) }
        return Chart(.scatter(ScatterPoints(x: x, y: y, groups: groups)), title: title, xLabel: axis(0), yLabel: axis(1))
    }
}
