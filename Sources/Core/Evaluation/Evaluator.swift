import Foundation

/// How to evaluate (docs/INSTRUCTEDIT.md, Metrics).
public struct EvaluationOptions: Sendable {
    /// Records evaluated (the first `n`); nil = all.
    public var n: Int?
    /// Render edit, rephrase and portability prompts with a task instruction.
    public var instruct = false
    /// Use the held-out descriptions.
    public var unseen = false
    public var descriptionIndex: Int?
    public var seed: UInt64 = 0
    /// The split test records are sampled from when a task is named ("test", or "val" to tune on).
    public var split = "test"
    public var aliasChoice: Metrics.AliasChoice = Metrics.reportedAliasChoice
    /// Rephrases, locality prompts and portability questions scored per record, at most.
    public var maxProbes = 2
    /// ConvSent: utterances per sentiment scored per question, and rephrased questions used.
    public var convSentUtterances = 2
    public var convSentRephrases = 2
    public init() {}
}

/// Scores of one editor on one test set.
public struct EvaluationResult: Sendable {
    public var task: String
    public var method: String
    public var options: EvaluationOptions
    public var summary: ScoreSummary
    public var perRecord: [RecordScores]
    public var seconds: Double
}

/// Single-edit evaluation: each record is edited into the model, scored, and the edit undone, so
/// every record sees the base model (docs/INSTRUCTEDIT.md, Metrics).
public enum Evaluator {
    public static func run(model: LanguageModel, editor: (any KnowledgeEditor)?, records: [EditRecord],
                           options: EvaluationOptions, scorer: ModelScorer? = nil,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> EvaluationResult {
        try run(model: model, editor: editor, records: records, options: options, scorer: scorer,
                prefetch: HelperQueue.worthwhile, progress: progress)
    }

    /// `prefetch`: a helper thread computes the next record's residual streams while one is scored
    /// (the same scores either way).
    static func run(model: LanguageModel, editor: (any KnowledgeEditor)?, records: [EditRecord],
                    options: EvaluationOptions, scorer: ModelScorer?, prefetch: Bool,
                    progress: (Int, Int) -> Void = { _, _ in }) throws -> EvaluationResult {
        let start = Date()
        let chosen = Array(records.prefix(options.n ?? records.count))
        guard let task = chosen.first?.task else { throw InstructEditError("eval: no records to evaluate") }
        // The scorer caches the residual stream entering one block: it must lie at or below every
        // weight the editor changes, or scores after an edit would start from unedited activations.
        let block = try cacheBlock(for: editor, on: model)
        let scorer = scorer.flatMap { $0.block <= block ? $0 : nil } ?? ModelScorer(model: model, lowestEditedBlock: block)
        let instructions = try InstructionSet.builtIn()
        var scores: [RecordScores] = []
        let helper = prefetch && chosen.count > 1 ? HelperQueue(label: "instructedit.prefetch.records") : nil
        defer { helper?.stop() }
        let requests = chosen.map { r in
            EditRequest(prompt: r.prompt, target: TeacherForcing.continuation(r.target), task: r.task,
                        instruct: options.instruct, unseen: options.unseen,
                        descriptionIndex: options.descriptionIndex,
                        topic: r.convSent?.topic, sentiment: r.convSent?.sentiment.rawValue)
        }
        let renderers = requests.indices.map { i in
            { (s: String) in try requests[i].render(s, instructions: instructions, seed: options.seed &+ UInt64(i)) }
        }
        if let helper { scorer.prefetch(try scoredInputs(chosen[0], render: renderers[0], scorer: scorer, options: options), on: helper) }
        try Linear.onOneCore(if: helper != nil) {
            for (i, r) in chosen.enumerated() {
                try Interrupt.check()
                if let helper, i + 1 < chosen.count {
                    scorer.prefetch(try scoredInputs(chosen[i + 1], render: renderers[i + 1], scorer: scorer, options: options), on: helper)
                }
                scores.append(try r.convSent != nil
                    ? scoreConvSent(r, model: model, editor: editor, request: requests[i], render: renderers[i], scorer: scorer, options: options)
                    : scoreFact(r, model: model, editor: editor, request: requests[i], render: renderers[i], scorer: scorer, options: options))
                progress(i + 1, chosen.count)
            }
        }
        return EvaluationResult(task: task, method: editor?.method ?? "unedited", options: options,
                                summary: try ScoreSummary(scores), perRecord: scores,
                                seconds: Date().timeIntervalSince(start))
    }

    /// The lowest block `editor` changes on `model` (for no editor, that of the default targets, so
    /// an unedited run shares its cache with the default editors').
    public static func cacheBlock(for editor: (any KnowledgeEditor)?, on model: LanguageModel) throws -> Int {
        guard let editor else { return (try? EditTargets.mlp(of: model.network).lowestBlock) ?? 0 }
        return try editor.targets(in: model).lowestBlock
    }

    /// The inputs `scoreFact`/`scoreConvSent` score for `r`, as far as they are known before its
    /// edit (Neighbourhood's prompts wait for the model's greedy answers).
    static func scoredInputs(_ r: EditRecord, render: (String) throws -> String, scorer: ModelScorer,
                             options: EvaluationOptions) throws -> [[Int]] {
        var pairs: [(String, String)] = []   // (prompt, answer before `continuation`)
        if let cs = r.convSent {
            let k = options.convSentUtterances
            let utterances = Array(cs.wanted.prefix(k)) + Array(cs.opposite.prefix(k))
            var prompts = [try render(r.prompt)] + (try r.rephrases.prefix(options.convSentRephrases).map(render))
            if options.instruct { prompts.append(r.prompt) }
            pairs = prompts.flatMap { p in utterances.map { (p, $0) } }
            if let l = cs.locality { pairs += (Array(l.positive.prefix(k)) + Array(l.negative.prefix(k))).map { (l.prompt, $0) } }
        } else {
            let target = r.target
            pairs.append((try render(r.prompt), target))
            if options.instruct { pairs.append((r.prompt, target)) }
            pairs += try r.rephrases.prefix(options.maxProbes).map { (try render($0), target) }
            pairs += r.locality.prefix(options.maxProbes).map { ($0.prompt, $0.answer) }
            for q in r.portability.prefix(options.maxProbes) {
                let p = try render(q.prompt)
                pairs += q.answers.prefix(options.aliasChoice == .first ? 1 : 3).map { (p, $0) }
            }
        }
        return try pairs.map { try scorer.input(prompt: $0.0, answer: TeacherForcing.continuation($0.1)) }
    }

    static func scoreFact(_ r: EditRecord, model: LanguageModel, editor: (any KnowledgeEditor)?, request: EditRequest,
                          render: (String) throws -> String, scorer: ModelScorer, options: EvaluationOptions) throws -> RecordScores {
        let target = TeacherForcing.continuation(r.target)
        let locality = Array(r.locality.prefix(options.maxProbes))
        let before = try locality.map { try scorer.predict(prompt: $0.prompt, answer: TeacherForcing.continuation($0.answer)).predicted }
        // Neighbours: the unedited model's greedy answer is the reference, scored as locality is.
        let neighbours: [(prompt: [Int], answer: [Int], before: [Int])] = try r.neighbours.prefix(options.maxProbes).compactMap { p in
            guard let g = try scorer.greedyAnswer(prompt: p) else { return nil }
            return (g.prompt, g.answer, try scorer.predict(promptIds: g.prompt, answerIds: g.answer).predicted)
        }
        let edit = try editor?.edit(model, [request])
        defer { try? edit?.undo() }
        var s = RecordScores()
        let rel = try scorer.predict(prompt: render(r.prompt), answer: target)
        s.reliability = try Metrics.tokenAccuracy(predicted: rel.predicted, answer: rel.answer)
        if options.instruct {
            let plain = try scorer.predict(prompt: r.prompt, answer: target)
            s.plainReliability = try Metrics.tokenAccuracy(predicted: plain.predicted, answer: plain.answer)
        }
        s.generalization = try Metrics.mean(r.rephrases.prefix(options.maxProbes).map { q in
            let p = try scorer.predict(prompt: render(q), answer: target)
            return try Metrics.tokenAccuracy(predicted: p.predicted, answer: p.answer)
        })
        s.locality = try Metrics.mean(zip(locality, before).map { probe, b in
            let after = try scorer.predict(prompt: probe.prompt, answer: TeacherForcing.continuation(probe.answer)).predicted
            return try Metrics.localityAgreement(before: b, after: after)
        })
        s.neighbourhood = try Metrics.mean(neighbours.map { n in
            try Metrics.localityAgreement(before: n.before, after: scorer.predict(promptIds: n.prompt, answerIds: n.answer).predicted)
        })
        s.portability = try Metrics.mean(r.portability.prefix(options.maxProbes).map { q in
            let aliases = options.aliasChoice == .first ? Array(q.answers.prefix(1)) : Array(q.answers.prefix(3))
            return try Metrics.portabilityAccuracy(aliases: aliases.map {
                try scorer.predict(prompt: render(q.prompt), answer: TeacherForcing.continuation($0))
            }, choice: options.aliasChoice)
        })
        return s
    }

    static func scoreConvSent(_ r: EditRecord, model: LanguageModel, editor: (any KnowledgeEditor)?, request: EditRequest,
                              render: (String) throws -> String, scorer: ModelScorer, options: EvaluationOptions) throws -> RecordScores {
        guard let cs = r.convSent else { return RecordScores() }
        let k = options.convSentUtterances
        let wanted = Array(cs.wanted.prefix(k)), opposite = Array(cs.opposite.prefix(k))
        func ll(_ prompt: String, _ utterances: [String]) throws -> [Double] {
            try utterances.map { try Metrics.meanLogLikelihood(scorer.tokenLogProbs(prompt: prompt, answer: TeacherForcing.continuation($0))) }
        }
        let loc = cs.locality
        let locBefore = try loc.map { l in (positive: try ll(l.prompt, Array(l.positive.prefix(k))), negative: try ll(l.prompt, Array(l.negative.prefix(k)))) }
        let edit = try editor?.edit(model, [request])
        defer { try? edit?.undo() }
        var s = RecordScores()
        let p = try render(r.prompt)
        s.reliability = try Metrics.sentimentPreference(wanted: ll(p, wanted), opposite: ll(p, opposite))
        if options.instruct {
            s.plainReliability = try Metrics.sentimentPreference(wanted: ll(r.prompt, wanted), opposite: ll(r.prompt, opposite))
        }
        let questions = Array(r.rephrases.prefix(options.convSentRephrases))
        if !questions.isEmpty {
            s.generalization = try Metrics.sentimentGeneralization(questions.map { q in
                let rq = try render(q)
                return (wanted: try ll(rq, wanted), opposite: try ll(rq, opposite))
            })
        }
        if let l = loc, let b = locBefore {
            let after = (positive: try ll(l.prompt, Array(l.positive.prefix(k))), negative: try ll(l.prompt, Array(l.negative.prefix(k))))
            s.locality = try Metrics.sentimentLocality(before: b, after: after)
        }
        return s
    }
}
