import Foundation
import XCTest
@testable import Core
import TestSupport

/// SmolLM2's tokenizer from the GGUF file against the independent reference, and decode∘encode
/// on arbitrary text.
final class TokenizerReferenceTests: XCTestCase {
    static let referencePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/reference/smollm2_reference.json").standardizedFileURL.path

    nonisolated(unsafe) static var cached: BPETokenizer?
    private func smol() throws -> BPETokenizer {
        if let t = Self.cached { return t }
        let t = try BPETokenizer(gguf: GGUFFile(path: ModelPaths.defaultModel))
        Self.cached = t
        return t
    }

    private func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.referencePath))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testEveryReferenceCase() throws {
        let t = try smol()
        let cases = try XCTUnwrap(reference()["tokenizer"] as? [String: [String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 7)
        for (text, c) in cases {
            let ids = try XCTUnwrap(c["ids"] as? [Int])
            XCTAssertEqual(t.encode(text), ids, text)
            XCTAssertEqual(ids.map(t.tokenString), c["tokens"] as? [String], text)
            XCTAssertEqual(Array(t.decode(ids).utf8), Array(try XCTUnwrap(c["decoded"] as? String).utf8), text)
        }
    }

    func testPromptIdsAndSpecialTokens() throws {
        let t = try smol()
        let ref = try reference()
        for p in try XCTUnwrap(ref["prompts"] as? [[String: Any]]) {
            let prompt = try XCTUnwrap(p["prompt"] as? String)
            XCTAssertEqual(t.encode(prompt), p["ids"] as? [Int], prompt)
            XCTAssertEqual(t.decode(t.encode(prompt)), prompt)
            if let greedy = p["greedy10_ids"] as? [Int], let text = p["greedy10_text"] as? String {
                XCTAssertEqual(t.decode(greedy), text)
            }
        }
        let special = try XCTUnwrap(ref["special"] as? [String: [Any]])
        for (name, id) in [("bos", t.bosId), ("eos", t.eosId), ("pad", t.padId), ("unk", t.unkId)] {
            let entry = try XCTUnwrap(special[name])
            XCTAssertEqual(id, entry[1] as? Int, name)
            XCTAssertEqual(t.tokenString(try XCTUnwrap(id)), entry[0] as? String, name)
            XCTAssertEqual(t.encode(try XCTUnwrap(entry[0] as? String)), [try XCTUnwrap(id)], name)
        }
        XCTAssertEqual(t.vocabularySize, 49152)
        XCTAssertTrue(t.isSpecialToken(1))
        XCTAssertFalse(t.isSpecialToken(504))
    }

    /// decode(encode(s)) reproduces the exact bytes of `s` for random mixes of ASCII, whitespace
    /// runs, digits, accents (precomposed and combining), CJK, emoji (with ZWJ and modifiers) and
    /// special-token text.
    func testDecodeEncodeIsIdentityOnRandomText() throws {
        let tiny = try XCTUnwrap(try TinyModel.model().tokenizer as? BPETokenizer)
        for t in [try smol(), tiny] {
            var state: UInt64 = 2024
            for n in 0..<800 {
                let s = Self.randomText(&state, length: 1 + n % 60)
                let ids = t.encode(s)
                XCTAssertEqual(Array(t.decode(ids).utf8), Array(s.utf8), "\(s.debugDescription)")
                XCTAssertTrue(ids.allSatisfy { (0..<t.vocabularySize).contains($0) })
            }
        }
        // The tiny vocabulary has all 256 bytes, so any scalar at all round-trips.
        var state: UInt64 = 77
        for n in 0..<500 {
            var s = String.UnicodeScalarView()
            for _ in 0..<(1 + n % 30) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let v = UInt32(truncatingIfNeeded: state >> 33) % (n % 3 == 0 ? 0x110000 : 0x800)
                if let u = Unicode.Scalar(v) { s.append(u) }
            }
            let text = String(s)
            XCTAssertEqual(Array(tiny.decode(tiny.encode(text)).utf8), Array(text.utf8), text.debugDescription)
        }
    }

    /// SmolLM2's vocabulary lacks 21 byte tokens (U+0004, U+0006, U+0013, U+0014, U+0016, U+001D,
    /// the lead bytes of planes 4-11, and bytes UTF-8 never uses); like llama.cpp and Hugging Face,
    /// encoding drops those bytes. (Expected ids from Hugging Face `tokenizers` 0.23.)
    func testBytesMissingFromTheVocabularyAreDropped() throws {
        let t = try smol()
        let missing = (0..<256).filter { t.id(of: String(ByteLevel.byteToScalar[$0])) == nil }
        XCTAssertEqual(missing, [0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1, 0xF2] + Array(0xF5...0xFF))
        XCTAssertEqual(t.encode("a\u{4}b"), [81, 82])
        XCTAssertEqual(t.encode("tab\u{1D}\u{13}end"), [15999, 486])
        XCTAssertEqual(t.encode("x\u{50000}y"), [104, 234, 218, 218, 105])
        XCTAssertEqual(t.decode([104, 234, 218, 218, 105]), "x\u{FFFD}\u{FFFD}\u{FFFD}y")
    }

    /// Characters whose UTF-8 bytes all have tokens in SmolLM2's vocabulary (see above).
    static let alphabet: [String] = [
        "a", "b", "Z", "q", "'", "'s", "'ll", "’", ".", ",", "!", "?", "-", "_", "(", "]", "{", "\"", "+", "=", "/", "\\", "<", "|", ">",
        " ", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", "\u{3000}", "\u{2028}", "\u{0B}", "\u{0C}", "\u{85}",
        "0", "7", "٣", "²", "Ⅻ", "½",
        "é", "e\u{301}", "ñ", "n\u{303}", "\u{301}", "\u{308}\u{301}", "ß", "İ", "ǅ", "ʰ",
        "日", "本", "語", "漢字", "한", "ア", "ん", "ไทย", "عربى", "עברית", "Ω", "Жж",
        "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "\u{200D}", "\u{FE0F}", "\u{1F9D1}", "\u{10FFFF}", "\u{E000}", "\u{1}", "\u{7F}", "\u{1B}", "\u{20000}",
        "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_", "|>",
    ]

    static func randomText(_ state: inout UInt64, length: Int) -> String {
        var s = ""
        for _ in 0..<length {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            s += alphabet[Int(state >> 33) % alphabet.count]
        }
        return s
    }

    func testEncodingSpeed() throws {
        let t = try smol()
        var state: UInt64 = 1
        let words = (0..<20000).map { _ in randomWord(&state) }.joined(separator: " ")
        let start = Date()
        let ids = t.encode(words)
        let secs = Date().timeIntervalSince(start)
        print("encoded \(words.utf8.count) bytes into \(ids.count) tokens in \(String(format: "%.3f", secs)) s")
        XCTAssertEqual(t.decode(ids), words)
        XCTAssertLessThan(secs, 2)
    }

    private func randomWord(_ state: inout UInt64) -> String {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let n = 1 + Int(state >> 60)
        return String((0..<n).map { i in Character(Unicode.Scalar(UInt8(97 + Int((state >> UInt64(4 * i)) & 0xF))) ) })
    }
}
