import XCTest
@testable import Core

/// The terminal renderings of a plot scene: text with axes and legend, kitty and sixel images.
final class TextPlotTests: XCTestCase {
    private func lineScene() -> PlotScene {
        var chart = Chart(.lines([LineSeries(name: "train", x: [1, 2, 3, 4, 5], y: [10, 7, 5, 4, 3.5]),
                                  LineSeries(name: "valid", x: [1, 2, 3, 4, 5], y: [11, 9, 8, 8, 8.5])]),
                          title: "Loss", xLabel: "step", yLabel: "loss")
        chart.grid = true
        return PlotScene(chart)
    }

    func testALinePlotHasTitleAxesTicksLabelsAndLegend() throws {
        let text = try TextPlot.render(lineScene(), width: 70)
        let lines = text.components(separatedBy: "\n")
        XCTAssertTrue(lines[0].trimmingCharacters(in: .whitespaces) == "Loss", text)
        XCTAssertEqual(lines[1], "loss", "the y label above the axis")
        XCTAssertTrue(lines.contains { $0.contains("└") && $0.contains("┬") && $0.contains("─") }, text)
        XCTAssertTrue(lines.contains { $0.hasSuffix("step") || $0.trimmingCharacters(in: .whitespaces) == "step" }, text)
        XCTAssertTrue(lines.contains { $0.contains("── train") && $0.contains("── valid") }, text)
        // y ticks at round values with their axis marks, x ticks 1...5 under the axis.
        for tick in ["10 ┤", " 4 ┤"] { XCTAssertTrue(lines.contains { $0.hasPrefix(tick) }, "\(tick) in\n\(text)") }
        let tickLine = try XCTUnwrap(lines.first { $0.contains("└") }.flatMap { lines.firstIndex(of: $0) }).advanced(by: 1)
        XCTAssertEqual(lines[tickLine].split(separator: " ").map(String.init), ["1", "2", "3", "4", "5"], text)
        XCTAssertTrue(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 70 }, text)
        XCTAssertFalse(text.contains("\u{1B}"), "no escapes without colour")
    }

    func testTheLineGoesDownWhereTheDataGoesDown() throws {
        let scene = PlotScene(Chart(.lines([LineSeries(name: "", x: [0, 1], y: [1, 0])])))
        let lines = try TextPlot.render(scene, width: 40, height: 8).components(separatedBy: "\n")
        let dotted = lines.enumerated().filter { $0.element.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } }
        let firstColumn = { (s: String) in s.unicodeScalars.firstIndex { (0x2801...0x28FF).contains($0.value) }.map { s.unicodeScalars.distance(from: s.unicodeScalars.startIndex, to: $0) } ?? -1 }
        XCTAssertGreaterThan(dotted.count, 5)
        XCTAssertLessThan(firstColumn(dotted.first!.element), firstColumn(dotted.last!.element), "top row left, bottom row right")
    }

    func testColoursAreEscapesOfTheSeriesColour() throws {
        let text = try TextPlot.render(lineScene(), width: 70, colour: .trueColour)
        XCTAssertTrue(text.contains("\u{1B}[38;2;31;119;180m"), "tab10 blue for the first series")
        XCTAssertTrue(text.contains("\u{1B}[38;2;255;127;14m"), "tab10 orange for the second")
        XCTAssertTrue(try TextPlot.render(lineScene(), width: 70, colour: .palette256).contains("\u{1B}[38;5;"))
    }

    func testBarsHeatmapsAndScatter() throws {
        let bars = try TextPlot.render(PlotScene(Chart(.bars(BarGroups(categories: ["FT", "MEND"], series: [.init(name: "", values: [40, 80])])))), width: 50, height: 10)
        let rows = bars.components(separatedBy: "\n")
        let full = rows.filter { $0.contains("█") }
        XCTAssertTrue(full.count >= 8, bars)
        XCTAssertTrue(rows.contains { $0.contains("FT") && $0.contains("MEND") }, bars)
        // The second bar is twice as tall: it has about twice the rows of blocks.
        let left = rows.filter { $0.dropFirst(4).prefix(20).contains("█") }.count
        let right = rows.filter { $0.dropFirst(24).contains("█") }.count
        XCTAssertEqual(Double(right) / Double(left), 2, accuracy: 0.35, bars)

        let heat = try TextPlot.render(PlotScene(Chart(.heatmap(Heatmap(values: [0, 1, 2, 3], rows: 2, columns: 2, rowLabels: ["a", "b"], columnLabels: ["x", "y"])), title: "H")), width: 40)
        let h = heat.components(separatedBy: "\n")
        XCTAssertEqual(h[1].first, "a")
        XCTAssertTrue(h[2].hasPrefix("b") && h[2].contains("█"), heat)
        XCTAssertTrue(h.contains { $0.contains("x") && $0.contains("y") }, heat)
        XCTAssertTrue(h.last?.hasPrefix("  0 ") ?? false, "the scale from 0 to 3: \(heat)")
        XCTAssertTrue(h.last?.hasSuffix(" 3") ?? false, heat)

        let scatter = try TextPlot.render(PlotScene(Chart(.scatter(ScatterPoints(x: [1, 2], y: [1, 2], groups: ["p", "q"])))), width: 40)
        XCTAssertTrue(scatter.contains("⣿ p") && scatter.contains("⣿ q"), scatter)
    }

    func testABadSceneIsAnError() {
        XCTAssertThrowsError(try TextPlot.render(PlotScene(Chart(.lines([])))))
    }

    func testKittyImagesComeInChunksOfBase64PNG() throws {
        let png = try Plot.png(lineScene(), scale: 1)
        let image = TerminalImage.kitty(png: png, columns: 80)
        XCTAssertTrue(image.hasPrefix("\u{1B}_Ga=T,f=100,c=80,m=1;"))
        let chunks = image.components(separatedBy: "\u{1B}\\").dropLast()
        XCTAssertGreaterThan(chunks.count, 1)
        let payload = chunks.map { String($0.split(separator: ";", maxSplits: 1)[1]) }
        XCTAssertTrue(payload.dropLast().allSatisfy { $0.count == 4096 })
        XCTAssertTrue(chunks.last!.hasPrefix("\u{1B}_Gm=0;"))
        XCTAssertEqual(Data(base64Encoded: payload.joined()), png)
    }

    func testSixelEncodesBandsOfSixRows() {
        // 2×7 pixels: white, then a red bottom row in the second band.
        var rgb = [UInt8](repeating: 255, count: 2 * 7 * 3)
        for x in 0..<2 { rgb[(6 * 2 + x) * 3 + 1] = 0; rgb[(6 * 2 + x) * 3 + 2] = 0 }
        let s = TerminalImage.sixel(rgb: rgb, width: 2, height: 7)
        XCTAssertTrue(s.hasPrefix("\u{1B}P0;1;0q\"1;1;2;7"))
        XCTAssertTrue(s.contains("#215;2;100;100;100"), "white in the palette")
        XCTAssertTrue(s.contains("#180;2;100;0;0"), "red in the palette")
        XCTAssertTrue(s.contains("#215~~-"), "first band: six white rows in both columns")
        XCTAssertTrue(s.contains("#180@@-"), "second band: red in its first row")
        XCTAssertTrue(s.hasSuffix("\u{1B}\\"))
    }
}
