import Bindings
import Foundation
import XCTest

/// The `analysis` module on data whose answers can be worked out by hand.
final class AnalysisModuleTests: XCTestCase {
    private var lua: LuaSession!

    override func setUpWithError() throws { lua = try LuaSession.withSerializer() }
    override func tearDown() { lua.close() }

    private func number(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        let text = lua.values(code, file: file, line: line).first ?? ""
        guard let x = Double(text) else {
            XCTFail("not a number: \(text)", file: file, line: line)
            return .nan
        }
        return x
    }

    func testPCAOfAHandExample() {
        // Points on the axes: variance 8/3 along x and 2/3 along y (divided by n - 1 = 3).
        _ = lua.values("X = tensor.from({{2, 0}, {-2, 0}, {0, 1}, {0, -1}}); p = analysis.pca(X, 2)")
        let (vx, vy) = (Double(4 + 4) / 3, Double(1 + 1) / 3)
        XCTAssertEqual(number("return p.explained_variance[1]"), vx, accuracy: 1e-5)
        XCTAssertEqual(number("return p.explained_variance[2]"), vy, accuracy: 1e-5)
        XCTAssertEqual(number("return p.explained_variance_ratio[1]"), vx / (vx + vy), accuracy: 1e-6)
        XCTAssertEqual(number("return p.total_variance"), vx + vy, accuracy: 1e-6)
        XCTAssertEqual(number("return (p.components - tensor.eye(2)):abs():max()"), 0, accuracy: 1e-6)
        XCTAssertEqual(number("return (p.coords - X):abs():max()"), 0, accuracy: 1e-6)
        XCTAssertEqual(number("return p.mean:abs():max()"), 0, accuracy: 1e-7)
        XCTAssertEqual(lua.values("return ser(p.coords:shape()), ser(p.components:shape()), #p.explained_variance"), ["{4,2}", "{2,2}", "2"])
    }

    func testPCAOfAListMatchesTheMatrixAndDefaultsToTwoComponents() {
        _ = lua.values("""
            X = tensor.randn(10, 6, {seed = 4})
            local rows = {}
            for i = 1, 10 do rows[i] = X[i]:reshape(2, 3) end
            a, b = analysis.pca(X), analysis.pca(rows)
            """)
        XCTAssertEqual(lua.values("return ser(a.coords:shape()), ser(b.components:shape())"), ["{10,2}", "{2,6}"])
        XCTAssertEqual(number("return (a.coords - b.coords):abs():max()"), 0, accuracy: 1e-4)
        XCTAssertEqual(number("return math.abs(a.explained_variance[1] - b.explained_variance[1])"), 0, accuracy: 1e-4)
    }

    func testSilhouetteAndSeparationOfTwoGroups() {
        let points: [Double] = [0, 1, 10, 11, 12]
        let labels = ["a", "a", "b", "b", "b"]
        // Silhouette by its definition: a = mean distance within the group, b = to the other group.
        var s = [Double]()
        for i in points.indices {
            let own = points.indices.filter { $0 != i && labels[$0] == labels[i] }
            let other = points.indices.filter { labels[$0] != labels[i] }
            let a = own.map { abs(points[$0] - points[i]) }.reduce(0, +) / Double(own.count)
            let b = other.map { abs(points[$0] - points[i]) }.reduce(0, +) / Double(other.count)
            s.append((b - a) / max(a, b))
        }
        let mean = points.reduce(0, +) / 5
        let meanA = (points[0] + points[1]) / 2, meanB = (points[2] + points[3] + points[4]) / 3
        let between = 2 * (meanA - mean) * (meanA - mean) + 3 * (meanB - mean) * (meanB - mean)
        let within = points.enumerated().reduce(0.0) { acc, p in
            let m = p.offset < 2 ? meanA : meanB
            return acc + (p.element - m) * (p.element - m)
        }

        _ = lua.values("P = tensor.from({{0}, {1}, {10}, {11}, {12}}); L = {'a', 'a', 'b', 'b', 'b'}; score, per = analysis.silhouette(P, L)")
        XCTAssertEqual(number("return score"), s.reduce(0, +) / 5, accuracy: 1e-5)
        XCTAssertEqual(lua.values("return per[1].label, per[1].count, per[2].label, per[2].count"), ["a", "2", "b", "3"])
        XCTAssertEqual(number("return per[2].score"), (s[2] + s[3] + s[4]) / 3, accuracy: 1e-5)
        XCTAssertEqual(number("return analysis.separation(P, L)"), between / within, accuracy: 1e-4 * between / within)
        // Labels may be numbers, and points a list of tensors.
        XCTAssertEqual(number("return (analysis.silhouette({P[1], P[2], P[3], P[4], P[5]}, {1, 1, 2, 2, 2}))"), s.reduce(0, +) / 5, accuracy: 1e-5)
        XCTAssertEqual(number("return analysis.separation({P[1], P[2], P[3], P[4], P[5]}, {1, 1, 2, 2, 2})"), between / within, accuracy: 1e-4 * between / within)
    }

    func testBadInputsAreArgumentErrors() {
        XCTAssertEqual(lua.errorMessage("analysis.pca(tensor.ones(3))"),
                       "stdin:1: bad argument #1 to 'pca' (2-D tensor of samples × features expected, got size [3])")
        XCTAssertEqual(lua.errorMessage("analysis.pca(tensor.ones(3, 2), 3)"),
                       "stdin:1: bad argument #2 to 'pca' (components = 3 must be between 1 and min(samples, features) = 2)")
        XCTAssertEqual(lua.errorMessage("analysis.pca({tensor.ones(3), tensor.ones(2)})"),
                       "stdin:1: bad argument #1 to 'pca' (sample 2 has 2 values, sample 1 has 3)")
        XCTAssertEqual(lua.errorMessage("analysis.silhouette(tensor.ones(3, 2), {'a', 'b'})"),
                       "stdin:1: bad argument #2 to 'silhouette' (2 labels for 3 points)")
        XCTAssertEqual(lua.errorMessage("analysis.separation(tensor.ones(3, 2), 'a')"),
                       "stdin:1: bad argument #2 to 'separation' (table expected, got string)")
    }
}
