import XCTest
@testable import Core

final class TensorFormatTests: XCTestCase {
    func testSmallMatrix() throws {
        let t = try Tensor(rows: [[1.5, -2.25], [0, 10]])
        XCTAssertEqual(t.format(), "  1.5000  -2.2500\n  0.0000  10.0000\n[Tensor of size 2x2]")
    }

    func testIntegersAlign() throws {
        XCTAssertEqual(try Tensor.arange(0, 12).reshape([3, 4]).format(),
                       "  0   1   2   3\n  4   5   6   7\n  8   9  10  11\n[Tensor of size 3x4]")
    }

    func testSharedScaleFactor() throws {
        let text = try Tensor(rows: [[0.001, -0.002], [0.0035, 0]]).format()
        XCTAssertEqual(text, "1e-03 *\n 1.0000 -2.0000\n 3.5000  0.0000\n[Tensor of size 2x2]")
    }

    func testWideMatrixHasColumnBlocksAndTallHasElidedRows() throws {
        let wide = try Tensor.arange(0, 60).reshape([3, 20]).div(7).format()
        XCTAssertTrue(wide.contains("Columns 1 to 8\n"), wide)
        XCTAssertTrue(wide.contains("Columns 13 to 20\n"), wide)
        XCTAssertTrue(wide.hasSuffix("[Tensor of size 3x20]"))
        let lines = wide.split(separator: "\n")
        for line in lines where !line.hasPrefix("Columns") && !line.hasPrefix("[") {
            XCTAssertLessThanOrEqual(line.count, 80)
        }
        let tall = try Tensor.arange(0, 100).reshape([50, 2]).format(maxRows: 6)
        XCTAssertEqual(tall.split(separator: "\n").count, 3 + 1 + 3 + 1)
        XCTAssertTrue(tall.contains("...\n"))
        XCTAssertTrue(tall.contains(" 98  99"))
    }

    func testScalarVectorAndHigherRank() throws {
        XCTAssertEqual(Tensor(scalar: 2.5).format(), "2.5000\n[scalar Tensor]")
        XCTAssertEqual(Tensor([1, 2]).format(), " 1\n 2\n[Tensor of size 2]")
        let cube = try Tensor.arange(0, 8).reshape([2, 2, 2]).format()
        XCTAssertTrue(cube.hasPrefix("(1,.,.) = \n 0  1\n 2  3\n\n(2,.,.) = \n"), cube)
        XCTAssertEqual(Tensor(zeros: [0, 3]).format(), "[Tensor of size 0x3]")
        XCTAssertTrue(Tensor([1, .nan, -.infinity]).format().contains("-inf"))
    }
}
