extension BPETokenizer {
    /// llama.cpp's names for the pre-tokenizers this splitter reproduces, and whether each isolates digits.
    static let ggufPreTokenizers: [String: Bool] = [
        "gpt2": false, "smollm": true, "starcoder": true, "refact": true, "codeshell": true,
    ]

    /// The tokenizer stored in a GGUF file's `tokenizer.ggml.*` metadata (byte-level BPE only).
    public convenience init(gguf: GGUFFile) throws {
        let path = gguf.path
        let model = try gguf.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw InstructEditError("\(path): tokenizer.ggml.model '\(model)' is not supported (only byte-level BPE, 'gpt2')")
        }
        let pre = gguf.metadata["tokenizer.ggml.pre"]?.string ?? "gpt2"
        guard let splitDigits = Self.ggufPreTokenizers[pre] else {
            let known = Self.ggufPreTokenizers.keys.sorted().joined(separator: ", ")
            throw InstructEditError("\(path): pre-tokenizer '\(pre)' is not supported (supported: \(known))")
        }
        let tokens = try Self.strings(gguf, "tokenizer.ggml.tokens")
        var merges: [(String, String)] = []
        if gguf.metadata["tokenizer.ggml.merges"] != nil {
            for (i, m) in try Self.strings(gguf, "tokenizer.ggml.merges").enumerated() {
                // Like llama.cpp: the separator is the first space after the first character.
                guard let sp = m.dropFirst().firstIndex(of: " ") else {
                    throw InstructEditError("\(path): tokenizer.ggml.merges[\(i)] '\(m)' is not two tokens separated by a space")
                }
                merges.append((String(m[..<sp]), String(m[m.index(after: sp)...])))
            }
        }
        var special = Set<Int>()
        if let types = gguf.metadata["tokenizer.ggml.token_type"] {
            guard let arr = types.array, arr.count == tokens.count else {
                throw InstructEditError("\(path): tokenizer.ggml.token_type should be an array of \(tokens.count) integers")
            }
            for (i, t) in arr.enumerated() {
                // 3 = control (e.g. <|im_start|>), 4 = user-defined: both are matched verbatim.
                if let v = t.int, v == 3 || v == 4 { special.insert(i) }
            }
        }
        try self.init(tokens: tokens, merges: merges, specialIds: special,
                      preTokenizer: PreTokenizer(splitDigits: splitDigits),
                      bos: try gguf.optionalInt("tokenizer.ggml.bos_token_id"),
                      eos: try gguf.optionalInt("tokenizer.ggml.eos_token_id"),
                      pad: try gguf.optionalInt("tokenizer.ggml.padding_token_id"),
                      unk: try gguf.optionalInt("tokenizer.ggml.unknown_token_id"),
                      source: path)
    }

    private static func strings(_ gguf: GGUFFile, _ key: String) throws -> [String] {
        guard let v = gguf.metadata[key] else { throw InstructEditError("\(gguf.path): required metadata '\(key)' is missing") }
        guard case .array(.string, let items) = v else {
            throw InstructEditError("\(gguf.path): metadata '\(key)' should be an array of strings")
        }
        return items.map { $0.string ?? "" }
    }
}
