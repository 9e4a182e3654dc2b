/// KnowEdit records (wiki_counterfact, wiki_recent, ZsRE-test-all):
/// `{subject, prompt, target_new, ground_truth?, rephrase? | rephrase_prompt?, portability{}, locality{}}`.
/// Answers come as a string, a list of strings (ZsRE) or a list of alias lists (test splits).
enum KnowEditFormat {
    static func record(_ fields: JSONFields, task: String, origin: String,
                       paraphrases: RelationParaphrases) throws -> EditRecord {
        let subject = try fields.string("subject")
        let prompt = try fields.string("prompt")
        let target = try fields.string("target_new")
        let groundTruth = try fields.optionalAnswers("ground_truth", emptyIsAbsent: true)?.first
        let rephrases = try fields.stringList("rephrase") + fields.stringList("rephrase_prompt")
        let locality = try fields.probeGroups("locality").flatMap { kind, items in
            try items.map { item in
                LocalityProbe(prompt: try item.string("prompt"), answer: try item.firstAnswer("ground_truth"), kind: kind)
            }
        }
        let portability = try fields.probeGroups("portability").flatMap { kind, items in
            try items.map { item in
                PortabilityProbe(prompt: try item.string("prompt"), answers: try item.answers("ground_truth"), kind: kind)
            }
        }
        let equivalence = Equivalence.input(prompt: prompt, subject: subject, target: target, rephrases: rephrases,
                                            portability: portability, paraphrases: paraphrases)
        return EditRecord(task: task, prompt: prompt, subject: subject, target: target, groundTruth: groundTruth,
                          rephrases: rephrases, equivalence: equivalence, locality: locality,
                          portability: portability, origin: origin)
    }
}
