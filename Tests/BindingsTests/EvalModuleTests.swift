@testable import Bindings
import Core
import Foundation
import XCTest

/// `eval.run` against Core's `Evaluator`, `eval.table`, `eval.json`, and their errors.
final class EvalModuleTests: XCTestCase {
    private func coreResult(task: String, records: [EditRecord], rank: Int?, instruct: Bool, n: Int) throws -> EvaluationResult {
        let model = try LanguageModel.load(LuaFixture.tinyPath)
        let targets = try EditTargets.mlp(of: model.weights)
        let editor = try rank.map { try MENDEditor(config: MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: $0)) }
        let scorer = ModelScorer(model: model, lowestEditedBlock: targets.lowestBlock)
        if instruct { try scorer.addInstructionPrefixes(tasks: [task]) }
        var options = EvaluationOptions()
        options.n = n
        options.instruct = instruct
        return try Core.Evaluator.run(model: model, editor: editor, records: records, options: options, scorer: scorer)
    }

    /// The four metrics and n of the Lua result `name` agree with Core's result.
    private func assertMetrics(_ lua: LuaSession, _ name: String, _ r: EvaluationResult, file: StaticString = #filePath, line: UInt = #line) {
        let got = lua.row("return \(name).reliability, \(name).generalization, \(name).locality, \(name).portability, \(name).n")
        let s = r.summary
        for (i, metric) in [s.reliability, s.generalization, s.locality, s.portability].enumerated() {
            if let metric {
                XCTAssertEqual(Double(got[i]) ?? -1, metric.value, accuracy: 1e-9, "metric \(i + 1)", file: file, line: line)
            } else {
                XCTAssertEqual(got[i], "nil", "metric \(i + 1)", file: file, line: line)
            }
        }
        XCTAssertEqual(got[4], "\(s.n)", file: file, line: line)
    }

    func testRunMatchesCoreAndLeavesTheModelAsItWas() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        let records = try Datasets.load(task: "counterfact", split: "test", limit: 4).records
        _ = lua.values("""
            ds = data.load('counterfact', 'test', {limit=4})
            ed = editor.mend(m, {rank=4})
            r = eval.run(m, ed, ds, {n=3})
            u = eval.run(m, nil, ds, {instruct=false, name='base'})
            """)
        XCTAssertEqual(Array(model.weights.slab), original)
        assertMetrics(lua, "r", try coreResult(task: "counterfact", records: records, rank: 4, instruct: true, n: 3))
        assertMetrics(lua, "u", try coreResult(task: "counterfact", records: records, rank: nil, instruct: false, n: 4))
        XCTAssertEqual(lua.values("return r.task, r.method, r.instruct, r.unseen, r.seed, r.name, type(r.seconds)"),
                       ["counterfact", "mend", "true", "false", "0", "nil", "number"])
        XCTAssertEqual(lua.values("return u.method, u.name, u.locality == 100"), ["unedited", "base", "true"])
        for key in ["reliability", "generalization", "locality", "portability"] {
            XCTAssertEqual(lua.values("local x = r.\(key); return x == nil or (x >= 0 and x <= 100)"), ["true"], key)
        }
    }

    func testATaskNameEvaluatesItsShuffledTestSplit() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        var records = try Datasets.load(task: "zsre", split: "test").records
        var rng = SeededRandom(seed: 3)
        records.shuffle(using: &rng)
        _ = lua.values("z = eval.run(m, nil, 'zsre', {n=2, seed=3, instruct=false})")
        assertMetrics(lua, "z", try coreResult(task: "zsre", records: Array(records.prefix(2)), rank: nil, instruct: false, n: 2))
        XCTAssertEqual(lua.values("return z.task, z.seed"), ["zsre", "3"])
    }

    func testTablesAndJSON() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        _ = lua.values("""
            ds = data.load('counterfact', 'test', {limit=2})
            a = eval.run(m, editor.mend(m, {rank=4}), ds)
            b = eval.run(m, nil, ds, {instruct=false})
            c = eval.run(m, nil, data.load('zsre', 'test', {limit=2}), {name='base zsre', instruct=false})
            """)
        let text = lua.value("return eval.table(a, b, c)")
        XCTAssertEqual(lua.values("return eval.table({a, b, c})"), [text])
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("#### ") }, ["#### counterfact (n = 2)", "#### zsre (n = 2)"])
        XCTAssertEqual(lines.filter { $0.hasPrefix("| ") && !$0.hasPrefix("| method") }.map { $0.components(separatedBy: " | ")[0] },
                       ["| mend (instructions)", "| unedited", "| base zsre"])
        let rel = lua.value("return string.format('%.2f', a.reliability)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("| mend (instructions) | \(rel) | ") }, text)

        let json = lua.value("return eval.json(a)")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["task"] as? String, "counterfact")
        XCTAssertEqual(object["reliability"] as? Double ?? .nan, Double(lua.value("return a.reliability")) ?? .nan, accuracy: 1e-9)
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lua.value("return eval.json({a, b})").utf8)) as? [[String: Any]])
        XCTAssertEqual(list.count, 2)

        XCTAssertTrue(lua.errorMessage("eval.json({m})").contains("the value[1] holds a userdata"))
        XCTAssertTrue(lua.errorMessage("eval.json({x=0/0})").contains("which JSON cannot hold"))
        XCTAssertTrue(lua.errorMessage("eval.table()").contains("bad argument #1 to 'table' (table expected, got no value)"))
        XCTAssertTrue(lua.errorMessage("eval.table(a, {x=1})").contains("bad argument #2 to 'table' (result of eval.run expected at [2]"))
    }

    func testRunErrors() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        _ = lua.values("ds = data.load('counterfact', 'test', {limit=2})")
        let cases: [(String, String)] = [
            ("eval.run(m, nil)", "bad argument #3 to 'run' (list of records or task name expected, got no value)"),
            ("eval.run(m, nil, {})", "bad argument #3 to 'run' (non-empty list of records"),
            ("eval.run(m, nil, {{task='zsre', prompt='p'}})", "bad argument #3 to 'run' (record 1: field 'target': string expected, got nil)"),
            ("eval.run(m, nil, 'nope')", "unknown data set 'nope'"),
            ("eval.run(nil, nil, ds)", "bad argument #1 to 'run' (Model expected, got nil)"),
            ("eval.run(m, 5, ds)", "bad argument #2 to 'run' (Editor expected, got number)"),
            ("eval.run(m, nil, ds, {n=0})", "field 'n': positive integer expected, got 0"),
            ("eval.run(m, nil, ds, {alias='worst'})", "field 'alias': \"best\" or \"first\" expected, got \"worst\""),
            ("eval.run(m, nil, ds, {description=0})", "field 'description': index from 1 expected"),
            ("eval.run(m, nil, ds, {instructions=true})", "unknown option 'instructions'"),
        ]
        for (code, message) in cases {
            let error = lua.errorMessage(code)
            XCTAssertTrue(error.contains(message), "\(code): \(error)")
        }
    }

    func testInterruptStopsAndUndoesTheCurrentEdit() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        let start = Date()
        let result = LuaFixture.runInterrupted(lua, "return eval.run(m, editor.ft({steps=200}), 'counterfact', {n=500, quiet=true})")
        XCTAssertEqual(result.error?.message, "interrupted!")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(Array(model.weights.slab), original)
        XCTAssertEqual(lua.values("return #m:edits()"), ["0"])
    }
}
