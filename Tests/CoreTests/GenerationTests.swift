import XCTest
@testable import Core

/// A byte-level stand-in for the real tokenizer over the tiny models' 24 ids: 0–15 are "a"–"p",
/// 16 " ", 17 "\n", 18 and 19 the two bytes of "é", 20 "é" whole, 21 the end-of-sequence token,
/// 22 and 23 the bytes E2 82 | AC of "€".
struct ByteTokenizer: Tokenizer {
    var eos: Int? = 21
    static let pieces: [[UInt8]] = (0..<16).map { [UInt8(ascii: "a") + UInt8($0)] }
        + [[0x20], [0x0A], [0xC3], [0xA9], [0xC3, 0xA9], Array("</s>".utf8), [0xE2, 0x82], [0xAC]]

    func encode(_ text: String) -> [Int] {
        var ids: [Int] = [], bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let id = (0..<Self.pieces.count).filter { bytes.starts(with: Self.pieces[$0]) }
                .max { Self.pieces[$0].count < Self.pieces[$1].count } ?? 0
            ids.append(id)
            bytes = bytes.dropFirst(max(Self.pieces[id].count, 1))
        }
        return ids
    }
    func decode(_ ids: [Int]) -> String { String(decoding: ids.flatMap { Self.pieces[$0] }, as: UTF8.self) }
    func tokenString(_ id: Int) -> String { decode([id]) }
    var vocabularySize: Int { Self.pieces.count }
    var bosId: Int? { nil }
    var eosId: Int? { eos }
}

final class GenerationTests: XCTestCase {
    let w = Tiny.model(seed: 11)
    let prompt = [0, 1, 2, 16, 3]

    func generate(_ p: GenerationParameters, tokenizer: ByteTokenizer = ByteTokenizer(), prompt: [Int]? = nil,
                  stopAfter pieces: Int = .max) throws -> (GenerationResult, [String]) {
        var streamed: [String] = []
        let r = try Generator(weights: w, tokenizer: tokenizer).generate(prompt: prompt ?? self.prompt, parameters: p) {
            streamed.append($0)
            return streamed.count < pieces
        }
        XCTAssertEqual(streamed.joined(), r.text, "streamed pieces concatenate to the result")
        XCTAssertFalse(streamed.contains(""), "no empty pieces")
        return (r, streamed)
    }

    func testGreedyIsTheArgmaxChain() throws {
        let (r, _) = try generate(.init(maxTokens: 12, stopAtEOS: false))
        var sequence = prompt
        for _ in 0..<12 {
            let logits = try LlamaForward.logits(w, tokens: sequence)
            let last = Array(logits.data.suffix(w.config.vocab))
            sequence.append(try Loss.argmax(logits: last, vocab: w.config.vocab)[0])
        }
        XCTAssertEqual(r.tokens, Array(sequence.dropFirst(prompt.count)))
        XCTAssertEqual(r.promptTokens, prompt.count)
        XCTAssertEqual(r.stopReason, .maxTokens)
        XCTAssertGreaterThan(Set(r.tokens).count, 1, "a degenerate model would make this test weak")
        XCTAssertEqual(r.text, ByteTokenizer().decode(r.tokens))
    }

    func testMaxTokensIsRespected() throws {
        for n in [0, 1, 5, 9] {
            let (r, _) = try generate(.init(maxTokens: n, temperature: 1, seed: 3, stopAtEOS: false))
            XCTAssertEqual(r.tokens.count, n)
            XCTAssertEqual(r.stopReason, .maxTokens)
        }
    }

    func testStopStringsEndTheTextAndAreNotEmitted() throws {
        let (full, _) = try generate(.init(maxTokens: 16, stopAtEOS: false))
        let bytes = Array(full.text.utf8)
        XCTAssertGreaterThanOrEqual(bytes.count, 8)
        // a stop string made of text generated across tokens 4...6, and one that never appears
        let stop = String(decoding: bytes[4..<7], as: UTF8.self)
        let (r, pieces) = try generate(.init(maxTokens: 16, stop: ["never seen", stop], stopAtEOS: false))
        let cut = full.text.range(of: stop)!.lowerBound
        XCTAssertEqual(r.text, String(full.text[..<cut]))
        XCTAssertEqual(r.stopReason, .stop)
        XCTAssertFalse(pieces.joined().contains(stop))
        XCTAssertEqual(r.tokens, Array(full.tokens.prefix(r.tokens.count)))
        XCTAssertLessThan(r.tokens.count, 16)
    }

    func testSeededSamplingIsReproducible() throws {
        let p = GenerationParameters(maxTokens: 16, temperature: 1.5, seed: 42, stopAtEOS: false)
        let (a, _) = try generate(p), (b, _) = try generate(p)
        XCTAssertEqual(a.tokens, b.tokens)
        XCTAssertEqual(a.text, b.text)
        var other = p
        other.seed = 43
        XCTAssertNotEqual(try generate(other).0.tokens, a.tokens)
        let (greedy, _) = try generate(.init(maxTokens: 16, stopAtEOS: false))
        XCTAssertNotEqual(a.tokens, greedy.tokens, "temperature 1.5 should leave the argmax chain")
    }

    func testTinyTopPIsGreedy() throws {
        let (greedy, _) = try generate(.init(maxTokens: 16, stopAtEOS: false))
        for seed: UInt64 in [1, 2, 3] {
            let (r, _) = try generate(.init(maxTokens: 16, temperature: 1, topP: 1e-6, seed: seed, stopAtEOS: false))
            XCTAssertEqual(r.tokens, greedy.tokens)
        }
    }

    func testEndOfSequenceStopsAndIsNotText() throws {
        let (greedy, _) = try generate(.init(maxTokens: 4, stopAtEOS: false))
        // declare the third greedy token the end-of-sequence token
        let eos = greedy.tokens[2]
        let (r, _) = try generate(.init(maxTokens: 16), tokenizer: ByteTokenizer(eos: eos))
        XCTAssertEqual(r.stopReason, .eos)
        XCTAssertEqual(r.tokens, Array(greedy.tokens.prefix(3)))
        XCTAssertEqual(r.text, ByteTokenizer().decode(Array(greedy.tokens.prefix(2))))
    }

    func testCallbackCanStop() throws {
        let (r, pieces) = try generate(.init(maxTokens: 16, stopAtEOS: false), stopAfter: 2)
        XCTAssertEqual(r.stopReason, .callback)
        XCTAssertEqual(pieces.count, 2)
    }

    /// `onToken` sees each chosen token and can stop at it: the tokens up to it are those of a
    /// longer run (it stops, it does not change the choice).
    func testTokenCallbackStopsAtTheTokenItRejects() throws {
        let full = try Generator(weights: w, tokenizer: ByteTokenizer()).generate(prompt: prompt, parameters: .init(maxTokens: 12, stopAtEOS: false))
        var seen: [Int] = []
        let r = try Generator(weights: w, tokenizer: ByteTokenizer())
            .generate(prompt: prompt, parameters: .init(maxTokens: 12, stopAtEOS: false), onToken: { id in
                seen.append(id)
                return seen.count < 4
            })
        XCTAssertEqual(r.stopReason, .callback)
        XCTAssertEqual(seen, Array(full.tokens.prefix(4)))
        XCTAssertEqual(r.tokens, seen)
    }

    func testContextLengthEndsGeneration() throws {
        let small = Tiny.model(seed: 11, context: 12)
        let r = try Generator(weights: small, tokenizer: ByteTokenizer())
            .generate(prompt: prompt, parameters: .init(maxTokens: 50, stopAtEOS: false))
        XCTAssertEqual(r.stopReason, .contextLength)
        XCTAssertEqual(r.tokens.count, 12 - prompt.count + 1)   // the last token comes from the last position
    }

    func testBadArgumentsThrow() {
        let g = Generator(weights: w, tokenizer: ByteTokenizer())
        XCTAssertThrowsError(try g.generate(prompt: []))
        XCTAssertThrowsError(try g.generate(prompt: [99]))
        XCTAssertThrowsError(try g.generate(prompt: prompt, parameters: .init(topP: 0)))
        XCTAssertThrowsError(try g.generate(prompt: prompt, parameters: .init(temperature: -1)))
        XCTAssertThrowsError(try g.generate(prompt: prompt, parameters: .init(maxTokens: -1)))
        XCTAssertThrowsError(try g.generate(prompt: prompt, parameters: .init(stop: [""])))
        XCTAssertThrowsError(try g.generate(prompt: Array(repeating: 1, count: 32)), "no room left in the context")
    }

    func testInterruptStopsGeneration() {
        Interrupt.request()
        defer { Interrupt.reset() }
        XCTAssertThrowsError(try Generator(weights: w, tokenizer: ByteTokenizer()).generate(prompt: prompt)) {
            XCTAssertTrue($0 is Interrupted)
        }
    }
}
