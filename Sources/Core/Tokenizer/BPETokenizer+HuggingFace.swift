import Foundation

extension BPETokenizer {
    /// A Hugging Face `tokenizer.json` holding a byte-level BPE model (vocab, merges, added tokens).
    /// `bos`/`eos` come from the checkpoint's config, which tokenizer.json does not carry.
    public convenience init(huggingFaceJSON path: String, bos: Int? = nil, eos: Int? = nil) throws {
        let data = try FileAccess.read(path, what: "tokenizer file")
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InstructEditError("\(path): not a JSON object")
        }
        func fail(_ what: String) -> InstructEditError { InstructEditError("\(path): \(what)") }
        guard let model = root["model"] as? [String: Any] else { throw fail("no 'model' section") }
        guard (model["type"] as? String ?? "BPE") == "BPE" else {
            throw fail("model type '\(model["type"] ?? "?")' is not supported (only byte-level BPE)")
        }
        if let n = root["normalizer"], !(n is NSNull) {
            throw fail("normalizer '\((n as? [String: Any])?["type"] ?? "?")' is not supported (byte-level BPE without normalizer only)")
        }
        let splitDigits = try Self.huggingFacePreTokenizer(root["pre_tokenizer"], fail)

        guard let vocab = model["vocab"] as? [String: Any] else { throw fail("model.vocab is missing") }
        var byId: [Int: String] = [:]
        for (tok, v) in vocab {
            guard let id = v as? Int, id >= 0, id < 10_000_000 else { throw fail("vocab entry '\(tok)' has a bad id") }
            byId[id] = tok
        }
        var special = Set<Int>()
        for (i, entry) in ((root["added_tokens"] as? [Any]) ?? []).enumerated() {
            guard let e = entry as? [String: Any], let id = e["id"] as? Int, id >= 0, id < 10_000_000,
                  let content = e["content"] as? String else { throw fail("added_tokens[\(i)] is malformed") }
            byId[id] = content
            special.insert(id)
        }
        let count = (byId.keys.max() ?? -1) + 1
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for id in 0..<count {
            guard let t = byId[id] else { throw fail("the vocabulary has no token for id \(id)") }
            tokens.append(t)
        }
        var merges: [(String, String)] = []
        for (i, m) in ((model["merges"] as? [Any]) ?? []).enumerated() {
            if let s = m as? String, let sp = s.dropFirst().firstIndex(of: " ") {
                merges.append((String(s[..<sp]), String(s[s.index(after: sp)...])))
            } else if let pair = m as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else {
                throw fail("model.merges[\(i)] is not a pair of tokens")
            }
        }
        let unk = (model["unk_token"] as? String).flatMap { u in tokens.firstIndex(of: u) }
        try self.init(tokens: tokens, merges: merges, specialIds: special,
                      preTokenizer: PreTokenizer(splitDigits: splitDigits), bos: bos, eos: eos, unk: unk,
                      ignoreMerges: model["ignore_merges"] as? Bool ?? false, missingByteId: unk, source: path)
    }

    /// Whether digits are isolated; throws for pre-tokenizers other than ByteLevel (optionally after
    /// Digits(individual_digits)).
    private static func huggingFacePreTokenizer(_ spec: Any?, _ fail: (String) -> InstructEditError) throws -> Bool {
        guard let p = spec as? [String: Any], let type = p["type"] as? String else {
            throw fail("pre_tokenizer is missing (a ByteLevel pre-tokenizer is required)")
        }
        func byteLevel(_ b: [String: Any]) throws {
            guard b["type"] as? String == "ByteLevel" else {
                throw fail("pre-tokenizer '\(b["type"] ?? "?")' is not supported (ByteLevel, optionally after Digits)")
            }
            if b["add_prefix_space"] as? Bool == true { throw fail("ByteLevel add_prefix_space is not supported") }
            if b["use_regex"] as? Bool == false { throw fail("ByteLevel without its regex is not supported") }
        }
        if type == "Sequence" {
            let parts = (p["pretokenizers"] as? [[String: Any]]) ?? []
            if parts.count == 1 { try byteLevel(parts[0]); return false }
            guard parts.count == 2, parts[0]["type"] as? String == "Digits",
                  parts[0]["individual_digits"] as? Bool == true else {
                throw fail("this pre_tokenizer sequence is not supported (ByteLevel, optionally after Digits(individual_digits))")
            }
            try byteLevel(parts[1])
            return true
        }
        try byteLevel(p)
        return false
    }
}
