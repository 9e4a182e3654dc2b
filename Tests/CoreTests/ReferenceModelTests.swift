import Foundation
import XCTest
@testable import Core

/// The default model against PyTorch's reference values (../shared/reference): logits at every
/// position, hidden states per layer, top-20 and greedy continuations.
final class ReferenceModelTests: XCTestCase {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/reference").standardizedFileURL.path
    nonisolated(unsafe) static var cached: LanguageModel?
    static func model() throws -> LanguageModel {
        if let m = cached { return m }
        let m = try LanguageModel.load()
        cached = m
        return m
    }
    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: shared + "/smollm2_reference.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Largest |a - b| relative to the largest |b|, printed like llm.c's check_tensor.
    func check(_ name: String, _ a: [Float], _ b: [Float], tolerance: Float) {
        XCTAssertEqual(a.count, b.count, name)
        var worst: Float = 0, scale: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)); scale = max(scale, abs(y)) }
        print("\(name): first \(a.prefix(3)) vs \(b.prefix(3)); max diff \(worst) (scale \(scale))")
        XCTAssertLessThanOrEqual(worst, tolerance * scale, name)
    }

    func testLogitsAtEveryPositionMatchReference() throws {
        let m = try Self.model()
        let ref = try Npy.load(Self.shared + "/smollm2_prompt0_logits.npy")
        let ids = m.tokenizer.encode("The capital of France is")
        let logits = try LlamaForward.logits(m.weights, tokens: ids)
        XCTAssertEqual(logits.shape, ref.shape)
        check("logits [5, 49152]", logits.data, ref.data, tolerance: 1e-3)
    }

    func testHiddenStatesOfEveryLayerMatchReference() throws {
        let m = try Self.model()
        let ref = try Npy.load(Self.shared + "/smollm2_prompt0_hidden.npy")
        let hs = try LlamaForward.hiddenStates(m.weights, tokens: m.tokenizer.encode("The capital of France is"))
        XCTAssertEqual(hs.shape, ref.shape)
        let n = 5 * 576
        for layer in 0..<hs.shape[0] {
            check("hidden[\(layer)]", Array(hs.data[layer * n..<(layer + 1) * n]), Array(ref.data[layer * n..<(layer + 1) * n]), tolerance: 1e-3)
        }
    }

    func testTop20AndGreedyContinuationsMatchReference() throws {
        let m = try Self.model()
        let prompts = try XCTUnwrap(Self.reference()["prompts"] as? [[String: Any]])
        XCTAssertEqual(prompts.count, 3)
        for p in prompts {
            let text = try XCTUnwrap(p["prompt"] as? String)
            let ids = m.tokenizer.encode(text)
            XCTAssertEqual(ids, p["ids"] as? [Int], text)
            let logits = try LlamaForward.logits(m.weights, tokens: ids)
            let v = m.config.vocab
            let last = Array(logits.data[(ids.count - 1) * v..<ids.count * v])
            let top = try XCTUnwrap(p["top20"] as? [[String: Any]])
            let refLogits = top.map { Float($0["logit"] as! Double) }
            let order = last.indices.sorted { last[$0] > last[$1] }.prefix(20)
            for (k, entry) in top.enumerated() {
                let id = try XCTUnwrap(entry["id"] as? Int)
                XCTAssertEqual(last[id], refLogits[k], accuracy: 1e-3 * abs(refLogits[0]), "\(text) top\(k)")
                // Same order wherever neighbours differ by more than the tolerance.
                if k + 1 < top.count, refLogits[k] - refLogits[k + 1] > 2e-3 * abs(refLogits[0]) {
                    XCTAssertEqual(Array(order)[k], id, "\(text): rank \(k)")
                }
            }
            let greedy = try Generator(weights: m.weights, tokenizer: m.tokenizer)
                .generate(prompt: ids, parameters: GenerationParameters(maxTokens: 10, stopAtEOS: false))
            XCTAssertEqual(greedy.tokens, p["greedy10_ids"] as? [Int], text)
            XCTAssertEqual(greedy.text, p["greedy10_text"] as? String, text)
        }
    }
}
