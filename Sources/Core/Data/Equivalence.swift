import Foundation

/// Chooses a record's equivalence input for meta-training. Training splits have no rephrase, and
/// using the edit input itself would make the generalisation loss a copy of the reliability loss.
enum Equivalence {
    /// First rephrase; else the relation paraphrase; else a Subject_Aliasing prompt whose answers
    /// include the target; else the prompt itself.
    static func input(prompt: String, subject: String, target: String, rephrases: [String],
                      portability: [PortabilityProbe], paraphrases: RelationParaphrases) -> String {
        if let r = rephrases.first { return r }
        if let p = paraphrases.restate(prompt: prompt, subject: subject) { return p }
        if let alias = portability.first(where: { $0.kind == "Subject_Aliasing" && $0.answers.contains(target) }) {
            return alias.prompt
        }
        return prompt
    }
}

/// The hand-written restatements of KnowEdit's relation prompts (`relation_paraphrases.json`).
struct RelationParaphrases: Sendable {
    /// Prompt template with the subject as "{}" → the same question in other words.
    let table: [String: String]

    static let fileName = "relation_paraphrases.json"
    static let empty = RelationParaphrases(table: [:])

    static func load(path: String) throws -> RelationParaphrases {
        let data = try FileAccess.read(path, what: "paraphrase file")
        guard let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let table = top["paraphrases"] as? [String: String] else {
            throw InstructEditError("\(path) is not a JSON object with a 'paraphrases' object of strings")
        }
        for (key, value) in table where !key.contains("{}") || !value.contains("{}") {
            throw InstructEditError("\(path): paraphrase '\(key)' → '\(value)' must put the subject as {} on both sides")
        }
        return RelationParaphrases(table: table)
    }

    /// The prompt restated, when its relation (prompt with the subject replaced by "{}") is known.
    func restate(prompt: String, subject: String) -> String? {
        guard !subject.isEmpty, let range = prompt.range(of: subject) else { return nil }
        let template = prompt.replacingCharacters(in: range, with: "{}")
        return table[template].map { $0.replacingOccurrences(of: "{}", with: subject) }
    }
}
