import Foundation
import XCTest

/// `instructedit notebook FILE.lua -o report.md`.
final class NotebookTests: BinaryTestCase {
    func testReportHasProseOutputErrorsAndFigures() throws {
        try "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".write(
            to: directory.appendingPathComponent("drawn.svg"), atomically: true, encoding: .utf8)
        try """
            -- %% [markdown]
            -- # Editing notes
            -- The *first* cell prints.

            -- %%
            value = 21
            print("printed line")
            value * 2

            -- %%
            local t = {}
            error("this cell fails")

            -- %%
            sys.figure("drawn.svg", "A drawing")
            print("still running, value = " .. value)
            """.write(to: directory.appendingPathComponent("nb.lua"), atomically: true, encoding: .utf8)

        let output = try Binary.run(["notebook", "nb.lua", "-o", "out/report.md"], in: directory)
        XCTAssertEqual(output.status, 1, "a failed cell makes the exit code 1")
        let report = try String(contentsOf: directory.appendingPathComponent("out/report.md"), encoding: .utf8)

        XCTAssertTrue(report.contains("\n# Editing notes\nThe *first* cell prints.\n"), report)
        XCTAssertFalse(report.contains("-- The *first*"), report)
        XCTAssertTrue(report.contains("```lua\nvalue = 21\nprint(\"printed line\")\nvalue * 2\n```"), report)
        XCTAssertTrue(report.contains("```text\nprinted line\n42\n```"), report)
        XCTAssertTrue(report.contains("**Error** in cell 2:"), report)
        XCTAssertTrue(report.contains("nb.lua:12: this cell fails\nstack traceback:"), report)
        XCTAssertTrue(report.contains("```text\nstill running, value = 21\n```"), report)
        XCTAssertTrue(report.contains("![A drawing](report_files/drawn.svg)"), report)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/report_files/drawn.svg").path))
        XCTAssertTrue(report.contains("3 code cells, 1 failed"), report)
        XCTAssertTrue(report.contains("<sub>cell 1 · line 6 · "), report)
        XCTAssertTrue(report.contains(" · failed</sub>"), report)
    }

    func testCleanNotebookExitsZero() throws {
        try "-- %%\nx = 1\n-- %%\nx + 1\n".write(to: directory.appendingPathComponent("ok.lua"), atomically: true, encoding: .utf8)
        let output = try Binary.run(["notebook", "ok.lua"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let report = try String(contentsOf: directory.appendingPathComponent("ok.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("2 code cells, 0 failed"), report)
        XCTAssertTrue(report.contains("```text\n2\n```"), report)
    }

    func testRerenderReplacesTheFigureFolder() throws {
        try "-- %%\nplot.bar{labels={'a','b'}, values={1, 2}, title='Two bars'}\n"
            .write(to: directory.appendingPathComponent("bars.lua"), atomically: true, encoding: .utf8)
        let folder = directory.appendingPathComponent("bars_files")
        for render in 1...2 {
            let output = try Binary.run(["notebook", "bars.lua"], in: directory)
            XCTAssertEqual(output.status, 0, output.stderr)
            let report = try String(contentsOf: directory.appendingPathComponent("bars.md"), encoding: .utf8)
            XCTAssertTrue(report.contains("(bars_files/bar-1.png)"), "render \(render) numbers from 1: \(report)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["bar-1.png", "bar-1.svg"],
                           "render \(render) leaves only its own figures")
            try Data().write(to: folder.appendingPathComponent("stale-9.png"))
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.hasPrefix(".bars_files") },
                       "the set-aside folder is removed")
    }

    func testBadArguments() throws {
        XCTAssertEqual(try Binary.run(["notebook"], in: directory).status, 2)
        XCTAssertEqual(try Binary.run(["notebook", "missing.lua"], in: directory).status, 1)
    }
}
