extension TeacherForcing {
    /// `prompt` followed by `answer` (already a continuation, e.g. " Rome"), tokenised separately so
    /// the answer's tokens do not depend on the prompt.
    public init(tokenizer: any Tokenizer, prompt: String, answer: String) throws {
        let p = tokenizer.encode(prompt), a = tokenizer.encode(answer)
        guard !p.isEmpty else { throw InstructEditError("empty prompt") }
        guard !a.isEmpty else { throw InstructEditError("empty target for prompt '\(prompt.prefix(60))'") }
        self = try TeacherForcing.positions(promptIds: p, answerIds: a)
    }

    /// Every next-token position of `text` (locality inputs are scored everywhere).
    public init(tokenizer: any Tokenizer, text: String) throws {
        let t = tokenizer.encode(text)
        guard t.count >= 2 else { throw InstructEditError("text too short to score: '\(text.prefix(60))'") }
        self = try TeacherForcing.positions(promptIds: [t[0]], answerIds: Array(t.dropFirst()))
    }
}
