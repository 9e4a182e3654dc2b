import XCTest
@testable import Core
import TestSupport

/// Hooks in the inference forward: reading changes nothing, the cached activations agree with the
/// other inference outputs, and replacing one changes the rest of the pass as the block's equations say.
final class ActivationHooksTests: XCTestCase {
    private let tokens = [3, 17, 42, 5, 99, 7]

    private func model() throws -> LanguageModel {
        var c = LlamaConfig.tiny
        c.layers = 3
        return try TinyModel.model(config: c, seed: 3)
    }

    /// Runs `logits` keeping every activation.
    private func cached(_ w: LlamaWeights, hooks extra: ActivationHooks.Visitor? = nil) throws -> (Tensor, [ActivationName: Tensor]) {
        var cache: [ActivationName: Tensor] = [:]
        let logits = try LlamaForward.logits(w, tokens: tokens, hooks: ActivationHooks(names: nil) { name, t in
            try extra?(name, &t)
            cache[name] = t
        })
        return (logits, cache)
    }

    func testNamesRoundTripAndRejectOthers() {
        let all = ActivationName.all(layers: 3)
        XCTAssertEqual(all.count, 18)
        XCTAssertEqual(all.first?.description, "blocks.1.hook_resid_pre")
        XCTAssertEqual(all.last?.description, "blocks.3.hook_resid_post")
        for name in all { XCTAssertEqual(ActivationName(name.description, layers: 3), name) }
        XCTAssertEqual(ActivationName("blocks.2.attn.hook_pattern", layers: 3), ActivationName(layer: 1, .pattern))
        for bad in ["blocks.0.hook_mlp_out", "blocks.4.hook_mlp_out", "blocks.x.hook_mlp_out", "blocks.1.mlp_out", "hook_embed", ""] {
            XCTAssertNil(ActivationName(bad, layers: 3), bad)
        }
    }

    func testReadingHooksLeaveTheLogitsBitForBit() throws {
        let w = try model().weights
        let plain = try LlamaForward.logits(w, tokens: tokens)
        let (hooked, cache) = try cached(w)
        XCTAssertEqual(hooked.data, plain.data)
        XCTAssertEqual(cache.count, 18)
    }

    func testCachedResidualsAreTheHiddenStatesAndTheSumsHold() throws {
        let w = try model().weights, c = w.config, T = tokens.count
        let hidden = try LlamaForward.hiddenStates(w, tokens: tokens)
        let (_, cache) = try cached(w)
        for l in 0..<c.layers {
            let post = try XCTUnwrap(cache[ActivationName(layer: l, .residPost)])
            XCTAssertEqual(post.shape, [T, c.dim])
            XCTAssertEqual(post.data, Array(hidden.data[((l + 1) * T * c.dim)..<((l + 2) * T * c.dim)]), "block \(l + 1)")
            let pre = try XCTUnwrap(cache[ActivationName(layer: l, .residPre)])
            let mid = try XCTUnwrap(cache[ActivationName(layer: l, .residMid)])
            let attn = try XCTUnwrap(cache[ActivationName(layer: l, .attnOut)])
            let mlp = try XCTUnwrap(cache[ActivationName(layer: l, .mlpOut)])
            for i in 0..<(T * c.dim) {
                XCTAssertEqual(mid.data[i], pre.data[i] + attn.data[i], accuracy: 1e-4)
                XCTAssertEqual(post.data[i], mid.data[i] + mlp.data[i], accuracy: 1e-4)
            }
            let pattern = try XCTUnwrap(cache[ActivationName(layer: l, .pattern)])
            XCTAssertEqual(pattern.shape, [c.heads, T, T])
            for h in 0..<c.heads {
                for t in 0..<T {
                    let row = pattern.data[(h * T + t) * T..<(h * T + t + 1) * T]
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
                    XCTAssertTrue(row.dropFirst(t + 1).allSatisfy { $0 == 0 }, "causal")
                }
            }
        }
    }

    func testReplacingTheMLPOutputChangesTheResidualAndTheLogits() throws {
        let w = try model().weights, last = w.config.layers - 1
        let target = ActivationName(layer: last, .mlpOut)
        let (patched, cache) = try cached(w) { name, t in
            if name == target { t = Tensor(zeros: t.shape) }
        }
        // Without its MLP output the last block's output is its residual after attention.
        XCTAssertEqual(cache[ActivationName(layer: last, .residPost)]?.data, cache[ActivationName(layer: last, .residMid)]?.data)
        XCTAssertNotEqual(patched.data, try LlamaForward.logits(w, tokens: tokens).data)
    }

    func testReplacingThePatternMixesTheValuesWithIt() throws {
        let w = try model().weights, T = tokens.count
        let target = ActivationName(layer: 0, .pattern)
        // Every position attending to the first token only: every row's attention output is the same.
        let (_, cache) = try cached(w) { name, t in
            guard name == target else { return }
            t = Tensor(zeros: t.shape)
            for h in 0..<w.config.heads { for q in 0..<T { t.data[(h * T + q) * T] = 1 } }
        }
        let attn = try XCTUnwrap(cache[ActivationName(layer: 0, .attnOut)])
        let dim = w.config.dim
        for t in 1..<T {
            for i in 0..<dim { XCTAssertEqual(attn.data[t * dim + i], attn.data[i], accuracy: 1e-5) }
        }
    }

    func testAReplacementOfAnotherSizeIsAnError() throws {
        let w = try model().weights
        XCTAssertThrowsError(try LlamaForward.logits(w, tokens: tokens, hooks: ActivationHooks(names: [ActivationName(layer: 1, .mlpOut)]) { _, t in
            t = Tensor(zeros: [1])
        })) { error in
            XCTAssertTrue("\(error)".contains("hook blocks.2.hook_mlp_out: the replacement has size [1]"), "\(error)")
        }
    }

    func testGenerationRunsHooksAtEveryStepAndReadingOnesChangeNothing() throws {
        let m = try model()
        let generator = Generator(weights: m.weights, tokenizer: m.tokenizer)
        let plain = try generator.generate(prompt: tokens, parameters: .init(maxTokens: 4, stopAtEOS: false))
        var rows: [Int] = []
        generator.hooks = ActivationHooks(names: [ActivationName(layer: 2, .residPost)]) { _, t in rows.append(t.shape[0]) }
        let hooked = try generator.generate(prompt: tokens, parameters: .init(maxTokens: 4, stopAtEOS: false))
        XCTAssertEqual(hooked.tokens, plain.tokens)
        XCTAssertEqual(rows, [tokens.count, 1, 1, 1], "the prompt's rows, then one row per new token")
    }
}
