import Core

/// Edit records as plain Lua tables, both ways: `data.load` hands them out, `eval.run` takes them
/// back (also ones a user built or changed). Fields as in `EditRecord`, in snake case.
extension EditRecord {
    var luaValue: LuaValue {
        var t: [LuaValue: LuaValue] = [
            "task": .string(task), "prompt": .string(prompt), "subject": .string(subject), "target": .string(target),
            "rephrases": LuaValue(rephrases), "equivalence": .string(equivalence), "origin": .string(origin),
            "locality": .array(locality.map { ["prompt": .string($0.prompt), "answer": .string($0.answer), "kind": .string($0.kind)] }),
            "portability": .array(portability.map { ["prompt": .string($0.prompt), "answers": LuaValue($0.answers), "kind": .string($0.kind)] }),
        ]
        if let groundTruth { t["ground_truth"] = .string(groundTruth) }
        if !neighbours.isEmpty { t["neighbours"] = LuaValue(neighbours) }
        if let cs = convSent {
            var c: [LuaValue: LuaValue] = ["topic": .string(cs.topic), "sentiment": .string(cs.sentiment.rawValue),
                                           "wanted": LuaValue(cs.wanted), "opposite": LuaValue(cs.opposite)]
            if let l = cs.locality {
                c["locality"] = ["topic": .string(l.topic), "prompt": .string(l.prompt),
                                 "positive": LuaValue(l.positive), "negative": LuaValue(l.negative)]
            }
            t["convsent"] = .table(c)
        }
        return .table(t)
    }
}

/// Reads a record table back; errors name the field ("field 'locality'[2]: field 'answer': string
/// expected, got nil"). Fields it does not know are left alone, so records can carry notes.
struct LuaRecordReader {
    let value: OptionValue

    init(_ value: LuaValue) throws {
        guard case .table = value else {
            throw InstructEditError("record table {task=, prompt=, target=, ...} expected, got \(value.isNil ? "nil" : value.kindName)")
        }
        self.value = LuaArgs.optionValue(value)
    }

    func record() throws -> EditRecord {
        do {
            return try OptionDecoder.decode(RecordTable.self, from: value, rejectingUnknown: false).record()
        } catch let e as OptionError {
            throw InstructEditError(e.description)
        }
    }
}

/// A record table's fields, with the keys `luaValue` writes.
private struct RecordTable: Decodable {
    struct Locality: Decodable { var prompt: String; var answer: String; var kind: String? }
    struct Portability: Decodable { var prompt: String; var answers: [String]; var kind: String? }
    struct ConvSent: Decodable {
        struct Locality: Decodable { var topic: String; var prompt: String; var positive: [String]?; var negative: [String]? }
        var topic: String
        var sentiment: String
        var wanted: [String]?
        var opposite: [String]?
        var locality: Locality?
    }
    var task: String
    var prompt: String
    var subject: String?
    var target: String
    var groundTruth: String?
    var rephrases: [String]?
    var equivalence: String?
    var locality: [Locality]?
    var portability: [Portability]?
    var neighbours: [String]?
    var convsent: ConvSent?
    var origin: String?

    enum CodingKeys: String, CodingKey {
        case task, prompt, subject, target, groundTruth = "ground_truth", rephrases, equivalence, locality, portability
        case neighbours, convsent, origin
    }

    /// Checks what types cannot say (non-empty texts, a known sentiment, at least one answer).
    func record() throws -> EditRecord {
        func nonEmpty(_ s: String, _ path: [OptionError.Step]) throws -> String {
            guard !s.isEmpty else { throw OptionError(path: path, "non-empty string expected") }
            return s
        }
        let convSent = try convsent.map { c -> ConvSentEdit in
            guard let sentiment = Sentiment(rawValue: c.sentiment) else {
                throw OptionError(path: [.field("convsent"), .field("sentiment")], "'positive' or 'negative' expected, got '\(c.sentiment)'")
            }
            let locality = try c.locality.map { l in
                ConvSentLocality(topic: try nonEmpty(l.topic, [.field("convsent"), .field("locality"), .field("topic")]),
                                 prompt: try nonEmpty(l.prompt, [.field("convsent"), .field("locality"), .field("prompt")]),
                                 positive: l.positive ?? [], negative: l.negative ?? [])
            }
            return ConvSentEdit(topic: try nonEmpty(c.topic, [.field("convsent"), .field("topic")]), sentiment: sentiment,
                                wanted: c.wanted ?? [], opposite: c.opposite ?? [], locality: locality)
        }
        var r = EditRecord(
            task: try nonEmpty(task, [.field("task")]), prompt: try nonEmpty(prompt, [.field("prompt")]), subject: subject ?? "",
            target: try nonEmpty(target, [.field("target")]), groundTruth: groundTruth, rephrases: rephrases ?? [],
            equivalence: equivalence,
            locality: try (locality ?? []).enumerated().map { i, l in
                let at: [OptionError.Step] = [.field("locality"), .index(i)]
                return LocalityProbe(prompt: try nonEmpty(l.prompt, at + [.field("prompt")]),
                                     answer: try nonEmpty(l.answer, at + [.field("answer")]), kind: l.kind ?? "")
            },
            portability: try (portability ?? []).enumerated().map { i, p in
                let at: [OptionError.Step] = [.field("portability"), .index(i)]
                guard !p.answers.isEmpty else { throw OptionError(path: at + [.field("answers")], "at least one answer expected") }
                return PortabilityProbe(prompt: try nonEmpty(p.prompt, at + [.field("prompt")]), answers: p.answers, kind: p.kind ?? "")
            },
            convSent: convSent, origin: origin ?? "")
        r.neighbours = neighbours ?? []
        return r
    }
}
