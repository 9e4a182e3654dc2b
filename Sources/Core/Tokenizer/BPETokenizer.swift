import Synchronization

/// Byte-level BPE (GPT-2 family, SmolLM2 included): special tokens are matched in the text first,
/// the rest is split by `PreTokenizer`, mapped byte → character, and merged by rank.
public final class BPETokenizer: Tokenizer {
    /// Token strings as stored (byte-level characters; special tokens verbatim).
    let tokens: [String]
    let ids: [String: Int]
    /// (left id << 32 | right id) → (rank, merged id).
    private let merges: [UInt64: (rank: Int32, id: Int32)]
    private let byteIds: [Int32]            // id of each single byte's token, -1 if absent
    private let specials: [UInt8: [(bytes: [UInt8], id: Int)]]  // by first byte, longest first
    private let isSpecial: [Bool]
    /// Every token's bytes back to back, `decodedStart[id]..<decodedStart[id + 1]`.
    private let decodedBytes: [UInt8]
    private let decodedStart: [Int]
    let preTokenizer: PreTokenizer
    /// Whether a piece that is a whole vocabulary entry skips merging (tokenizer.json `ignore_merges`).
    private let ignoreMerges: Bool
    /// Stands in for a byte whose token is missing from the vocabulary; nil drops the byte, as
    /// llama.cpp and Hugging Face do without a BPE unk token (SmolLM2 lacks 21 of the 256 byte
    /// tokens, e.g. U+0004 and the lead bytes of planes 4-11).
    private let missingByteId: Int32?
    private let cache = Mutex<[[UInt8]: [Int32]]>([:])
    private static let cacheLimit = 100_000

    public let bosId: Int?
    public let eosId: Int?
    public let padId: Int?
    public let unkId: Int?
    public var vocabularySize: Int { tokens.count }

    /// - Parameters:
    ///   - merges: pairs of token strings, highest priority first.
    ///   - specialIds: tokens recognised verbatim in input text (control / added tokens).
    init(tokens: [String], merges mergePairs: [(String, String)], specialIds: Set<Int>,
         preTokenizer: PreTokenizer, bos: Int?, eos: Int?, pad: Int? = nil, unk: Int? = nil,
         ignoreMerges: Bool = false, missingByteId: Int? = nil, source: String) throws {
        guard !tokens.isEmpty else { throw InstructEditError("\(source): the tokenizer vocabulary is empty") }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = i }
        for (name, id) in [("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk)] {
            if let id, !(0..<tokens.count).contains(id) {
                throw InstructEditError("\(source): \(name) token id \(id) is outside the vocabulary (0..<\(tokens.count))")
            }
        }
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(mergePairs.count)
        for (rank, (a, b)) in mergePairs.enumerated() {
            guard let l = ids[a], let r = ids[b], let m = ids[a + b] else {
                throw InstructEditError("\(source): merge #\(rank) '\(a) \(b)' uses a token missing from the vocabulary")
            }
            let key = UInt64(l) << 32 | UInt64(r)
            if table[key] == nil { table[key] = (Int32(rank), Int32(m)) }
        }
        var special = [Bool](repeating: false, count: tokens.count)
        var byFirst: [UInt8: [(bytes: [UInt8], id: Int)]] = [:]
        for id in specialIds {
            guard (0..<tokens.count).contains(id) else {
                throw InstructEditError("\(source): special token id \(id) is outside the vocabulary")
            }
            special[id] = true
            let bytes = Array(tokens[id].utf8)
            if let f = bytes.first { byFirst[f, default: []].append((bytes, id)) }
        }
        for k in byFirst.keys { byFirst[k]!.sort { $0.bytes.count > $1.bytes.count } }

        var flat: [UInt8] = []
        var starts = [0]
        starts.reserveCapacity(tokens.count + 1)
        for (i, t) in tokens.enumerated() {
            if special[i] { flat.append(contentsOf: t.utf8) } else {
                flat.append(contentsOf: ByteLevel.decode(t) ?? Array(t.utf8))
            }
            starts.append(flat.count)
        }
        self.tokens = tokens
        self.ids = ids
        self.merges = table
        self.byteIds = (0..<256).map { b in ids[String(ByteLevel.byteToScalar[b])].map(Int32.init) ?? -1 }
        self.specials = byFirst
        self.isSpecial = special
        self.decodedBytes = flat
        self.decodedStart = starts
        self.preTokenizer = preTokenizer
        self.ignoreMerges = ignoreMerges
        self.missingByteId = missingByteId.map(Int32.init)
        self.bosId = bos; self.eosId = eos; self.padId = pad; self.unkId = unk
    }

    /// The id of a vocabulary entry (as stored, e.g. "Ġcapital"), if present.
    public func id(of token: String) -> Int? { ids[token] }

    public func tokenString(_ id: Int) -> String {
        tokens.indices.contains(id) ? tokens[id] : "<invalid token id \(id)>"
    }

    public func encode(_ text: String) -> [Int] {
        var out: [Int] = []
        let utf8 = Array(text.utf8)
        var start = 0, i = 0
        // Special tokens take precedence: split the text at each (longest) occurrence.
        while i < utf8.count {
            if let candidates = specials[utf8[i]],
               let hit = candidates.first(where: { c in
                   i + c.bytes.count <= utf8.count && utf8[i..<i + c.bytes.count].elementsEqual(c.bytes)
               }) {
                encodeOrdinary(utf8, start, i, into: &out)
                out.append(hit.id)
                i += hit.bytes.count
                start = i
            } else {
                i += 1
            }
        }
        encodeOrdinary(utf8, start, utf8.count, into: &out)
        return out
    }

    private func encodeOrdinary(_ utf8: [UInt8], _ lo: Int, _ hi: Int, into out: inout [Int]) {
        guard lo < hi else { return }
        // Special tokens start with a whole character, so lo..<hi is valid UTF-8.
        let text = String(decoding: utf8[lo..<hi], as: UTF8.self)
        for r in preTokenizer.split(text[...]) {
            let piece = Array(utf8[lo + r.lowerBound..<lo + r.upperBound])
            if let hit = cache.withLock({ $0[piece] }) {
                out.append(contentsOf: hit.lazy.map(Int.init))
                continue
            }
            let ids = bpe(piece)
            cache.withLock { c in
                if c.count >= Self.cacheLimit { c.removeAll(keepingCapacity: true) }
                c[piece] = ids
            }
            out.append(contentsOf: ids.lazy.map(Int.init))
        }
    }

    /// Merges one piece: repeatedly join the adjacent pair of lowest rank (all its occurrences,
    /// left to right) until no pair has a merge.
    private func bpe(_ piece: [UInt8]) -> [Int32] {
        if ignoreMerges, let whole = ids[ByteLevel.encode(piece)] { return [Int32(whole)] }
        var sym: [Int32] = []
        sym.reserveCapacity(piece.count)
        for b in piece {
            let id = byteIds[Int(b)]
            if id >= 0 { sym.append(id) } else if let u = missingByteId { sym.append(u) }
        }
        while sym.count > 1 {
            var best: (rank: Int32, id: Int32) = (.max, -1)
            var bestPair: UInt64 = 0
            for j in 0..<sym.count - 1 {
                let key = UInt64(UInt32(bitPattern: sym[j])) << 32 | UInt64(UInt32(bitPattern: sym[j + 1]))
                if let m = merges[key], m.rank < best.rank { best = m; bestPair = key }
            }
            if best.id < 0 { break }
            var merged: [Int32] = []
            merged.reserveCapacity(sym.count)
            var j = 0
            while j < sym.count {
                if j + 1 < sym.count,
                   UInt64(UInt32(bitPattern: sym[j])) << 32 | UInt64(UInt32(bitPattern: sym[j + 1])) == bestPair {
                    merged.append(best.id); j += 2
                } else {
                    merged.append(sym[j]); j += 1
                }
            }
            sym = merged
        }
        return sym
    }

    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if id >= 0 && id < tokens.count {
                bytes.append(contentsOf: decodedBytes[decodedStart[id]..<decodedStart[id + 1]])
            } else {
                bytes.append(contentsOf: "\u{FFFD}".utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `id` is a special (control) token, matched verbatim and shown as its text.
    public func isSpecialToken(_ id: Int) -> Bool { isSpecial.indices.contains(id) && isSpecial[id] }
}
