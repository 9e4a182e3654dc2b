import XCTest
@testable import Core

/// The metrics on hand-made cases: perfect, zero, partial, alias choice, ConvSent pairs, aggregation.
final class MetricsTests: XCTestCase {
    func testTeacherForcingPositions() throws {
        let tf = try TeacherForcing.positions(promptIds: [10, 11, 12], answerIds: [20, 21])
        XCTAssertEqual(tf.input, [10, 11, 12, 20])
        XCTAssertEqual(tf.positions, [2, 3], "the last prompt token predicts the first answer token")
        XCTAssertEqual(tf.answer, [20, 21])
        // argmax per input position: position 2 predicts 20 (right), position 3 predicts 99 (wrong).
        XCTAssertEqual(try tf.gather([7, 8, 20, 99]), [20, 99])
        XCTAssertThrowsError(try tf.gather([7, 8, 20]))
        XCTAssertThrowsError(try TeacherForcing.positions(promptIds: [], answerIds: [1]))
        XCTAssertThrowsError(try TeacherForcing.positions(promptIds: [1], answerIds: []))
        let one = try TeacherForcing.positions(promptIds: [5], answerIds: [6, 7, 8])
        XCTAssertEqual(one.input, [5, 6, 7])
        XCTAssertEqual(one.positions, [0, 1, 2])
        XCTAssertEqual(TeacherForcing.continuation("Rome"), " Rome")
    }

    func testTokenAccuracy() throws {
        XCTAssertEqual(try Metrics.tokenAccuracy(predicted: [1, 2, 3], answer: [1, 2, 3]), 1)
        XCTAssertEqual(try Metrics.tokenAccuracy(predicted: [4, 5, 6], answer: [1, 2, 3]), 0)
        XCTAssertEqual(try Metrics.tokenAccuracy(predicted: [1, 9, 3, 9], answer: [1, 2, 3, 4]), 0.5)
        XCTAssertThrowsError(try Metrics.tokenAccuracy(predicted: [1], answer: [1, 2]))
        XCTAssertThrowsError(try Metrics.tokenAccuracy(predicted: [], answer: []))
    }

    func testLocalityAgreement() throws {
        XCTAssertEqual(try Metrics.localityAgreement(before: [3, 4, 5], after: [3, 4, 5]), 1)
        XCTAssertEqual(try Metrics.localityAgreement(before: [3, 4, 5], after: [0, 0, 0]), 0)
        XCTAssertEqual(try Metrics.localityAgreement(before: [3, 4, 5, 6], after: [3, 0, 5, 0]), 0.5)
        XCTAssertThrowsError(try Metrics.localityAgreement(before: [1, 2], after: [1]))
    }

    func testPortabilityAliasChoice() throws {
        // Canonical alias "United States" half right; the short alias "US" fully right.
        let aliases: [(predicted: [Int], answer: [Int])] = [([7, 0], [7, 8]), ([9], [9]), ([0, 0, 0], [1, 2, 3])]
        XCTAssertEqual(try Metrics.portabilityAccuracy(aliases: aliases, choice: .first), 0.5)
        XCTAssertEqual(try Metrics.portabilityAccuracy(aliases: aliases, choice: .best), 1)
        XCTAssertEqual(try Metrics.portabilityAccuracy(aliases: aliases), 0.5, "the reported choice is the first alias")
        XCTAssertEqual(Metrics.reportedAliasChoice, .first)
        XCTAssertEqual(try Metrics.portabilityAccuracy(aliases: [([0, 0, 0], [1, 2, 3])], choice: .best), 0)
        XCTAssertThrowsError(try Metrics.portabilityAccuracy(aliases: []))
    }

    func testConvSentPairs() throws {
        XCTAssertEqual(try Metrics.meanLogLikelihood([-1, -2, -3]), -2)
        XCTAssertThrowsError(try Metrics.meanLogLikelihood([]))
        // All wanted above all opposite; all below; a split: pairs (−1 vs −2) yes, (−1 vs −0.5) no,
        // (−3 vs −2) no, (−3 vs −0.5) no → 1 of 4. A tie is not a preference.
        XCTAssertEqual(try Metrics.sentimentPreference(wanted: [-1, -1.5], opposite: [-2, -3, -4]), 1)
        XCTAssertEqual(try Metrics.sentimentPreference(wanted: [-5], opposite: [-2, -3]), 0)
        XCTAssertEqual(try Metrics.sentimentPreference(wanted: [-1, -3], opposite: [-2, -0.5]), 0.25)
        XCTAssertEqual(try Metrics.sentimentPreference(wanted: [-2], opposite: [-2]), 0)
        XCTAssertThrowsError(try Metrics.sentimentPreference(wanted: [], opposite: [-1]))
        XCTAssertEqual(try Metrics.sentimentGeneralization([(wanted: [-1], opposite: [-2]),
                                                            (wanted: [-1, -3], opposite: [-2, -0.5])]), 0.625)
        XCTAssertThrowsError(try Metrics.sentimentGeneralization([]))
    }

    func testConvSentLocality() throws {
        let before = (positive: [-1.0, -3.0], negative: [-2.0])
        XCTAssertEqual(try Metrics.sentimentLocality(before: before, after: before), 1)
        // Both orders flip.
        XCTAssertEqual(try Metrics.sentimentLocality(before: before, after: (positive: [-3.0, -1.0], negative: [-2.0])), 0)
        // Shifted but same order for the first pair; the second pair becomes a tie: a change.
        XCTAssertEqual(try Metrics.sentimentLocality(before: before, after: (positive: [-0.5, -2.0], negative: [-2.0])), 0.5)
        XCTAssertThrowsError(try Metrics.sentimentLocality(before: before, after: (positive: [-1.0], negative: [-2.0])))
    }

    func testAggregationAveragesPerRecordTimes100() throws {
        let summary = try ScoreSummary([
            RecordScores(reliability: 1, generalization: 0.5, locality: 1, portability: nil),
            RecordScores(reliability: 0.5, generalization: 0, locality: 0.5, portability: 0.25),
            RecordScores(reliability: 0, generalization: nil, locality: 1, portability: nil),
        ])
        XCTAssertEqual(summary.n, 3)
        XCTAssertEqual(summary.reliability, try MetricMean(perRecord: [1, 0.5, 0]))
        XCTAssertEqual(try XCTUnwrap(summary.reliability).value, 50, accuracy: 1e-12)
        XCTAssertEqual(summary.reliability?.n, 3)
        XCTAssertEqual(try XCTUnwrap(summary.generalization).value, 25, accuracy: 1e-12)
        XCTAssertEqual(summary.generalization?.n, 2, "records without rephrases are left out")
        XCTAssertEqual(try XCTUnwrap(summary.locality).value, 250.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(summary.portability?.value, 25)
        XCTAssertEqual(summary.portability?.n, 1)
        XCTAssertNil(try MetricMean(perRecord: [nil, nil]))
        XCTAssertThrowsError(try MetricMean(perRecord: [1.5]))
        XCTAssertThrowsError(try MetricMean(perRecord: [.nan]))
        XCTAssertEqual(Metrics.mean([0.25, 0.75]), 0.5)
        XCTAssertNil(Metrics.mean([]))
    }
}
