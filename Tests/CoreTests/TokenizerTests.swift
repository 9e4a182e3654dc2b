import Foundation
import XCTest
@testable import Core
import TestSupport

/// The pre-tokenizer's regex semantics, BPE merge order, and the tokenizer.json reader.
final class TokenizerTests: XCTestCase {
    private func pieces(_ text: String, digits: Bool = true) -> [String] {
        let utf8 = Array(text.utf8)
        return PreTokenizer(splitDigits: digits).split(text[...]).map { String(decoding: utf8[$0], as: UTF8.self) }
    }

    func testPreTokenizerFollowsTheGPT2Regex() {
        XCTAssertEqual(pieces("Hello world! It's 2024"), ["Hello", " world", "!", " It", "'s", " ", "2", "0", "2", "4"])
        XCTAssertEqual(pieces("Hello world! It's 2024", digits: false), ["Hello", " world", "!", " It", "'s", " 2024"])
        XCTAssertEqual(pieces("  multiple   spaces\n\nand newlines\t tab"),
                       [" ", " multiple", "  ", " spaces", "\n", "\n", "and", " newlines", "\t", " tab"])
        XCTAssertEqual(pieces("end   "), ["end", "   "])
        XCTAssertEqual(pieces("we'll they're I've 'x"), ["we", "'ll", " they", "'re", " I", "'ve", " '", "x"])
        XCTAssertEqual(pieces("DON'T"), ["DON", "'", "T"])  // contractions are case-sensitive
        XCTAssertEqual(pieces("a?!... b"), ["a", "?!...", " b"])
        XCTAssertEqual(pieces("x  \ty"), ["x", "  ", "\t", "y"])
        XCTAssertEqual(pieces("3.14"), ["3", ".", "1", "4"])
        XCTAssertEqual(pieces("a  1"), ["a", "  ", "1"])  // the digit splits first, so the spaces end a fragment
        XCTAssertEqual(pieces("日本語 😀!"), ["日本語", " 😀!"])
        XCTAssertEqual(pieces("e\u{301}te"), ["e", "\u{301}", "te"])  // a combining mark is not a letter
        XCTAssertEqual(pieces("\u{A0}x"), ["\u{A0}", "x"])  // only U+0020 joins the next word
        XCTAssertEqual(pieces(""), [])
    }

    /// Merges apply by rank: " the" → Ġ t h e → Ġt h e → Ġt he → Ġthe.
    func testBPEMergesByRank() throws {
        let t = try XCTUnwrap(try TinyModel.model().tokenizer as? BPETokenizer)
        XCTAssertEqual(t.encode(" the").map(t.tokenString), ["Ġthe"])
        XCTAssertEqual(t.encode("the").map(t.tokenString), ["t", "he"])
        XCTAssertEqual(t.encode(" paris").map(t.tokenString), ["Ġparis"])
        XCTAssertEqual(t.encode("aaa").map(t.tokenString), ["a", "a", "a"])
        XCTAssertEqual(t.encode("    ").map(t.tokenString), ["ĠĠ", "ĠĠ"])
        XCTAssertEqual(t.encode("<|im_start|>x<|im_end|>"), [1, t.id(of: "x")!, 2])
        XCTAssertEqual(t.encode("<|im_start<|im_end|>").suffix(1), [2])
        XCTAssertEqual(t.decode([1, 9999, -1]), "<|im_start|>\u{FFFD}\u{FFFD}")
        XCTAssertEqual(t.bosId, 1)
        XCTAssertEqual(t.eosId, 2)
        XCTAssertEqual(t.vocabularySize, LlamaConfig.tiny.vocab)
        // All 256 bytes decode: a lone continuation byte comes back as U+FFFD, in sequence as UTF-8.
        let bytes = (0..<256).map { t.id(of: String(ByteLevel.byteToScalar[$0]))! }
        XCTAssertEqual(Set(bytes).count, 256)
        XCTAssertEqual(t.decode([bytes[0xE6], bytes[0x97], bytes[0xA5]]), "日")
    }

    func testByteLevelTable() {
        XCTAssertEqual(ByteLevel.byteToScalar[0x20], "Ġ")
        XCTAssertEqual(ByteLevel.byteToScalar[0x0A], "Ċ")
        XCTAssertEqual(ByteLevel.byteToScalar[0x41], "A")
        XCTAssertEqual(Set(ByteLevel.byteToScalar).count, 256)
        for b in 0..<256 { XCTAssertEqual(ByteLevel.decode(String(ByteLevel.byteToScalar[b])), [UInt8(b)]) }
        XCTAssertNil(ByteLevel.decode("€"))
    }

    /// A tokenizer.json built from the SmolLM2 GGUF vocabulary reproduces the reference ids, and
    /// one built from the tiny vocabulary matches the tiny GGUF tokenizer.
    func testHuggingFaceTokenizerJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tokjson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gguf = try GGUFFile(path: ModelPaths.defaultModel)
        let fromGGUF = try BPETokenizer(gguf: gguf)
        let path = dir.appendingPathComponent("tokenizer.json").path
        let merges = (gguf.metadata["tokenizer.ggml.merges"]?.array ?? []).compactMap(\.string)
        try Self.writeTokenizerJSON(tokens: fromGGUF.tokens, merges: merges, specials: 17, to: path, pairs: true)
        let t = try BPETokenizer(huggingFaceJSON: path, bos: 1, eos: 2)
        let data = try Data(contentsOf: URL(fileURLWithPath: TokenizerReferenceTests.referencePath))
        let ref = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["tokenizer"] as? [String: [String: Any]])
        for (text, c) in ref { XCTAssertEqual(t.encode(text), c["ids"] as? [Int], text) }
        var state: UInt64 = 5
        for n in 0..<200 {
            let s = TokenizerReferenceTests.randomText(&state, length: 1 + n % 40)
            XCTAssertEqual(t.encode(s), fromGGUF.encode(s), s.debugDescription)
        }
        XCTAssertEqual(t.bosId, 1)

        // Malformed files give errors naming the problem.
        func expect(_ json: String, _ word: String, line: UInt = #line) throws {
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try BPETokenizer(huggingFaceJSON: path), line: line) { e in
                let m = (e as? InstructEditError)?.message ?? "\(e)"
                XCTAssertTrue(m.contains(word), "'\(m)' lacks '\(word)'", line: line)
            }
        }
        let bl = #""pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}"#
        try expect("[1, 2]", "not a JSON object")
        try expect("{\(bl)}", "'model'")
        try expect(#"{\#(bl), "model": {"type": "Unigram", "vocab": {}}}"#, "Unigram")
        try expect(#"{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}"#, "Metaspace")
        try expect(#"{\#(bl), "model": {"type": "BPE", "vocab": {"a": 0, "b": 2}, "merges": []}}"#, "id 1")
        try expect(#"{\#(bl), "model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}}"#, "merge #0")
        try expect(#"{\#(bl), "model": {"type": "BPE", "vocab": {"a": 0}, "merges": [7]}}"#, "merges[0]")
        try expect(#"{\#(bl), "normalizer": {"type": "NFC"}, "model": {"type": "BPE", "vocab": {"a": 0}}}"#, "NFC")
        XCTAssertThrowsError(try BPETokenizer(huggingFaceJSON: dir.appendingPathComponent("absent.json").path))
    }

    /// Writes a byte-level BPE tokenizer.json (SmolLM2's layout: Digits + ByteLevel); the first
    /// `specials` tokens become added tokens. `pairs` writes merges as [a, b] arrays (newer format).
    static func writeTokenizerJSON(tokens: [String], merges: [String], specials: Int, to path: String, pairs: Bool = false) throws {
        var vocab: [String: Int] = [:]
        for (i, t) in tokens.enumerated() where i >= specials { vocab[t] = i }
        let json: [String: Any] = [
            "version": "1.0",
            "added_tokens": (0..<specials).map { ["id": $0, "content": tokens[$0], "special": true, "normalized": false] },
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]]],
            "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": vocab, "ignore_merges": false,
                      "merges": pairs ? merges.map { $0.split(separator: " ", maxSplits: 1).map(String.init) } as [Any] : merges],
        ]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
