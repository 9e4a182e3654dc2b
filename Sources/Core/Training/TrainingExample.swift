/// One meta-training example, tokenised: the edit input with its target, the equivalence input
/// with the same target, and a locality input (scored at every position).
struct TrainingExample {
    let edit: TeacherForcing
    let equivalence: TeacherForcing
    let locality: TeacherForcing

    /// Renders `r` (with one description drawn from the seen ones when `instruct`) and tokenises.
    /// Records without a locality probe use `fallbackLocality` (another record's).
    init(_ r: EditRecord, model: LanguageModel, instructions: InstructionSet, instruct: Bool,
         rng: inout SeededRandom, fallbackLocality: LocalityProbe? = nil) throws {
        let target = TeacherForcing.continuation(r.target)
        let request = EditRequest(prompt: r.prompt, target: target, task: r.task, instruct: instruct,
                                  topic: r.convSent?.topic, sentiment: r.convSent?.sentiment.rawValue)
        let seed = rng.next()
        let tok = model.tokenizer
        edit = try TeacherForcing(tokenizer: tok, prompt: request.render(r.prompt, instructions: instructions, seed: seed), answer: target)
        equivalence = try TeacherForcing(tokenizer: tok, prompt: request.render(r.equivalence, instructions: instructions, seed: seed), answer: target)
        let convSentLocality = r.convSent?.locality.flatMap { l in
            l.positive.first.map { LocalityProbe(prompt: l.prompt, answer: $0, kind: "convsent") }
        }
        guard let loc = r.locality.first ?? convSentLocality ?? fallbackLocality else {
            throw InstructEditError("record of task '\(r.task)' has no locality prompt")
        }
        locality = try TeacherForcing(tokenizer: tok, text: loc.prompt + " " + loc.answer)
    }
}
