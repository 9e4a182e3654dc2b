import Foundation
import XCTest
@testable import Core

/// Evaluation scores a record's inputs after an edit in one batch (one read of the output matrix),
/// and an editor's own forward reads the residual streams the evaluation lends it: the same
/// predictions and the same edit as one input at a time.
final class BatchedScoringTests: XCTestCase {
    func testLogitsOfSeveralTracesInOneProductEqualEachTracesOwn() throws {
        let w = try MetaTrainerTests.tinyModel().network
        let sequences = [[1, 2, 3, 4, 5], [7, 8, 9], [3, 3, 4, 5, 6, 7]]
        let positions = [[2, 3], [1], [0, 4, 5]]
        let traces = try sequences.map { try w.forward(tokens: $0, from: 2, residual: nil) }
        let batched = try w.logits(Array(zip(traces, positions)).map { (trace: $0, positions: $1) })
        let own = try zip(traces, positions).map { try w.logits($0, positions: $1) }
        XCTAssertEqual(batched.count, own.reduce(0) { $0 + $1.count })
        let v = w.vocabularySize
        var row = 0
        for (k, logits) in own.enumerated() {
            for p in 0..<positions[k].count {
                let a = batched[(row * v)..<((row + 1) * v)], b = logits[(p * v)..<((p + 1) * v)]
                if positions[k].count > 1 {
                    // Rows of two or more: the fixed-order kernel's bits, alone or in a batch.
                    XCTAssertEqual(Array(a), Array(b), "trace \(k)")
                } else {
                    // A lone row goes through sgemv, which sums in another order.
                    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-5 * max(1, abs(y))) }
                }
                row += 1
            }
        }
        XCTAssertEqual(try w.logits([]), [])
    }

    func testBatchedPredictionsEqualOneAtATime() throws {
        let m = try MetaTrainerTests.tinyModel()
        let records = Array(try Datasets.load(task: "counterfact", split: "test").records.prefix(3))
        let pairs = records.flatMap { r in
            [(r.prompt, r.target)] + r.locality.prefix(2).map { ($0.prompt, $0.answer) }
        }.map { (promptIds: m.tokenizer.encode($0.0), answerIds: m.tokenizer.encode(TeacherForcing.continuation($0.1))) }
        let batched = try ModelScorer(model: m, lowestEditedBlock: 2).predict(pairs)
        let single = ModelScorer(model: m, lowestEditedBlock: 2)
        XCTAssertEqual(batched.count, pairs.count)
        for (b, p) in zip(batched, pairs) {
            let s = try single.predict(promptIds: p.promptIds, answerIds: p.answerIds)
            XCTAssertEqual(b.predicted, s.predicted)
            XCTAssertEqual(b.answer, p.answerIds)
        }
    }

    func testAnEditReadsTheResidualsItIsLent() throws {
        let m = try MetaTrainerTests.tinyModel()
        let request = EditRequest(prompt: "The capital of France is", target: " Rome", task: "counterfact", instruct: true)
        let editors: [any KnowledgeEditor] = [try FineTuneEditor(steps: 3, learningRate: 0.5, eps: 10), UntrainedMEND(rank: 4)]
        for editor in editors {
            let params = try editor.targets(in: m).params
            let cache = ResidualCache(block: try Evaluator.cacheBlock(for: editor, on: m))
            let inputs = try editor.editInputs(m, [request])
            XCTAssertEqual(inputs.count, 1, editor.method)
            let lent = try m.lendResiduals(cache) { try editor.edit(m, [request]) }
            XCTAssertTrue(inputs.allSatisfy(cache.contains), "\(editor.method): the edit computed its own residuals")
            XCTAssertNil(m.lentResiduals.value, "lent only while the body runs")
            let lentWeights = params.map { Array(m.network.buffer($0)) }
            try lent.undo()
            let own = try editor.edit(m, [request])
            // Without a shared prefix the cache computes what the editor would: the same edit.
            XCTAssertEqual(params.map { Array(m.network.buffer($0)) }, lentWeights, editor.method)
            try own.undo()
        }
    }
}

/// Neighbourhood's reference answer: the greedy continuation up to a line break or `maxTokens`
/// tokens, decoded only as far as the answer needs, equal to parsing a full greedy generation.
final class GreedyAnswerTests: XCTestCase {
    func testGreedyAnswerEqualsAParsedGreedyGeneration() throws {
        let m = try MetaTrainerTests.tinyModel()
        let tok = m.tokenizer
        let prompts = try Datasets.load(task: "zsre", split: "test").records.prefix(12).map(\.prompt) + ["", "\n", "a\nb"]
        var answered = 0
        for maxTokens in 1...3 {
            let scorer = ModelScorer(model: m, lowestEditedBlock: 2)
            for prompt in prompts where !tok.encode(prompt).isEmpty {
                var context = tok.encode(prompt)
                let generated = try Generator(weights: m.weights, tokenizer: tok)
                    .generate(prompt: context, parameters: GenerationParameters(maxTokens: maxTokens + 2)).tokens
                var ids: [Int] = []
                for id in generated {
                    if id == tok.eosId { if ids.isEmpty { ids.append(id) }; break }
                    let piece = tok.decode([id])
                    let isBreak = piece.trimmingCharacters(in: .newlines).isEmpty
                    if isBreak && ids.isEmpty { context.append(id); continue }
                    if isBreak || piece.contains("\n") || ids.count == maxTokens { break }
                    ids.append(id)
                }
                let found = try scorer.greedyAnswer(prompt: prompt, maxTokens: maxTokens)
                XCTAssertEqual(found?.answer, ids.isEmpty ? nil : ids, "\(maxTokens) \(prompt.debugDescription)")
                if let found { XCTAssertEqual(found.prompt, context); answered += 1 }
            }
        }
        XCTAssertGreaterThan(answered, 0)
    }
}
