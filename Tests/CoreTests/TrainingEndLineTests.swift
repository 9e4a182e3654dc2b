import XCTest
@testable import Core

/// The line a meta-training run ends with names its best checkpoint only once a validation gave it
/// a loss; before that it points to the resume checkpoint (never "nan → best.ckpt").
final class TrainingEndLineTests: XCTestCase {
    func result(_ loss: Double?) -> MetaTrainingResult {
        MetaTrainingResult(ending: .interrupted, steps: 30, bestValidationLoss: loss, bestPath: "run/best.ckpt",
                           lastPath: "run/last.ckpt", seconds: 25, stepsPerSecond: 1.2)
    }

    func testBeforeAnyValidationTheLinePointsToTheResumeCheckpoint() {
        for loss in [nil, Double.infinity, Double.nan] {
            let line = ProgressText.trainingEnd(result(loss))
            XCTAssertTrue(line.hasPrefix("interrupted after 30 steps in "), line)
            XCTAssertTrue(line.hasSuffix("no validation yet, so no best checkpoint; the resume checkpoint is run/last.ckpt"), line)
            XCTAssertFalse(line.contains("nan"), line)
        }
    }

    func testAfterAValidationTheLineNamesTheBestCheckpoint() {
        let line = ProgressText.trainingEnd(result(0.92551))
        XCTAssertTrue(line.hasSuffix("best validation loss 0.9255 → run/best.ckpt"), line)
        XCTAssertTrue(line.contains("(1.20 steps/s)"), line)
    }
}
