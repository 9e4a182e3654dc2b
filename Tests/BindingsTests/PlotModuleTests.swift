import Bindings
import Core
import Foundation
import XCTest

/// The `plot` module: each kind of figure is written as SVG and PNG, recorded for the notebook, and
/// shows what it was given (titles, axis labels, legend entries).
final class PlotModuleTests: XCTestCase {
    private var lua: LuaSession!
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ie-plot-\(UUID().uuidString)")
        lua = try LuaSession()
        lua.figureDirectory = folder.appendingPathComponent("figures").path
        try lua.setGlobal("dir", .string(folder.path))
    }

    override func tearDown() {
        lua.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `code`, which returns a plot's result table, and checks both files and the recorded figure.
    private func plotted(_ code: String, title: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = lua.run(code, mode: .chunk)
        if let error = result.error { XCTFail("Lua error: \(error)", file: file, line: line) }
        _ = lua.values("svg, png = _r.svg, _r.png", file: file, line: line)
        let svg = try XCTUnwrap(try lua.global("svg").stringValue, file: file, line: line)
        let png = try XCTUnwrap(try lua.global("png").stringValue, file: file, line: line)
        XCTAssertTrue(svg.hasSuffix(".svg") && png.hasSuffix(".png"), "\(svg) \(png)", file: file, line: line)
        let pngBytes = try Data(contentsOf: URL(fileURLWithPath: png))
        XCTAssertEqual(Array(pngBytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], file: file, line: line)
        XCTAssertGreaterThan(pngBytes.count, 2000, file: file, line: line)
        XCTAssertEqual(lua.takeFigures(), [LuaFigure(path: png, title: title)], file: file, line: line)
        return try String(contentsOfFile: svg, encoding: .utf8)
    }

    func testLineWithTitleAxesAndSeries() throws {
        let svg = try plotted("""
            _r = plot.line{series = {{name = 'train', y = {3, 2, 1.5, 1.2}}, {name = 'valid', x = tensor.arange(1, 5), y = tensor.from({3.2, 2.5, 2.1, 2})}},
                           title = 'Loss & accuracy', xlabel = 'epoch', ylabel = 'loss', path = dir .. '/loss'}
            """, title: "Loss & accuracy")
        for text in ["Loss &amp; accuracy", ">epoch<", ">loss<", ">train<", ">valid<"] { XCTAssertTrue(svg.contains(text), text) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("loss.png").path))
        // One series from y alone, written to the session's figure folder.
        let single = try plotted("_r = plot.line{y = tensor.randn(20, {seed = 1}), markers = true}", title: "line plot")
        XCTAssertTrue(single.hasPrefix("<svg") || single.hasPrefix("<?xml"))
        XCTAssertTrue(try lua.global("png").stringValue?.hasPrefix(lua.figureDirectory) ?? false)
    }

    func testScatterColoursByLabelWithLegend() throws {
        let svg = try plotted("""
            local x = tensor.from({0, 0.2, 0.1, 5, 5.1, 4.9})
            _r = plot.scatter{x = x, y = x * 2, labels = {'cats', 'cats', 'cats', 'dogs', 'dogs', 'dogs'},
                              point_labels = {'a', 'b', 'c', 'd', 'e', 'f'}, title = 'Pets', path = dir .. '/pets.svg'}
            """, title: "Pets")
        XCTAssertTrue(svg.contains(">cats<") && svg.contains(">dogs<"), "legend entries")
        XCTAssertTrue(svg.contains(">e<"), "point labels")
        // matplotlib's first two category colours, one per label.
        XCTAssertTrue(svg.contains("#1f77b4") && svg.contains("#ff7f0e"), "one colour per label")
        XCTAssertFalse(svg.contains("#2ca02c"), "no third colour for two labels")
    }

    func testBarsAndGroups() throws {
        let single = try plotted("_r = plot.bar{labels = {'FT', 'MEND'}, values = {41.2, 87.5}, ylabel = 'reliability (%)', title = 'Reliability'}",
                                 title: "Reliability")
        XCTAssertTrue(single.contains(">FT<") && single.contains(">MEND<") && single.contains(">reliability (%)<"))
        let grouped = try plotted("""
            _r = plot.bar{labels = {'reliability', 'locality'}, groups = {{name = 'FT', values = {40, 60}}, {name = 'InstructEdit', values = tensor.from({90, 95})}}}
            """, title: "bar plot")
        XCTAssertTrue(grouped.contains(">InstructEdit<") && grouped.contains(">locality<"))
    }

    func testHeatmapFromTensorOrTable() throws {
        let svg = try plotted("_r = plot.heatmap{data = tensor.arange(6):reshape(2, 3), rows = {'r1', 'r2'}, cols = {'a', 'b', 'c'}, colormap = 'coolwarm', title = 'Map'}",
                              title: "Map")
        XCTAssertTrue(svg.contains(">r2<") && svg.contains(">c<"))
        _ = try plotted("_r = plot.heatmap{data = {{1, 2}, {3, 4}}, annotate = true, range = {0, 10}}", title: "heatmap plot")
    }

    func testBadInputsAreArgumentErrors() {
        XCTAssertEqual(lua.errorMessage("plot.line()"), "stdin:1: bad argument #1 to 'line' (table expected, got no value)")
        XCTAssertEqual(lua.errorMessage("plot.line{}"), "stdin:1: bad argument #1 to 'line' (field 'y': required)")
        XCTAssertEqual(lua.errorMessage("plot.line{y = {1, 'a'}}"), "stdin:1: bad argument #1 to 'line' (field 'y': number expected at [2], got string)")
        XCTAssertEqual(lua.errorMessage("plot.line{y = {1, 2}, colour = 'red'}"),
                       "stdin:1: bad argument #1 to 'line' (unknown option 'colour' (known: grid, height, legend, markers, name, path, series, title, width, x, xlabel, xlim, y, ylabel, ylim))")
        XCTAssertEqual(lua.errorMessage("plot.line{series = {{y = {1}, z = 2}}}"),
                       "stdin:1: bad argument #1 to 'line' (field 'series': [1]: unknown field 'z' (known: markers, name, x, y))")
        XCTAssertEqual(lua.errorMessage("plot.scatter{x = {1, 2}, y = {1, 2, 3}}"), "stdin:1: bad argument #1 to 'scatter' (2 x values and 3 y values)")
        XCTAssertEqual(lua.errorMessage("plot.scatter{x = tensor.ones(2, 2), y = {1, 2}}"),
                       "stdin:1: bad argument #1 to 'scatter' (field 'x': 1-D tensor expected, got size [2, 2])")
        XCTAssertEqual(lua.errorMessage("plot.heatmap{data = tensor.ones(3)}"),
                       "stdin:1: bad argument #1 to 'heatmap' (field 'data': 2-D Tensor or table of rows expected, got size [3])")
        XCTAssertEqual(lua.errorMessage("plot.heatmap{data = {{1}}, colormap = 'jet'}"),
                       "stdin:1: bad argument #1 to 'heatmap' (field 'colormap': one of 'viridis', 'coolwarm' expected, got 'jet')")
        XCTAssertEqual(lua.errorMessage("plot.bar{labels = {'a'}, values = {1, 2}}"),
                       "stdin:1: bad argument #1 to 'bar' (series '' has 2 values for 1 categories)")
        XCTAssertTrue(lua.takeFigures().isEmpty)
    }
}
