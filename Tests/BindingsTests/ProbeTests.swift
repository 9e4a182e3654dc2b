@testable import Bindings
@testable import Core
import Foundation
import XCTest
import TestSupport

/// Probing (Core `Probing` and `m:lens`, `m:logprob`, `m:effect`), checked against computations
/// written out here from the model's own forward pass.
final class ProbeTests: XCTestCase {
    func testTopTokensOrderTiesAndBothSelectionPaths() throws {
        let model = try TinyModel.model(config: LuaFixture.tinyConfig, seed: 1)
        let row: [Float] = [1, 3, 3, 2, -1]
        let top = row.withUnsafeBufferPointer { Probing.topTokens($0, k: 3, tokenizer: model.tokenizer) }
        XCTAssertEqual(top.map(\.id), [1, 2, 3])
        let lse = log(row.reduce(0.0) { $0 + exp(Double($1)) })
        XCTAssertEqual(Double(top[0].logProb), 3 - lse, accuracy: 1e-5)
        // The insertion path (small k) and the sorting path (large k) agree on a long row.
        var rng = SeededRandom(seed: 3)
        let long = (0..<5000).map { _ in Float(Int.random(in: 0..<400, using: &rng)) / 10 }
        let few = long.withUnsafeBufferPointer { Probing.topTokens($0, k: 20, tokenizer: model.tokenizer) }
        let many = long.withUnsafeBufferPointer { Probing.topTokens($0, k: 2000, tokenizer: model.tokenizer) }
        XCTAssertEqual(few.map(\.id), Array(many.prefix(20).map(\.id)))
        let sorted = long.indices.sorted { long[$0] > long[$1] || (long[$0] == long[$1] && $0 < $1) }
        XCTAssertEqual(many.map(\.id), Array(sorted.prefix(2000)))
    }

    func testLensAppliesTheFinalNormAndHeadToEachLayer() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let w = model.weights, c = model.config
        let text = "the cat is in paris"
        let ids = model.tokenizer.encode(text)
        let hidden = try LlamaForward.hiddenStates(w, tokens: ids)
        let norm = Array(w.buffer(w.finalNorm)), head = Array(w.buffer(w.output))
        for layer in 0...c.layers {
            // Expected: RMSNorm(h) ⊙ g, then the LM head, written out.
            let t = ids.count - 1
            let h = Array(hidden.data[((layer * ids.count + t) * c.dim)..<((layer * ids.count + t + 1) * c.dim)])
            let rstd = 1 / (h.reduce(0) { $0 + $1 * $1 } / Float(c.dim) + c.normEps).squareRoot()
            let x = (0..<c.dim).map { h[$0] * rstd * norm[$0] }
            let logits = (0..<c.vocab).map { v in (0..<c.dim).reduce(Float(0)) { $0 + head[v * c.dim + $1] * x[$1] } }
            let best = logits.indices.max { logits[$0] < logits[$1] }!
            let row = lua.row("local e = m:lens('\(text)', \(layer), 3)[1]; return e.id, e.logit")
            XCTAssertEqual(row[0], "\(best)", "layer \(layer)")
            XCTAssertEqual((Double(row[1]) ?? .nan), Double(logits[best]), accuracy: 1e-4, "layer \(layer)")
        }
        // The last layer is the model's own next-token distribution, at every position.
        XCTAssertEqual(lua.values("local a, b = m:lens('\(text)', \(c.layers), 4), m:topk('\(text)', 4); return a[1].id == b[1].id and a[4].id == b[4].id and a[2].logprob == b[2].logprob"), ["true"])
        let logits = try LlamaForward.logits(w, tokens: ids)
        let argmax = try Loss.argmax(logits: logits.data, vocab: c.vocab)
        _ = lua.values("all = m:lens('\(text)', \(c.layers), 2, {all=true})")
        XCTAssertEqual(lua.values("return #all"), ["\(ids.count)"])
        for t in ids.indices {
            XCTAssertEqual(lua.values("return all[\(t + 1)].position, all[\(t + 1)].input, all[\(t + 1)].top[1].id"),
                           ["\(t + 1)", model.tokenizer.decode([ids[t]]), "\(argmax[t])"])
        }
        XCTAssertTrue(lua.errorMessage("m:lens('the cat', -1)").contains("bad argument #2 to 'lens' (layer must be in 0..3 (0 = embeddings), got -1)"))
        XCTAssertTrue(lua.errorMessage("m:lens('the cat', 4)").contains("layer must be in 0..3"))
        XCTAssertTrue(lua.errorMessage("m:lens('the cat', 1, 0)").contains("bad argument #3 to 'lens' (k must be in"))
        XCTAssertTrue(lua.errorMessage("m:lens('the cat', 1, 2, {every=true})").contains("unknown option 'every'"))
    }

    func testLogprobSumsTheContinuationsLogSoftmax() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let tok = model.tokenizer, v = model.config.vocab
        let p = tok.encode("the cat is in"), a = tok.encode(" paris and the")
        let logits = try LlamaForward.logits(model.weights, tokens: p + a.dropLast())
        let logSoftmax = try Loss.logSoftmax(logits: logits.data, vocab: v)
        let expected = a.enumerated().map { k, id in Double(logSoftmax[(p.count - 1 + k) * v + id]) }
        let got = lua.row("local total, per = m:logprob('the cat is in', ' paris and the'); local s = {} for i, e in ipairs(per) do s[i] = e.id .. ':' .. e.logprob end; return total, #per, table.concat(s, ' ')")
        XCTAssertEqual((Double(got[0]) ?? .nan), expected.reduce(0, +), accuracy: 1e-4)
        XCTAssertEqual(got[1], "\(a.count)")
        let per = got[2].split(separator: " ").map { $0.split(separator: ":") }
        for (k, item) in per.enumerated() {
            XCTAssertEqual(String(item[0]), "\(a[k])")
            XCTAssertEqual((Double(item[1]) ?? .nan), expected[k], accuracy: 1e-4)
        }
        XCTAssertTrue(lua.errorMessage("m:logprob('the cat', '')").contains("bad argument #2 to 'logprob' (non-empty text expected"))
        XCTAssertTrue(lua.errorMessage("m:logprob('', ' x')").contains("bad argument #1 to 'logprob' (non-empty text expected"))
        XCTAssertTrue(lua.errorMessage("m:logprob('the cat')").contains("bad argument #2 to 'logprob' (string expected, got no value)"))
    }

    func testEffectReadsBeforeAndAfterAndRestoresTheWeights() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        let prompts = ["the cat is in", "paris is the"]
        let before = try prompts.map { try Probing.read(model, prompt: $0, target: " paris", k: 3) }
        _ = lua.values("""
            ed = editor.mend(m, {rank=8, step_size=1})
            fx = m:effect(ed, {prompt='the cat is in', target=' paris'}, {'the cat is in', 'paris is the'})
            """)
        XCTAssertEqual(Array(model.weights.slab), original, "the edit is undone")
        XCTAssertEqual(lua.values("return #m:edits(), fx.target, #fx.prompts"), ["0", " paris", "2"])
        for (i, b) in before.enumerated() {
            let row = lua.row("local r = fx.prompts[\(i + 1)]; return r.prompt, r.before.top[1].id, r.before.target_logprob, r.after.target_logprob, #r.before.top")
            XCTAssertEqual(row[0], prompts[i])
            XCTAssertEqual(row[1], "\(b.top[0].id)")
            XCTAssertEqual((Double(row[2]) ?? .nan), b.targetLogProb!, accuracy: 1e-5)
            XCTAssertEqual(row[4], "3")
        }
        // The edit raised the target on its own prompt.
        XCTAssertEqual(lua.values("local r = fx.prompts[1]; return r.after.target_logprob > r.before.target_logprob"), ["true"])
        let shown = lua.value("return tostring(fx)")
        XCTAssertTrue(shown.hasPrefix("Effect of mend: 'the cat is in' → ' paris' on 2 prompts, target ' paris'"), shown)
        XCTAssertEqual(shown.components(separatedBy: "  before: ").count, 3, shown)
        XCTAssertEqual(shown.components(separatedBy: "  after:  ").count, 3, shown)

        // A function: every edit it applies is undone; an edit made before stays.
        _ = lua.values("keep = ed:edit(m, {prompt='the cat', target=' is'})")
        let kept = Array(model.weights.slab)
        _ = lua.values("fx2 = m:effect(function() ed:edit(m, {prompt='paris is', target=' the'}); ed:edit(m, {prompt='the', target=' cat'}) end, 'the cat is in', {k=2, target=' paris'})")
        XCTAssertEqual(Array(model.weights.slab), kept)
        XCTAssertEqual(lua.values("return #m:edits(), #fx2.prompts[1].after.top, fx2.prompts[1].before.target_logprob ~= fx2.prompts[1].after.target_logprob"), ["1", "2", "true"])
        // A failing function leaves the model as it was too, and its error reaches the caller.
        XCTAssertTrue(lua.errorMessage("m:effect(function() ed:edit(m, {prompt='the', target=' cat'}); error('stop here') end, {'the cat'})").contains("stop here"))
        XCTAssertEqual(Array(model.weights.slab), kept)
        _ = lua.values("keep:undo()")
        XCTAssertEqual(Array(model.weights.slab), original)
        // Without a target there is no target log-probability.
        XCTAssertEqual(lua.values("return m:effect(function() end, {'the cat'}).prompts[1].before.target_logprob == nil"), ["true"])

        XCTAssertTrue(lua.errorMessage("m:effect(ed, {prompt='the cat', target=' is'}, {})").contains("bad argument #3 to 'effect' (at least one prompt expected)"))
        XCTAssertTrue(lua.errorMessage("m:effect(ed, {prompt='the cat', target=' is'}, {'a', ''})").contains("prompt [2] is empty"))
        XCTAssertTrue(lua.errorMessage("m:effect(ed, {prompt='the cat'}, {'a'})").contains("bad argument #2 to 'effect' (field 'target': string expected, got nil)"))
        XCTAssertTrue(lua.errorMessage("m:effect(ed, {prompt='the cat', target=' is'}, {'a'}, {k=0})").contains("field 'k': must be in"))
        XCTAssertTrue(lua.errorMessage("m:effect(42, {'a'})").contains("bad argument #1 to 'effect' (Editor expected, got number)"))
    }
}
