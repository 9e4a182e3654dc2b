/// EasyEdit's MEND-format ZsRE (zsre_mend_eval_portability_gpt4.json):
/// `{subject, src, alt, answers, rephrase, loc, loc_ans, portability{New Question, New Answer}}`.
/// `pred` (a model's old prediction) and `cond` are not used.
enum MENDZsREFormat {
    static func record(_ fields: JSONFields, task: String, origin: String) throws -> EditRecord {
        let subject = try fields.string("subject")
        let prompt = try fields.string("src")
        let target = try fields.string("alt")
        let groundTruth = try fields.optionalAnswers("answers", emptyIsAbsent: true)?.first
        let rephrases = try fields.stringList("rephrase")
        var locality: [LocalityProbe] = []
        if let loc = try fields.optionalString("loc") {
            locality.append(LocalityProbe(prompt: loc, answer: try fields.string("loc_ans"), kind: "NQ"))
        }
        var portability: [PortabilityProbe] = []
        if let port = try fields.optionalObject("portability") {
            portability.append(PortabilityProbe(prompt: try port.string("New Question"),
                                                answers: try port.answers("New Answer"), kind: "One_Hop"))
        }
        return EditRecord(task: task, prompt: prompt, subject: subject, target: target, groundTruth: groundTruth,
                          rephrases: rephrases, locality: locality, portability: portability, origin: origin)
    }
}
