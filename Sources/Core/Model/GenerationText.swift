/// Turns generated token ids into streamed text. It emits only complete UTF-8 (a token may end
/// inside a multi-byte character), never any part of a stop string, and holds back a tail that could
/// still become one. Works on the decoded bytes of all ids so far, so a token that completes an
/// earlier partial character is handled without any tokenizer internals.
struct GenerationText {
    private let tokenizer: any Tokenizer
    private let stops: [[UInt8]]
    private var ids: [Int] = []
    private var bytes: [UInt8] = []
    /// Bytes already emitted: always a prefix of `bytes`, on a character boundary.
    private(set) var emitted = 0

    init(tokenizer: any Tokenizer, stop: [String]) {
        self.tokenizer = tokenizer
        stops = stop.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Adds one token; returns the text that is now safe to emit and whether a stop string appeared
    /// (the text then ends just before it).
    mutating func append(_ token: Int) -> (text: String, stopped: Bool) {
        ids.append(token)
        bytes = Array(tokenizer.decode(ids).utf8)
        var end = bytes.count
        // A partial character decodes as U+FFFD (EF BF BD) at the end: wait for the rest of it.
        while end >= emitted + 3, bytes[end - 3] == 0xEF, bytes[end - 2] == 0xBF, bytes[end - 1] == 0xBD {
            end -= 3
        }
        if let at = firstStop(before: end) { return (take(upTo: at), true) }
        return (take(upTo: end - heldTail(end: end)), false)
    }

    /// Everything not yet emitted, at the end of generation (a held-back tail was not a stop).
    mutating func finish() -> String { take(upTo: bytes.count) }

    private mutating func take(upTo end: Int) -> String {
        guard end > emitted else { return "" }
        defer { emitted = end }
        return String(decoding: bytes[emitted..<end], as: UTF8.self)
    }

    /// Start of the earliest stop string inside bytes[emitted..<end].
    private func firstStop(before end: Int) -> Int? {
        var best: Int?
        for s in stops where end - emitted >= s.count {
            for i in emitted...(end - s.count) where best.map({ i < $0 }) ?? true {
                if bytes[i..<(i + s.count)].elementsEqual(s) { best = i; break }
            }
        }
        return best
    }

    /// Length of the longest tail of bytes[emitted..<end] that is a proper prefix of a stop string.
    private func heldTail(end: Int) -> Int {
        var held = 0
        for s in stops {
            for k in stride(from: min(s.count - 1, end - emitted), to: held, by: -1)
                where bytes[(end - k)..<end].elementsEqual(s[0..<k]) {
                held = k
                break
            }
        }
        return held
    }
}
