import XCTest
@testable import Core

/// Writes one example of each chart kind; set PLOT_GALLERY=/some/dir to keep them for looking at.
final class PlotGalleryTests: XCTestCase {
    static func gallery() throws -> [(String, PlotScene)] {
        let steps = (0..<60).map(Double.init)
        var line = Chart(.lines([
            LineSeries(name: "InstructEdit (train)", x: steps, y: steps.map { 3.2 * Foundation.exp(-$0 / 15) + 0.3 }),
            LineSeries(name: "MEND multi-task", x: steps, y: steps.map { 3.4 * Foundation.exp(-$0 / 22) + 0.5 + 0.05 * sin($0) }),
            LineSeries(name: "FT-L", x: steps, y: steps.map { 3.0 - 0.02 * $0 }, markers: true),
        ]), title: "Editing loss during meta-training", xLabel: "step", yLabel: "loss")
        line.grid = true
        var rng = TensorRNG(seed: 1)
        var xs: [Double] = [], ys: [Double] = [], groups: [String] = []
        for (k, task) in ["counterfact", "recent", "convsent", "zsre"].enumerated() {
            for _ in 0..<40 {
                xs.append(Double(k % 2) * 4 + Double(rng.normal()))
                ys.append(Double(k / 2) * 3 + Double(rng.normal()) * 0.8)
                groups.append(task)
            }
        }
        let scatter = Chart(.scatter(ScatterPoints(x: xs, y: ys, groups: groups)),
                            title: "Update directions (with instructions), silhouette 0.52", xLabel: "PC 1 (31.2%)", yLabel: "PC 2 (12.5%)")
        let labelled = Chart(.scatter(ScatterPoints(x: [0.1, 0.5, 0.9], y: [1e-4, 3e-4, 2e-4], pointLabels: ["France", "Italy", "Spain"])),
                             title: "Tiny values", xLabel: "x", yLabel: "y")
        let bars = Chart(.bars(BarGroups(categories: ["Reliability", "Generalization", "Locality", "Portability"], series: [
            .init(name: "MEND multi-task", values: [68.2, 51.3, 88.9, 42.1]),
            .init(name: "InstructEdit", values: [83.1, 62.4, 90.2, 47.6]),
            .init(name: "FT-L", values: [55.0, 40.2, 71.3, 35.5]),
        ])), title: "CounterFact — λ = 0.1 ≤ 1, café", yLabel: "score (%)")
        let values: [Double] = (0..<(6 * 8)).map { (i: Int) -> Double in
            let d = Double(i)
            return sin(d * 0.7) * 2 + Double(i % 8) * 0.3
        }
        let heat = Chart(.heatmap(Heatmap(values: values, rows: 6, columns: 8,
                                          rowLabels: ["layer 27 gate", "layer 27 up", "layer 27 down", "layer 28 gate", "layer 28 up", "layer 29 down"],
                                          columnLabels: (1...8).map { "edit \($0)" })),
                         title: "Update norms", xLabel: "edit", yLabel: "weight")
        let names = (0..<12).map { "instruction template \($0)" }
        let wide = Chart(.bars(BarGroups(categories: names, series: [.init(name: "", values: (0..<12).map { Double($0) - 4 })])),
                         title: "Long category names", yLabel: "delta")
        let big = Chart(.heatmap(Heatmap(values: (0..<(40 * 40)).map { Double(($0 % 40) - $0 / 40) }, rows: 40, columns: 40, colorMap: .coolwarm)),
                        title: "40 x 40")
        let grid = PlotScene(grid: [scatter, labelled], title: "Principal components of the editing directions")
        return [("line", PlotScene(line)), ("scatter", PlotScene(scatter)), ("bar", PlotScene(bars)),
                ("heatmap", PlotScene(heat)), ("grid", grid),
                ("more", PlotScene(grid: [wide, big], title: "Stress"))]
    }

    func testGalleryWritesValidFiles() throws {
        let dir = ProcessInfo.processInfo.environment["PLOT_GALLERY"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("gallery-\(UUID().uuidString)").path
        for (name, scene) in try Self.gallery() {
            let (svg, png) = try Plot.write(scene, to: dir + "/" + name)
            XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<?xml"))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
            XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
        if ProcessInfo.processInfo.environment["PLOT_GALLERY"] == nil { try? FileManager.default.removeItem(atPath: dir) }
    }
}
