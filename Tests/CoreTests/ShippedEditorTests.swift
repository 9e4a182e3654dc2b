import Foundation
import XCTest
@testable import Core

/// The editors shipped in Resources/editors work on a fresh clone: they load for the default model,
/// edit it (validation records, never the test split), and refuse another model.
final class ShippedEditorTests: XCTestCase {
    func testShippedEditorsEditTheDefaultModel() throws {
        let m = try ReferenceModelTests.model()
        let records = Array(try Datasets.load(task: "counterfact", split: "val").records.prefix(10))
        let unedited = try XCTUnwrap(try Evaluator.run(model: m, editor: nil, records: records, options: EvaluationOptions()).summary.reliability?.value)
        for (name, instruct) in [("instructedit", true), ("mend-multitask", false)] {
            let ckpt = try EditorCheckpoint.read(from: try ShippedEditors.resolve(name), expecting: m.editorIdentity)
            XCTAssertNil(ckpt.training, "a shipped editor carries no training state")
            var options = EvaluationOptions()
            options.instruct = instruct
            let r = try Evaluator.run(model: m, editor: ckpt.editor, records: records, options: options)
            let reliability = try XCTUnwrap(r.summary.reliability?.value)
            print("\(name): reliability \(reliability) on \(records.count) val records, unedited \(unedited)")
            XCTAssertGreaterThan(reliability, unedited + 25, name)
            XCTAssertEqual(r.summary.plainReliability?.n, instruct ? records.count : nil, name)
            XCTAssertTrue(m.editLog.applied.isEmpty, "every edit undone")
        }
    }

    func testAShippedEditorRefusesAnotherModel() throws {
        let other = EditorCheckpoint.ModelIdentity(name: "tiny", fingerprint: "layers=2 dim=4 ffn=6")
        XCTAssertThrowsError(try EditorCheckpoint.read(from: try ShippedEditors.resolve(nil), expecting: other)) {
            XCTAssertTrue("\($0)".contains("belongs to model"), "\($0)")
        }
    }
}
