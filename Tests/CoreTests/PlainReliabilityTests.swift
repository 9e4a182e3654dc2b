import Foundation
import XCTest
@testable import Core

/// With instruction-rendered prompts, evaluation also scores Reliability on the plain edit prompt:
/// the column that shows whether an edit carries outside the instruction context.
final class PlainReliabilityTests: XCTestCase {
    func testPlainReliabilityScoresThePlainPrompt() throws {
        let m = try MetaTrainerTests.tinyModel()
        let records = Array(try Datasets.load(task: "counterfact", split: "test").records.prefix(4))
        var plain = EvaluationOptions()
        plain.n = 4
        var instructed = plain
        instructed.instruct = true
        let p = try Evaluator.run(model: m, editor: nil, records: records, options: plain)
        let i = try Evaluator.run(model: m, editor: nil, records: records, options: instructed)
        XCTAssertNil(p.summary.plainReliability, "plain prompts: the column would repeat Reliability")
        XCTAssertEqual(i.summary.plainReliability, p.summary.reliability)
        // After an edit on the rendered prompt, both are scored on the same edited weights.
        let ft = try FineTuneEditor(steps: 5, learningRate: 0.5, eps: 10)
        let edited = try Evaluator.run(model: m, editor: ft, records: records, options: instructed)
        XCTAssertEqual(edited.summary.plainReliability?.n, 4)
        var table = ResultsTable()
        table.rows = [.init(method: "I", result: i), .init(method: "P", result: p)]
        XCTAssertTrue(table.markdown().contains("| Rel. (plain prompt) |"))
        let cell = ResultsTable.cell(p.summary.reliability)
        XCTAssertTrue(table.markdown().contains("| I | \(ResultsTable.cell(i.summary.reliability)) | \(cell) |"), table.markdown())
        XCTAssertTrue(table.markdown().contains("| P | \(cell) | – |"), table.markdown())
        XCTAssertTrue(try table.json().contains("\"reliability_plain\""))
    }
}
