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
    let fields: [String: LuaValue]

    init(_ value: LuaValue) throws {
        guard case .table = value, let fields = value.dictionaryValue else {
            throw InstructEditError("record table {task=, prompt=, target=, ...} expected, got \(value.isNil ? "nil" : value.kindName)")
        }
        self.fields = fields
    }

    func record() throws -> EditRecord {
        let convSent = try table("convsent") { c -> ConvSentEdit in
            let sentimentText = try c.required("sentiment")
            guard let sentiment = Sentiment(rawValue: sentimentText) else {
                throw InstructEditError("field 'sentiment': 'positive' or 'negative' expected, got '\(sentimentText)'")
            }
            let locality = try c.table("locality") { l in
                ConvSentLocality(topic: try l.required("topic"), prompt: try l.required("prompt"),
                                 positive: try l.strings("positive"), negative: try l.strings("negative"))
            }
            return ConvSentEdit(topic: try c.required("topic"), sentiment: sentiment, wanted: try c.strings("wanted"),
                                opposite: try c.strings("opposite"), locality: locality)
        }
        var record = EditRecord(
            task: try required("task"), prompt: try required("prompt"), subject: try string("subject") ?? "",
            target: try required("target"), groundTruth: try string("ground_truth"), rephrases: try strings("rephrases"),
            equivalence: try string("equivalence"),
            locality: try list("locality") { l in
                LocalityProbe(prompt: try l.required("prompt"), answer: try l.required("answer"), kind: try l.string("kind") ?? "")
            },
            portability: try list("portability") { p in
                let answers = try p.strings("answers")
                guard !answers.isEmpty else { throw InstructEditError("field 'answers': at least one answer expected") }
                return PortabilityProbe(prompt: try p.required("prompt"), answers: answers, kind: try p.string("kind") ?? "")
            },
            convSent: convSent, origin: try string("origin") ?? "")
        record.neighbours = try strings("neighbours")
        return record
    }

    /// Runs `body`, prefixing its error with where it happened.
    private func within<T>(_ place: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as InstructEditError { throw InstructEditError("\(place): \(e.message)") }
    }

    func string(_ name: String) throws -> String? {
        guard let v = fields[name] else { return nil }
        guard let s = v.stringValue else { throw InstructEditError("field '\(name)': string expected, got \(v.kindName)") }
        return s
    }

    func required(_ name: String) throws -> String {
        guard let s = try string(name) else { throw InstructEditError("field '\(name)': string expected, got nil") }
        guard !s.isEmpty else { throw InstructEditError("field '\(name)': non-empty string expected") }
        return s
    }

    /// A sequence of strings (missing: empty).
    func strings(_ name: String) throws -> [String] {
        guard let v = fields[name] else { return [] }
        guard let items = v.arrayValue else { throw InstructEditError("field '\(name)': sequence of strings expected, got \(v.kindName)") }
        return try items.enumerated().map { i, item in
            guard let s = item.stringValue else { throw InstructEditError("field '\(name)'[\(i + 1)]: string expected, got \(item.kindName)") }
            return s
        }
    }

    /// A nested table, read by `read` (missing: nil).
    func table<T>(_ name: String, _ read: (LuaRecordReader) throws -> T) throws -> T? {
        guard let v = fields[name] else { return nil }
        return try within("field '\(name)'") { try read(LuaRecordReader(v)) }
    }

    /// A sequence of tables, each read by `read` (missing: empty).
    func list<T>(_ name: String, _ read: (LuaRecordReader) throws -> T) throws -> [T] {
        guard let v = fields[name] else { return [] }
        guard let items = v.arrayValue else { throw InstructEditError("field '\(name)': sequence of tables expected, got \(v.kindName)") }
        return try items.enumerated().map { i, item in
            try within("field '\(name)'[\(i + 1)]") { try read(LuaRecordReader(item)) }
        }
    }
}
