import Foundation
import XCTest
@testable import Core

/// Edits on the default model: MEND (untrained, identity editor) and FT-L move the target up, and
/// undo restores the weights bit for bit after batch and sequential edits.
final class EditingTests: XCTestCase {
    func model() throws -> LanguageModel { try ReferenceModelTests.model() }

    func identityEditor(_ m: LanguageModel, stepSize: Float) throws -> MENDEditor {
        let targets = try EditTargets.mlp(of: m.weights)
        let ed = try MENDEditor(config: MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: 16))
        for i in 0..<ed.stepSizes.count { ed.stepSizes[i] = stepSize }
        return ed
    }

    func logProb(_ m: LanguageModel, _ prompt: String, _ answer: String) throws -> Float {
        let s = ModelScorer(model: m, lowestEditedBlock: 0)
        return try s.tokenLogProbs(prompt: prompt, answer: answer).reduce(0, +)
    }

    func snapshot(_ m: LanguageModel) -> [UInt32] {
        m.weights.layers.suffix(3).flatMap { [$0.wGate, $0.wUp, $0.wDown] }.flatMap { m.weights.buffer($0).map(\.bitPattern) }
    }

    func testIdentityEditorWithLargeStepMovesTargetUp() throws {
        let m = try model()
        let before = try logProb(m, "The capital of France is", " Rome")
        let e = try identityEditor(m, stepSize: 1e-2).edit(m, [EditRequest(prompt: "The capital of France is", target: " Rome")])
        defer { try? e.undo() }
        let after = try logProb(m, "The capital of France is", " Rome")
        print("log p(Rome): \(before) → \(after)")
        XCTAssertGreaterThan(after, before + 1)
        XCTAssertEqual(m.editLog.applied.count, 1)
        XCTAssertEqual(e.method, "mend")
    }

    func testUndoRestoresWeightsExactlyAfterBatchAndSequentialEdits() throws {
        let m = try model()
        let original = snapshot(m)
        let ed = try identityEditor(m, stepSize: 1e-3)
        let batch = try ed.edit(m, [EditRequest(prompt: "The capital of France is", target: " Rome"),
                                    EditRequest(prompt: "The Eiffel Tower is in", target: " Berlin")])
        XCTAssertNotEqual(snapshot(m), original)
        let second = try ed.edit(m, [EditRequest(prompt: "Water boils at", target: " 50 degrees")])
        let third = try FineTuneEditor(steps: 2).edit(m, [EditRequest(prompt: "The sky is", target: " green")])
        XCTAssertEqual(m.editLog.applied.map(\.id), [batch.id, second.id, third.id])
        // Undoing out of order is refused and changes nothing.
        XCTAssertThrowsError(try batch.undo())
        try third.undo()
        try second.undo()
        try batch.undo()
        XCTAssertEqual(snapshot(m), original)
        XCTAssertTrue(m.editLog.applied.isEmpty)
        XCTAssertThrowsError(try batch.undo())
        // The next edit snapshots into the buffers recycled by those undos; undo is still exact.
        let again = try ed.edit(m, [EditRequest(prompt: "The sky is", target: " green")])
        XCTAssertNotEqual(snapshot(m), original)
        try again.undo()
        XCTAssertEqual(snapshot(m), original)
    }

    func testMENDDeltaNormsMatchTheChangedWeights() throws {
        let m = try model()
        let original = snapshot(m)
        let e = try identityEditor(m, stepSize: 1e-3).edit(m, [EditRequest(prompt: "The capital of France is", target: " Rome"),
                                                                  EditRequest(prompt: "Water boils at", target: " 50 degrees")])
        defer { try? e.undo() }
        let now = snapshot(m), per = now.count / 9
        for (k, reported) in e.deltaNorms.enumerated() {
            var s: Double = 0
            for i in (k * per)..<((k + 1) * per) {
                let d = Double(Float(bitPattern: now[i]) - Float(bitPattern: original[i])); s += d * d
            }
            XCTAssertGreaterThan(reported.norm, 0, reported.name)
            XCTAssertEqual(Double(reported.norm), s.squareRoot(), accuracy: 1e-3 * s.squareRoot(), reported.name)
        }
    }

    func testFineTuningMovesTargetUpWithinEps() throws {
        let m = try model()
        let original = snapshot(m)
        let before = try logProb(m, "The capital of France is", " Rome")
        let eps: Float = 1e-3
        let e = try FineTuneEditor(steps: 5, learningRate: 1e-3, eps: eps).edit(m, [EditRequest(prompt: "The capital of France is", target: " Rome")])
        let after = try logProb(m, "The capital of France is", " Rome")
        print("FT-L log p(Rome): \(before) → \(after)")
        XCTAssertGreaterThan(after, before)
        let now = snapshot(m)
        var largest: Float = 0
        for (a, b) in zip(now, original) { largest = max(largest, abs(Float(bitPattern: a) - Float(bitPattern: b))) }
        XCTAssertLessThanOrEqual(largest, eps + 1e-5)  // (original ± eps) rounds to the weights' float grid
        XCTAssertGreaterThan(largest, 0)
        try e.undo()
        XCTAssertEqual(snapshot(m), original)
    }

    func testBadRequestsAreErrorsThatChangeNothing() throws {
        let m = try model()
        let original = snapshot(m)
        let ed = try identityEditor(m, stepSize: 1e-3)
        XCTAssertThrowsError(try ed.edit(m, [])) { XCTAssertTrue("\($0)".contains("no edit requests")) }
        XCTAssertThrowsError(try ed.edit(m, [EditRequest(prompt: "x", target: "")])) { XCTAssertTrue("\($0)".contains("empty target")) }
        XCTAssertThrowsError(try ed.edit(m, [EditRequest(prompt: "x", target: " y", instruct: true)])) { XCTAssertTrue("\($0)".contains("task")) }
        XCTAssertEqual(snapshot(m), original)
        XCTAssertTrue(m.editLog.applied.isEmpty)
    }
}
