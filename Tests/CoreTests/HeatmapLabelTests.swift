@testable import Core
import XCTest

/// Heatmap labels (issue 13): value labels that do not fit are shrunk or abbreviated, never
/// dropped, and rows and columns count from 1 as the Lua API does.
final class HeatmapLabelTests: XCTestCase {
    func testEveryCellKeepsItsValueLabelInNarrowCells() throws {
        // 40 columns of 4-character values on a default-width figure: about 14 px per cell, too
        // narrow for "0.93" at the note size. Every value used to be dropped.
        let columns = 40, rows = 2
        let values = (0..<(rows * columns)).map { Double($0 % 7) * 0.137 + 0.05 }
        let chart = Chart(.heatmap(Heatmap(values: values, rows: rows, columns: columns, annotate: true)))
        let svg = try Plot.svg(PlotScene(chart))
        for v in values {
            let full = ">\(Heatmap.format(v))</text>", short = ">\(Heatmap.short(v))</text>"
            XCTAssertTrue(svg.contains(full) || svg.contains(short), "no label for \(v)")
        }
    }

    func testLabelsShrinkThenAbbreviate() {
        let fits = Heatmap.label(0.93, width: 100, size: 10)
        XCTAssertEqual(fits.text, "0.93")
        XCTAssertEqual(fits.size, 10)
        let shrunk = Heatmap.label(0.93, width: 16, size: 10)
        XCTAssertEqual(shrunk.text, "0.93")
        XCTAssertLessThan(shrunk.size, 10)
        XCTAssertGreaterThanOrEqual(shrunk.size, Heatmap.minimumLabelSize)
        let abbreviated = Heatmap.label(0.93, width: 8, size: 10)
        XCTAssertEqual(abbreviated.text, ".93")
        XCTAssertEqual(Heatmap.short(-1234), "-1k")
        XCTAssertEqual(Heatmap.short(12.5), "12")
        XCTAssertEqual(Heatmap.short(3.14159), "3.1")
    }

    func testRowAndColumnLabelsCountFromOne() throws {
        let chart = Chart(.heatmap(Heatmap(values: [10, 20, 30, 40, 50, 60], rows: 2, columns: 3, annotate: false)))
        let svg = try Plot.svg(PlotScene(chart))
        for k in 1...3 { XCTAssertTrue(svg.contains(">\(k)</text>"), "label \(k)") }
        XCTAssertFalse(svg.contains(">0</text>"), "no label 0")
    }
}
