import Core

/// `m:encode`, `m:decode`, `m:token`, and the text-or-ids argument of the other methods.
extension ModelModule {
    static func registerTokens(_ t: LuaTypeBuilder<LuaModel>) {
        t.method("encode", signature: "m:encode(text) -> {ids}",
                 summary: "Token ids of text (vocabulary ids as they are, from 0; special tokens such as <|im_start|> recognised; no BOS added).",
                 example: "m:encode(\"The capital of France is\")  --> {504, 3575, 282, 4649, 314}") { m, args in
            [LuaValue(m.model.tokenizer.encode(try args.checkString(2)))]
        }
        t.method("decode", signature: "m:decode(ids) -> string",
                 summary: "The text of a list of token ids (the exact inverse of m:encode).",
                 example: "m:decode({504, 3575})  --> \"The capital\"") { m, args in
            let ids = try args.checkIntArray(2)
            try checkVocabulary(ids, args, 2, m)
            return [.string(m.model.tokenizer.decode(ids))]
        }
        t.method("token", signature: "m:token(id) -> text, entry",
                 summary: "One token: its text, and its vocabulary entry as stored (e.g. \" capital\", \"Ġcapital\").",
                 example: "m:token(3575)") { m, args in
            let id = try args.checkInt(2)
            try checkVocabulary([id], args, 2, m)
            let tok = m.model.tokenizer
            return [.string(tok.decode([id])), .string(tok.tokenString(id))]
        }
    }

    /// Token ids for a forward pass from the argument at `index`: a non-empty text, or a non-empty
    /// sequence of vocabulary ids, no longer than the context.
    static func tokens(_ args: LuaArgs, _ index: Int, _ m: LuaModel) throws -> [Int] {
        let ids: [Int]
        switch args.kind(index) {
        case .string:
            let text = try args.checkString(index)
            guard !text.isEmpty else { throw args.error(index, "non-empty text expected, got an empty string") }
            ids = m.model.tokenizer.encode(text)
        case .table:
            ids = try args.checkIntArray(index)
            guard !ids.isEmpty else { throw args.error(index, "non-empty sequence of token ids expected, got an empty table") }
            try checkVocabulary(ids, args, index, m)
        default:
            throw args.typeError(index, expected: "string or sequence of token ids")
        }
        let context = m.config.contextLength
        guard ids.count <= context else {
            throw args.error(index, "\(ids.count) tokens exceed the model's context length \(context)")
        }
        return ids
    }

    static func checkVocabulary(_ ids: [Int], _ args: LuaArgs, _ index: Int, _ m: LuaModel) throws {
        let vocab = m.config.vocab
        if let i = ids.firstIndex(where: { !(0..<vocab).contains($0) }) {
            let position = ids.count > 1 || args.kind(index) == .table ? " at [\(i + 1)]" : ""
            throw args.error(index, "token id \(ids[i])\(position) is outside the vocabulary 0..\(vocab - 1)")
        }
    }

    /// A non-empty string argument (prompts, continuations).
    static func text(_ args: LuaArgs, _ index: Int) throws -> String {
        let s = try args.checkString(index)
        guard !s.isEmpty else { throw args.error(index, "non-empty text expected, got an empty string") }
        return s
    }
}
