@testable import Core
import XCTest
import TestSupport

/// The editor seam: every editor reports its targets, evaluation caches below them, and the
/// registry builds editors from the same options Lua and the command line give.
final class EditorRegistryTests: XCTestCase {
    /// Six blocks: the default targets start at block 3, the editor below changes block 1.
    static func sixBlockModel() throws -> LanguageModel {
        var c = LlamaConfig.tiny
        c.layers = 6
        c.contextLength = 512
        return try TinyModel.model(config: c, seed: 3)
    }

    func testMiddleLayerEditorIsScoredFromItsOwnBlock() throws {
        let m = try Self.sixBlockModel()
        let names = ["gate_proj", "up_proj", "down_proj"].map { "model.layers.1.mlp.\($0).weight" }
        let ft = try FineTuneEditor(steps: 3, learningRate: 0.5, eps: 10, targets: .named(names))
        XCTAssertEqual(try ft.targets(in: m).lowestBlock, 1)
        XCTAssertEqual(try Evaluator.cacheBlock(for: ft, on: m), 1)
        XCTAssertEqual(try Evaluator.cacheBlock(for: nil, on: m), 3)

        let records = Array(try Datasets.load(task: "counterfact", split: "test").records.prefix(3))
        var options = EvaluationOptions()
        options.n = 3
        // Exact: every score from the embeddings up.
        let exact = try Evaluator.run(model: m, editor: ft, records: records, options: options,
                                      scorer: ModelScorer(model: m, lowestEditedBlock: 0))
        // The default scorer, and a shared scorer cached too high (as `instructedit eval` shares one).
        let byDefault = try Evaluator.run(model: m, editor: ft, records: records, options: options)
        let shared = try Evaluator.run(model: m, editor: ft, records: records, options: options,
                                       scorer: ModelScorer(model: m, lowestEditedBlock: 3))
        XCTAssertLessThan(try XCTUnwrap(exact.summary.locality?.value), 100, "the edit of block 1 moves the locality answers")
        for result in [byDefault, shared] {
            XCTAssertEqual(result.summary.reliability?.value, exact.summary.reliability?.value)
            XCTAssertEqual(result.summary.locality?.value, exact.summary.locality?.value)
            XCTAssertEqual(result.summary.generalization?.value, exact.summary.generalization?.value)
        }
    }

    func testRegistryBuildsEachKindFromOptions() throws {
        let m = try Self.sixBlockModel()
        XCTAssertEqual(EditorRegistry.names, ["mend", "ft"])
        let ft = try EditorRegistry.make("ft", EditorContext(options: .table(["steps": .int(2), "layers": .int(2)]), model: m))
        XCTAssertEqual(ft.summary, "FT-L editor (2 steps, lr 0.0005, eps 0.0005, the MLPs of the last 2 blocks)")
        XCTAssertEqual(try ft.targets(in: m).lowestBlock, 4)
        let mend = try EditorRegistry.make("mend", EditorContext(options: .table(["rank": .int(4), "targets": .list([.string("model.layers.2.mlp.up_proj.weight")])]), model: m))
        XCTAssertEqual(mend.weightNames, ["model.layers.2.mlp.up_proj.weight"])
        XCTAssertEqual(try mend.targets(in: m).lowestBlock, 2)
        // Command-line text reads as the same settings.
        let cli = try EditorRegistry.make("ft", EditorContext(options: .table(["steps": .text("2"), "layers": .text("2")])))
        XCTAssertEqual(cli.summary, ft.summary)

        XCTAssertThrowsError(try EditorRegistry.make("rome", EditorContext())) { e in
            XCTAssertEqual("\(e)", "unknown editor kind 'rome' (mend, ft)")
        }
        XCTAssertThrowsError(try EditorRegistry.make("ft", EditorContext(options: .table(["step": .int(3)])))) { e in
            XCTAssertEqual("\(e)", "unknown option 'step' (known: eps, layers, lr, steps, targets)")
        }
        XCTAssertThrowsError(try EditorRegistry.make("mend", EditorContext(options: .table(["rank": .int(0)])))) { e in
            XCTAssertEqual("\(e)", "field 'rank': positive integer expected, got 0")
        }
    }
}
