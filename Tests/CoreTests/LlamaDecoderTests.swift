import XCTest
@testable import Core

/// Cached decoding (KV cache, prefill + one token at a time) against full recomputation.
final class LlamaDecoderTests: XCTestCase {
    func testCachedDecodingEqualsFullRecomputationAtEveryStep() throws {
        for (heads, kvHeads) in [(2, 1), (4, 2)] {
            let w = Tiny.model(heads: heads, kvHeads: kvHeads), V = w.config.vocab
            // 20 tokens: the full pass takes the sgemm path, short prefills the blocked-sgemv one
            let tokens = [4, 1, 19, 7, 7, 23, 0, 12, 5, 2, 16, 9, 3, 3, 21, 8, 14, 6, 11, 2]
            let full = try LlamaForward.logits(w, tokens: tokens).data
            for prefill in [1, 4, 15] {
                let decoder = LlamaDecoder(w, capacity: tokens.count)
                var logits = try decoder.append(Array(tokens[0..<prefill]))
                for t in (prefill - 1)..<tokens.count {
                    if t >= prefill { logits = try decoder.append([tokens[t]]) }
                    assertClose(logits, Array(full[(t * V)..<((t + 1) * V)]), tolerance: 1e-5,
                                "\(heads)/\(kvHeads) heads, prefill \(prefill), position \(t)")
                }
                XCTAssertEqual(decoder.count, tokens.count)
                XCTAssertThrowsError(try decoder.append([1]), "the cache is full")
            }
            // a second batched chunk after the first continues at the right positions
            let decoder = LlamaDecoder(w, capacity: tokens.count)
            _ = try decoder.append(Array(tokens[0..<5]))
            let chunk = try decoder.append(Array(tokens[5..<9]))
            assertClose(chunk, Array(full[(8 * V)..<(9 * V)]), tolerance: 1e-5, "second chunk")
        }
    }
}
