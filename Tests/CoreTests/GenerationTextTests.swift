import XCTest
@testable import Core

/// Streaming text: whole UTF-8 characters only, stop strings matched on the text and held back.
final class GenerationTextTests: XCTestCase {
    /// Feeds ids one at a time; returns the piece after each, whether it stopped, and the final flush.
    func stream(_ ids: [Int], stop: [String] = []) -> (pieces: [String], stopped: Bool, rest: String) {
        var text = GenerationText(tokenizer: ByteTokenizer(), stop: stop)
        var pieces: [String] = []
        for id in ids {
            let (piece, stopped) = text.append(id)
            pieces.append(piece)
            if stopped { return (pieces, true, "") }
        }
        return (pieces, false, text.finish())
    }

    func testPartialCharactersAreHeldBack() {
        // a, [C3], [A9], b  →  "a", "", "é", "b"
        XCTAssertEqual(stream([0, 18, 19, 1]).pieces, ["a", "", "é", "b"])
        // "€" in two tokens, then a whole "é"
        XCTAssertEqual(stream([22, 23, 20]).pieces, ["", "€", "é"])
        // a partial character at the very end is flushed as the replacement character
        let s = stream([0, 18])
        XCTAssertEqual(s.pieces, ["a", ""])
        XCTAssertEqual(s.rest, "\u{FFFD}")
    }

    func testStopStringsAcrossTokens() {
        // "abcd" with stop "bc": "a" is safe, "b" could start the stop string, "c" completes it
        let s = stream([0, 1, 2, 3], stop: ["bc"])
        XCTAssertEqual(s.pieces, ["a", "", ""])
        XCTAssertTrue(s.stopped)
        // a held-back prefix that does not complete is emitted with the next piece
        XCTAssertEqual(stream([0, 1, 3], stop: ["bc"]).pieces, ["a", "", "bd"])
        // held back at the end is flushed
        let t = stream([0, 1], stop: ["bc"])
        XCTAssertEqual(t.pieces.joined() + t.rest, "ab")
        // a stop string that completes inside the held-back start of a longer one
        let u = stream([0, 1, 2, 3, 4], stop: ["cd", "bcde"])
        XCTAssertEqual(u.pieces.joined(), "ab")
        XCTAssertTrue(u.stopped)
        // multi-byte stop string
        let v = stream([0, 18, 19, 1], stop: ["éb"])
        XCTAssertEqual(v.pieces.joined(), "a")
        XCTAssertTrue(v.stopped)
        // newline stop inside one token
        let n = stream([0, 17, 1], stop: ["\n"])
        XCTAssertEqual(n.pieces.joined(), "a")
        XCTAssertTrue(n.stopped)
    }
}
