/// Anything that edits a model in place from edit requests and hands back an undoable edit: the
/// seam every editing method implements (docs/ADDING_AN_EDITOR.md). MEND/InstructEdit and the FT-L
/// baseline are the examples; `EditorRegistry` maps method names to their constructors.
public protocol KnowledgeEditor: AnyObject, Sendable {
    /// "mend", "ft-l".
    var method: String { get }
    /// One line for people: the method, its settings and what it edits.
    var summary: String { get }
    /// Names of the weights it edits, where known before it meets a model (nil otherwise).
    var weightNames: [String]? { get }
    /// The weights it changes on `model`, checked against it. Nothing below `lowestBlock` changes,
    /// so evaluation and training cache the residual stream entering that block.
    func targets(in model: LanguageModel) throws -> EditTargets
    /// Applies `requests` together (a batch edit) to `model`'s weights.
    func edit(_ model: LanguageModel, _ requests: [EditRequest]) throws -> AppliedEdit
    /// The token sequences `edit` passes through the model for `requests`, where known before it
    /// runs ([] otherwise): evaluation computes their residual streams ahead on a helper thread.
    func editInputs(_ model: LanguageModel, _ requests: [EditRequest]) throws -> [[Int]]
}

extension KnowledgeEditor {
    /// Not known ahead unless an editor says so.
    public func editInputs(_ model: LanguageModel, _ requests: [EditRequest]) throws -> [[Int]] { [] }

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
