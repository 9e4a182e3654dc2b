@testable import Core
import XCTest

/// The one decoder of named settings: Lua tables and command-line text alike.
final class OptionDecoderTests: XCTestCase {
    struct Probe: Decodable { var prompt: String; var answer: String }
    struct Settings: Decodable {
        var steps: Int?
        var rate: Float?
        var locality: [Probe]?
        var alias: Metrics.AliasChoice?
        var seed: UInt64?
    }

    func message(_ value: OptionValue) -> String {
        do { _ = try OptionDecoder.decode(Settings.self, from: value); return "no error" } catch { return "\(error)" }
    }

    func testErrorsNameTheFieldPath() {
        let probes: OptionValue = .list([.table(["prompt": .string("a"), "answer": .string("b")]), .table(["prompt": .string("c")])])
        XCTAssertEqual(message(.table(["locality": probes])), "field 'locality'[2]: field 'answer': string expected, got nil")
        XCTAssertEqual(message(.table(["steps": .string("x")])), "field 'steps': number expected, got string")
        XCTAssertEqual(message(.table(["steps": .number(1.5)])), "field 'steps': number has no integer representation")
        XCTAssertEqual(message(.table(["seed": .int(-1)])), "field 'seed': non-negative integer expected, got -1")
        XCTAssertEqual(message(.table(["alias": .string("worst")])), "field 'alias': \"best\" or \"first\" expected, got \"worst\"")
        XCTAssertEqual(message(.table(["stepz": .int(1)])), "unknown option 'stepz' (known: alias, locality, rate, seed, steps)")
        let extra: OptionValue = .list([.table(["prompt": .string("a"), "answer": .string("b"), "note": .bool(true)])])
        XCTAssertEqual(message(.table(["locality": extra])), "field 'locality'[1]: unknown option 'note' (known: answer, prompt)")
        XCTAssertEqual(message(.string("x")), "table expected, got string")
    }

    func testCommandLineTextReadsAsTheFieldAsks() throws {
        let s = try OptionDecoder.decode(Settings.self, from: .table(["steps": .text("20"), "rate": .text("1e-3"), "alias": .text("best")]))
        XCTAssertEqual(s.steps, 20)
        XCTAssertEqual(s.rate, 1e-3)
        XCTAssertEqual(s.alias, .best)
        XCTAssertEqual(message(.table(["steps": .text("ten")])), "field 'steps': integer expected, got 'ten'")
        var config = MetaTrainingConfig()
        try OptionDecoder.decode(from: .table(["locality": .text("own,neighbour"), "alpha_lr": .text("0.001")])) { try config.update(from: $0) }
        XCTAssertEqual(config.locality, [.own, .neighbour])
        XCTAssertEqual(config.stepSizeLearningRate, 1e-3)
        try OptionDecoder.decode(from: .table(["lr_decay": .text("cosine"), "init": .text("instructedit")])) { try config.update(from: $0) }
        XCTAssertEqual(config.lrDecay, .cosine)
        XCTAssertEqual(config.initialEditor, "instructedit")
        XCTAssertThrowsError(try OptionDecoder.decode(from: .table(["lr_decay": .text("step")])) { try config.update(from: $0) }) {
            XCTAssertTrue("\($0)".contains("lr_decay"), "\($0)")
        }
    }
}
