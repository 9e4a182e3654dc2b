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

/// Evaluation with the next record's residual streams computed on a helper thread scores exactly
/// what evaluation without it scores, and the helper really filled the cache.
final class PrefetchingEvaluatorTests: XCTestCase {
    func testPrefetchingGivesTheSameScores() throws {
        let m = try MetaTrainerTests.tinyModel()
        for task in ["counterfact", "convsent"] {
            let records = Array(try Datasets.load(task: task, split: "test").records.prefix(4))
            var options = EvaluationOptions()
            options.instruct = true
            let ft = try FineTuneEditor(steps: 3, learningRate: 0.5, eps: 10)
            var results: [EvaluationResult] = []
            for prefetch in [false, true] {
                let scorer = ModelScorer(model: m, lowestEditedBlock: try Evaluator.cacheBlock(for: ft, on: m))
                results.append(try Evaluator.run(model: m, editor: ft, records: records, options: options, scorer: scorer, prefetch: prefetch))
                if prefetch { XCTAssertGreaterThan(scorer.cache.misses, 0) }
            }
            XCTAssertEqual(results[0].perRecord, results[1].perRecord, task)
        }
    }

    /// Every input the helper computes is one the scoring then asks for (no wasted work).
    func testPlannedInputsAreScored() throws {
        let m = try MetaTrainerTests.tinyModel()
        let records = Array(try Datasets.load(task: "counterfact", split: "test").records.prefix(3))
        var options = EvaluationOptions()
        options.instruct = true
        let scorer = ModelScorer(model: m, lowestEditedBlock: try Evaluator.cacheBlock(for: nil, on: m))
        _ = try Evaluator.run(model: m, editor: nil, records: records, options: options, scorer: scorer, prefetch: false)
        let instructions = try InstructionSet.builtIn()
        for (i, r) in records.enumerated() {
            let request = EditRequest(prompt: r.prompt, target: TeacherForcing.continuation(r.target), task: r.task, instruct: true)
            let planned = try Evaluator.scoredInputs(r, render: { try request.render($0, instructions: instructions, seed: UInt64(i)) },
                                                     scorer: scorer, options: options)
            XCTAssertFalse(planned.isEmpty)
            for t in planned where t.count >= 2 { XCTAssertTrue(scorer.cache.contains(t), "record \(i): an input the scoring never used") }
        }
    }
}
