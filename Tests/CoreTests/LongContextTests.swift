import Foundation
import XCTest
@testable import Core

/// Long prompts: attention keeps no (heads, T, T) buffer, so a prompt near the trained context
/// generates without error and in memory linear in its length.
final class LongContextTests: XCTestCase {
    /// A tiny model with the default model's context of 8192: an 8000-token prompt, its logits after
    /// a cached prefill equal to the full pass's, and a few tokens after it up to the context's end.
    func testAnEightThousandTokenPromptOfATinyModel() throws {
        let w = Tiny.model(heads: 4, kvHeads: 2, context: 8192), V = w.config.vocab
        var rng = SeededRandom(seed: 14)
        let prompt = (0..<8000).map { _ in Int(rng.next() % UInt64(V)) }
        let full = try LlamaForward.logits(w, tokens: prompt).data
        let decoder = LlamaDecoder(w, capacity: 8192)
        _ = try decoder.append(Array(prompt[..<5000]))
        let last = try decoder.append(Array(prompt[5000...]))
        assertClose(last, Array(full[((prompt.count - 1) * V)...]), tolerance: 1e-4, "logits after 8000 tokens")
        var logits = last
        for _ in 0..<192 {
            let next = logits.indices.max { logits[$0] < logits[$1] }!
            logits = try decoder.append([next])
            XCTAssertTrue(logits.allSatisfy(\.isFinite))
        }
        XCTAssertEqual(decoder.count, 8192)
        XCTAssertThrowsError(try decoder.append([1]), "the context is full")
    }

    /// The default model (skipped only where it is not installed): a 4,000-token prompt generates a
    /// few tokens without error, and the process stays well under the 576 MB that one layer's
    /// (9, 4000, 4000) probabilities alone took before issue #15.
    func testAFourThousandTokenPromptOfTheDefaultModel() throws {
        guard FileManager.default.fileExists(atPath: ModelPaths.defaultModel) else {
            throw XCTSkip("the default model is not installed at \(ModelPaths.defaultModel) (Scripts/setup.sh installs it)")
        }
        let m = try LanguageModel.load()
        let sentence = m.tokenizer.encode(" The quick brown fox jumps over the lazy dog, and the river runs to the sea.")
        var prompt: [Int] = []
        while prompt.count < 4000 { prompt += sentence }
        prompt = Array(prompt.prefix(4000))
        // Linux resets the peak (VmHWM) on writing 5 to clear_refs, so the peak is this pass's own.
        let reset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let before = reset ? Self.status("VmRSS") : Benchmarks.peakRSSMegabytes()
        let g = try Generator(weights: m.weights, tokenizer: m.tokenizer)
            .generate(prompt: prompt, parameters: GenerationParameters(maxTokens: 4, stopAtEOS: false))
        let after = reset ? Self.status("VmHWM") : Benchmarks.peakRSSMegabytes()
        print("4000-token prompt: \(g.promptSeconds) s prefill, \(g.tokens.count) tokens (\(g.text.debugDescription)); resident \(before) MB, peak \(after) MB (peak reset: \(reset))")
        XCTAssertEqual(g.tokens.count, 4)
        XCTAssertEqual(g.promptTokens, 4000)
        // KV cache 30 × 2 × 4003 × 192 floats = 184 MB, activations of 4000 rows about 140 MB
        XCTAssertLessThan(after - before, 500, "peak RSS grew by \(after - before) MB")
    }

    /// A "Name:  1234 kB" line of /proc/self/status in MB (0 when absent).
    static func status(_ name: String) -> Double {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
