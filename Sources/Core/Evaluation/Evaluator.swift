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
        // The helper computes the residual streams of record i's edit and scored inputs ahead.
        func planned(_ i: Int) throws -> [[Int]] {
            try (editor?.editInputs(model, [requests[i]]) ?? [])
                + scoredInputs(chosen[i], render: renderers[i], scorer: scorer, options: options)
        }
        if let helper { scorer.prefetch(try planned(0), on: helper) }
        // The edit's own forward reads the scorer's residuals too (the edit prompt shares the
        // cached instruction text, and often is a scored input).
        try model.lendResiduals(scorer.cache) { try Linear.onOneCore(if: helper != nil) {
            for (i, r) in chosen.enumerated() {
                try Interrupt.check()
                if let helper, i + 1 < chosen.count {
                    scorer.prefetch(try planned(i + 1), on: helper)
                }
                scores.append(try r.convSent != nil
                    ? scoreConvSent(r, model: model, editor: editor, request: requests[i], render: renderers[i], scorer: scorer, options: options)
                    : scoreFact(r, model: model, editor: editor, request: requests[i], render: renderers[i], scorer: scorer, options: options))
                progress(i + 1, chosen.count)
            }
        } }
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
        guard let cs = r.convSent else {
            return try FactPairs(r, tokenizer: scorer.model.tokenizer, render: render, options: options).all.map {
                try TeacherForcing.positions(promptIds: $0.promptIds, answerIds: $0.answerIds).input
            }
        }
        let k = options.convSentUtterances
        let utterances = Array(cs.wanted.prefix(k)) + Array(cs.opposite.prefix(k))
        var prompts = [try render(r.prompt)] + (try r.rephrases.prefix(options.convSentRephrases).map(render))
        if options.instruct { prompts.append(r.prompt) }
        var pairs = prompts.flatMap { p in utterances.map { (p, $0) } }   // (prompt, answer before `continuation`)
        if let l = cs.locality { pairs += (Array(l.positive.prefix(k)) + Array(l.negative.prefix(k))).map { (l.prompt, $0) } }
        return try pairs.map { try scorer.input(prompt: $0.0, answer: TeacherForcing.continuation($0.1)) }
    }

    static func scoreFact(_ r: EditRecord, model: LanguageModel, editor: (any KnowledgeEditor)?, request: EditRequest,
                          render: (String) throws -> String, scorer: ModelScorer, options: EvaluationOptions) throws -> RecordScores {
        let pairs = try FactPairs(r, tokenizer: model.tokenizer, render: render, options: options)
        // Neighbours: the unedited model's greedy answer is the reference, scored as locality is.
        let neighbours = try r.neighbours.prefix(options.maxProbes).compactMap { try scorer.greedyAnswer(prompt: $0) }
            .map { (promptIds: $0.prompt, answerIds: $0.answer) }
        let before = try scorer.predict(pairs.locality + neighbours).map(\.predicted)
        let edit = try editor?.edit(model, [request])
        defer { try? edit?.undo() }
        // Every input after the edit in one batch, in the order taken below.
        var after = try scorer.predict([pairs.reliability] + pairs.plain + pairs.rephrases + pairs.locality + neighbours
                                       + pairs.portability.flatMap { $0 })[...]
        func take(_ k: Int) -> [(predicted: [Int], answer: [Int])] { defer { after = after.dropFirst(k) }; return Array(after.prefix(k)) }
        var s = RecordScores()
        let rel = take(1)[0]
        s.reliability = try Metrics.tokenAccuracy(predicted: rel.predicted, answer: rel.answer)
        if let p = take(pairs.plain.count).first { s.plainReliability = try Metrics.tokenAccuracy(predicted: p.predicted, answer: p.answer) }
        s.generalization = try Metrics.mean(take(pairs.rephrases.count).map { try Metrics.tokenAccuracy(predicted: $0.predicted, answer: $0.answer) })
        s.locality = try Metrics.mean(zip(take(pairs.locality.count), before).map { try Metrics.localityAgreement(before: $1, after: $0.predicted) })
        s.neighbourhood = try Metrics.mean(zip(take(neighbours.count), before.dropFirst(pairs.locality.count)).map {
            try Metrics.localityAgreement(before: $1, after: $0.predicted)
        })
        s.portability = try Metrics.mean(pairs.portability.map { aliases in
            try Metrics.portabilityAccuracy(aliases: take(aliases.count), choice: options.aliasChoice)
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
