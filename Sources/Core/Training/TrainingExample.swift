/// One meta-training example, tokenised: the edit input with its target, the equivalence inputs
/// with the same target, and the locality inputs (each scored at every position).
struct TrainingExample {
    let edit: TeacherForcing
    let equivalences: [TeacherForcing]
    let localities: [TeacherForcing]
    /// What its L_edit counts for (`MetaTrainingConfig.EditWeight`); 1 unless the trainer sets it.
    var editWeight: Float = 1

    /// Renders `r` (with one description drawn from the seen ones when `instruct`) and tokenises.
    /// `sources` chooses the locality inputs (`MetaTrainingConfig.LocalitySource`); the record's
    /// own probe falls back to `fallbackLocality` (another record's) when it has none.
    /// `equivalence` chooses the equivalence inputs (`MetaTrainingConfig.EquivalenceSource`).
    init(_ r: EditRecord, model: LanguageModel, instructions: InstructionSet, instruct: Bool,
         rng: inout SeededRandom, fallbackLocality: LocalityProbe? = nil,
         sources: [MetaTrainingConfig.LocalitySource] = [.own],
         equivalence: [MetaTrainingConfig.EquivalenceSource] = [.rephrase]) throws {
        let target = TeacherForcing.continuation(r.target)
        let request = EditRequest(prompt: r.prompt, target: target, task: r.task, instruct: instruct,
                                  topic: r.convSent?.topic, sentiment: r.convSent?.sentiment.rawValue)
        let seed = rng.next()
        let tok = model.tokenizer
        edit = try TeacherForcing(tokenizer: tok, prompt: request.render(r.prompt, instructions: instructions, seed: seed), answer: target)
        let editInput = edit
        equivalences = try equivalence.map { source in
            switch source {
            case .edit: return editInput
            case .plain: return try TeacherForcing(tokenizer: tok, prompt: r.equivalence, answer: target)
            case .rephrase:
                return try TeacherForcing(tokenizer: tok, prompt: request.render(r.equivalence, instructions: instructions, seed: seed), answer: target)
            }
        }
        let convSentLocality = r.convSent?.locality.flatMap { l in
            l.positive.first.map { LocalityProbe(prompt: l.prompt, answer: $0, kind: "convsent") }
        }
        var texts: [String] = []
        for source in sources {
            switch source {
            case .own:
                guard let loc = r.locality.first ?? convSentLocality ?? fallbackLocality else {
                    throw InstructEditError("record of task '\(r.task)' has no locality prompt")
                }
                texts.append(loc.prompt + " " + loc.answer)
            case .neighbour:
                // Another subject with the same relation: the prompt alone, as the edit must keep
                // whatever the model would answer.
                if !r.neighbours.isEmpty { texts.append(r.neighbours[Int(rng.next() % UInt64(r.neighbours.count))]) }
            case .unrelated:
                if let loc = fallbackLocality { texts.append(loc.prompt + " " + loc.answer) }
            }
        }
        localities = try texts.map { try TeacherForcing(tokenizer: tok, text: $0) }
    }
}
