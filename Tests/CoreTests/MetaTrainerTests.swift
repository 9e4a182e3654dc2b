import Foundation
import XCTest
@testable import Core

/// Meta-training on a tiny model with the real data sets: the loss the editor is trained on falls,
/// and an interrupted run resumed from its checkpoint ends exactly where an uninterrupted one does.
final class MetaTrainerTests: XCTestCase {
    static func tinyModel() throws -> LanguageModel {
        var c = LlamaConfig.tiny
        c.layers = 4
        c.contextLength = 512   // byte-level tokens of instruction-rendered prompts
        return try TinyModel.model(config: c, seed: 7)
    }

    func config(steps: Int) -> MetaTrainingConfig {
        var c = MetaTrainingConfig()
        c.tasks = ["counterfact", "recent"]
        c.steps = steps
        c.accumulation = 1
        c.rank = 8
        c.editorLearningRate = 1e-3
        c.stepSizeLearningRate = 1e-4
        c.cEdit = 1
        c.validateEvery = 1000
        c.validationSize = 3
        c.saveEvery = 5
        c.trainLimit = 4
        return c
    }

    func runFolder() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("metatrain-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func testTrainingLowersTheValidationLoss() throws {
        let m = try Self.tinyModel()
        let trainer = try MetaTrainer(model: m, config: config(steps: 40), runDirectory: runFolder())
        trainer.editor.isTraining = true   // gather normalisation statistics as training would
        for _ in 0..<4 { _ = try trainer.accumulate(try trainer.sampleExample(), scale: 0) }
        trainer.editor.isTraining = false
        let before = try trainer.validate()
        let result = try trainer.run()
        let after = try trainer.validate()
        print("validation loss \(before) → \(after)")
        XCTAssertEqual(result.steps, 40)
        XCTAssertLessThan(after, before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.bestPath))
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.lastPath))
    }

    func testResumedRunEqualsUninterruptedRun() throws {
        let m = try Self.tinyModel()
        let straight = try MetaTrainer(model: m, config: config(steps: 10), runDirectory: runFolder())
        _ = try straight.run()
        let folder = runFolder()
        _ = try MetaTrainer(model: m, config: config(steps: 5), runDirectory: folder).run()
        let resumed = try MetaTrainer(model: m, config: config(steps: 10), runDirectory: folder)
        XCTAssertEqual(resumed.step, 5)
        _ = try resumed.run()
        XCTAssertEqual(resumed.step, 10)
        XCTAssertEqual(Array(resumed.editor.parameters), Array(straight.editor.parameters))
        XCTAssertEqual(Array(resumed.editor.stepSizes), Array(straight.editor.stepSizes))
        // Another configuration in the same folder is refused.
        var other = config(steps: 10)
        other.rank = 4
        XCTAssertThrowsError(try MetaTrainer(model: m, config: other, runDirectory: folder))
    }
}
