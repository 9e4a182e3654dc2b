/// Anything that edits a model in place from edit requests and hands back an undoable edit:
/// the MEND editor and the FT-L baseline share this interface (`ed:edit(m, {...})` in Lua).
public protocol KnowledgeEditor: AnyObject, Sendable {
    /// "mend", "ft-l".
    var method: String { get }
    /// Applies `requests` together (a batch edit) to `model`'s weights.
    func edit(_ model: LanguageModel, _ requests: [EditRequest]) throws -> AppliedEdit
}

extension KnowledgeEditor {
    /// Tokenises each request as prompt (instruction-rendered if asked) + target.
    func sequences(_ model: LanguageModel, _ requests: [EditRequest], seed: UInt64) throws -> [TeacherForcing] {
        guard !requests.isEmpty else { throw InstructEditError("edit: no edit requests given") }
        let instructions = try InstructionSet.builtIn()
        return try requests.map { r in
            try TeacherForcing(tokenizer: model.tokenizer,
                                      prompt: r.render(r.prompt, instructions: instructions, seed: seed),
                                      answer: r.target)
        }
    }
}
