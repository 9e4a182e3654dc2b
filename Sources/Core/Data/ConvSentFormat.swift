/// KnowEdit ConvSent (`blender_*.json`): `{ent, pos[], neg[]}`, a topic with positive and negative
/// chatbot utterances. Each valid topic becomes one edit "speak <sentiment>ly about <topic>":
/// - sentiment, question and target are drawn from `SplitMix64` seeded by `seed` and the record's
///   index in the file, so they do not depend on other records or on the split;
/// - prompt = one of `questions` filled with the topic; rephrases = the other questions, in order;
/// - target = one utterance of the wanted sentiment; `convSent` holds all wanted and opposite ones;
/// - locality = another topic of the same file (a different `ent`) with one of the questions.
enum ConvSentFormat {
    static let seed: UInt64 = 0xC0_4E5E_0001

    static let questions = [
        "What do you think of {}?",
        "What is your opinion of {}?",
        "How do you feel about {}?",
        "What are your thoughts on {}?",
        "How would you describe {}?",
        "Tell me what you think about {}.",
        "Do you have an opinion about {}?",
        "What is your view on {}?",
    ]

    private struct Topic {
        let index: Int
        let name: String
        let positive: [String]
        let negative: [String]
    }

    /// Records (with their index in the file) for every valid topic; a problem for each invalid one.
    static func records(_ list: [JSONValue], task: String, file: String)
        -> (records: [(index: Int, record: EditRecord)], problems: [(index: Int, message: String)]) {
        var topics: [Topic] = []
        var problems: [(index: Int, message: String)] = []
        for (i, item) in list.enumerated() {
            do {
                let fields = try JSONFields(item)
                let topic = Topic(index: i, name: try fields.string("ent"),
                                  positive: try utterances(fields, "pos"), negative: try utterances(fields, "neg"))
                topics.append(topic)
            } catch {
                problems.append((i, (error as? RecordProblem)?.message ?? "\(error)"))
            }
        }
        let records = topics.enumerated().map { k, topic in
            (topic.index, record(for: topic, at: k, among: topics, task: task, file: file))
        }
        return (records, problems)
    }

    private static func utterances(_ fields: JSONFields, _ key: String) throws -> [String] {
        guard fields.has(key) else { throw RecordProblem("'\(key)' missing") }
        let list = try fields.stringList(key)
        guard !list.isEmpty else { throw RecordProblem("'\(key)' has no utterance") }
        return list
    }

    private static func record(for topic: Topic, at k: Int, among topics: [Topic], task: String, file: String) -> EditRecord {
        var rng = SplitMix64(seed: seed &+ UInt64(topic.index) &* 0x2545_F491_4F6C_DD1D)
        let sentiment: Sentiment = rng.next() & 1 == 0 ? .positive : .negative
        let question = rng.index(questions.count)
        let ask = { (template: String, name: String) in template.replacingOccurrences(of: "{}", with: name) }
        let wanted = sentiment == .positive ? topic.positive : topic.negative
        let opposite = sentiment == .positive ? topic.negative : topic.positive
        let target = wanted[rng.index(wanted.count)]
        let rephrases = questions.indices.filter { $0 != question }.map { ask(questions[$0], topic.name) }

        var locality: ConvSentLocality?
        if topics.count > 1 {
            // A random other record; a repeated topic name (blender_val has one) moves on to the next.
            var j = (k + 1 + rng.index(topics.count - 1)) % topics.count
            var steps = 0
            while topics[j].name == topic.name && steps < topics.count {
                j = (j + 1) % topics.count
                steps += 1
            }
            let other = topics[j]
            if other.name != topic.name {
                locality = ConvSentLocality(topic: other.name, prompt: ask(questions[rng.index(questions.count)], other.name),
                                            positive: other.positive, negative: other.negative)
            }
        }
        let edit = ConvSentEdit(topic: topic.name, sentiment: sentiment, wanted: wanted, opposite: opposite,
                                locality: locality)
        return EditRecord(task: task, prompt: ask(questions[question], topic.name), subject: topic.name,
                          target: target, rephrases: rephrases, convSent: edit,
                          origin: "\(file) record \(topic.index)")
    }
}
