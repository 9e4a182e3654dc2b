/// Splits text into the pieces BPE works on, reproducing GPT-2's regex by hand:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// optionally after isolating every digit (\p{N}) as its own piece, as SmolLM2/StarCoder do
/// (Hugging Face's `Digits(individual_digits)`, llama.cpp's "smollm" pre-tokenizer). It works on
/// Unicode scalars, like the regex engines, and returns byte ranges into the UTF-8 text.
struct PreTokenizer: Sendable, Equatable {
    var splitDigits: Bool

    enum Kind: UInt8 { case letter, number, space, other }

    /// ASCII classes by table; the rest by Unicode general category / White_Space.
    private static let asciiKinds: [Kind] = (0..<128).map { kindSlow(Unicode.Scalar(UInt8($0))) }

    private static func kindSlow(_ s: Unicode.Scalar) -> Kind {
        if s.properties.isWhitespace { return .space }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    @inline(__always) static func kind(_ s: Unicode.Scalar) -> Kind {
        s.value < 128 ? asciiKinds[Int(s.value)] : kindSlow(s)
    }

    /// Byte ranges (into `text.utf8`) of the pieces of `text`, in order, covering it exactly.
    func split(_ text: Substring) -> [Range<Int>] {
        var scalars: [Unicode.Scalar] = []
        var kinds: [Kind] = []
        var offsets: [Int] = []  // UTF-8 offset of each scalar, plus the end
        var off = 0
        for s in text.unicodeScalars {
            scalars.append(s)
            kinds.append(Self.kind(s))
            offsets.append(off)
            off += UTF8.width(s)
        }
        offsets.append(off)
        var pieces: [Range<Int>] = []
        var start = 0
        let n = scalars.count
        // Isolated digits cut the text into fragments; the regex runs on each fragment alone
        // (its look-ahead stops at the fragment's end).
        for i in 0...n {
            if i == n || (splitDigits && kinds[i] == .number) {
                matchRegex(scalars, kinds, start, i) { a, b in pieces.append(offsets[a]..<offsets[b]) }
                if i < n { pieces.append(offsets[i]..<offsets[i + 1]) }
                start = i + 1
            }
        }
        return pieces
    }

    /// Applies the GPT-2 regex to scalars[lo..<hi], reporting each match as a scalar range.
    private func matchRegex(_ s: [Unicode.Scalar], _ k: [Kind], _ lo: Int, _ hi: Int, _ emit: (Int, Int) -> Void) {
        var i = lo
        func run(_ from: Int, _ kind: Kind) -> Int {
            var j = from
            while j < hi && k[j] == kind { j += 1 }
            return j
        }
        while i < hi {
            // 's|'t|'re|'ve|'m|'ll|'d
            if s[i] == "'" && i + 1 < hi {
                let c = s[i + 1]
                if c == "s" || c == "t" || c == "m" || c == "d" { emit(i, i + 2); i += 2; continue }
                if i + 2 < hi {
                    let c2 = s[i + 2]
                    if (c == "r" && c2 == "e") || (c == "v" && c2 == "e") || (c == "l" && c2 == "l") {
                        emit(i, i + 3); i += 3; continue
                    }
                }
            }
            // ` ?X+` for X = letters, numbers, others (a leading plain space joins the run).
            let lead = (s[i] == " " && i + 1 < hi && k[i + 1] != .space) ? 1 : 0
            let kind = k[i + lead]
            if kind != .space {
                let j = run(i + lead, kind)
                emit(i, j); i = j; continue
            }
            // \s+(?!\S) then \s+: a whitespace run, leaving its last character to lead the next
            // word when one follows.
            let j = run(i, .space)
            if j == hi || j - i == 1 { emit(i, j); i = j } else { emit(i, j - 1); i = j - 1 }
        }
    }
}
