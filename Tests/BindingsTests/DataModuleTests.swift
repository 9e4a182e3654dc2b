@testable import Bindings
import Core
import Foundation
import XCTest

/// `data.load`, `data.tasks`, `data.splits`, `data.request`, and records read back from Lua tables.
final class DataModuleTests: XCTestCase {
    func testTasksAndSplits() throws {
        let lua = try LuaFixture.session()
        XCTAssertEqual(lua.values("return table.concat(data.tasks(), ',')"), [Datasets.tasks.joined(separator: ",")])
        XCTAssertEqual(lua.values("return table.concat(data.splits('counterfact'), ','), table.concat(data.splits('zsre'), ',')"),
                       ["train,val,test", "test"])
        XCTAssertTrue(lua.errorMessage("data.splits('nope')").contains("unknown data set 'nope'"))
    }

    func testLoadGivesPlainTablesOfEveryField() throws {
        let lua = try LuaFixture.session()
        let core = try Datasets.load(task: "counterfact", split: "test", limit: 4).records
        _ = lua.values("ds, problems = data.load('counterfact', 'test', {limit=4})")
        XCTAssertEqual(lua.values("return #ds, #problems"), ["\(core.count)", "0"])
        let r = core[0]
        XCTAssertEqual(lua.values("local r = ds[1]; return r.task, r.prompt, r.subject, r.target, r.equivalence, r.origin, #r.rephrases, #r.locality, #r.portability"),
                       [r.task, r.prompt, r.subject, r.target, r.equivalence, r.origin, "\(r.rephrases.count)", "\(r.locality.count)", "\(r.portability.count)"])
        if let l = r.locality.first {
            XCTAssertEqual(lua.values("local l = ds[1].locality[1]; return l.prompt, l.answer, l.kind"), [l.prompt, l.answer, l.kind])
        }
        if let p = r.portability.first {
            XCTAssertEqual(lua.values("local p = ds[1].portability[1]; return p.prompt, p.answers[1], #p.answers, p.kind"),
                           [p.prompt, p.answers[0], "\(p.answers.count)", p.kind])
        }
        XCTAssertEqual(lua.values("return ds[1].convsent"), ["nil"])

        let cs = try XCTUnwrap(Datasets.load(task: "convsent", split: "test", limit: 2).records.first?.convSent)
        _ = lua.values("cs = data.load('convsent', 'test', {limit=2})")
        XCTAssertEqual(lua.values("local c = cs[1].convsent; return c.topic, c.sentiment, #c.wanted, #c.opposite, c.locality and c.locality.topic"),
                       [cs.topic, cs.sentiment.rawValue, "\(cs.wanted.count)", "\(cs.opposite.count)", cs.locality?.topic ?? "nil"])
        XCTAssertEqual(lua.values("return #data.load('recent', 'val', {limit=0})"), ["0"])
    }

    func testRecordsSurviveTheRoundTripThroughLua() throws {
        let lua = try LuaFixture.session()
        for task in ["counterfact", "recent", "convsent", "zsre", "zsre-portability"] {
            let core = try Datasets.load(task: task, split: "test", limit: 6).records
            _ = lua.values("ds = data.load('\(task)', 'test', {limit=6})")
            let tables = try XCTUnwrap(lua.global("ds").arrayValue)
            XCTAssertEqual(tables.count, core.count)
            for (table, record) in zip(tables, core) {
                XCTAssertEqual(try LuaRecordReader(table).record(), record, task)
            }
        }
    }

    func testRecordReaderErrorsNameTheField() throws {
        let cases: [(LuaValue, String)] = [
            (["task": "zsre", "prompt": "p"], "field 'target': string expected, got nil"),
            (["task": "zsre", "prompt": "p", "target": 3], "field 'target': string expected, got number"),
            (["task": "zsre", "prompt": "p", "target": "t", "rephrases": ["a", 2]], "field 'rephrases'[2]: string expected, got number"),
            (["task": "zsre", "prompt": "p", "target": "t", "locality": [["prompt": "q"]]], "field 'locality'[1]: field 'answer': string expected, got nil"),
            (["task": "zsre", "prompt": "p", "target": "t", "portability": [["prompt": "q", "answers": []]]], "field 'portability'[1]: field 'answers': at least one answer expected"),
            (["task": "convsent", "prompt": "p", "target": "t", "convsent": ["topic": "x", "sentiment": "happy"]], "field 'convsent': field 'sentiment': 'positive' or 'negative' expected, got 'happy'"),
            ("text", "record table {task=, prompt=, target=, ...} expected, got string"),
        ]
        for (value, message) in cases {
            XCTAssertThrowsError(try LuaRecordReader(value).record()) { error in
                XCTAssertEqual((error as? InstructEditError)?.message, message)
            }
        }
        // Unknown fields are notes, not errors; missing optional ones take their defaults.
        let r = try LuaRecordReader(["task": "zsre", "prompt": "p", "target": "t", "note": "mine"]).record()
        XCTAssertEqual(r, EditRecord(task: "zsre", prompt: "p", subject: "", target: "t"))
    }

    func testRequestTurnsARecordIntoAnEdit() throws {
        let lua = try LuaFixture.session()
        _ = lua.values("ds = data.load('counterfact', 'test', {limit=1}); cs = data.load('convsent', 'test', {limit=1})")
        let r = try XCTUnwrap(Datasets.load(task: "counterfact", split: "test", limit: 1).records.first)
        XCTAssertEqual(lua.values("local q = data.request(ds[1]); return q.prompt, q.target, q.task, q.instruct, q.unseen, q.topic"),
                       [r.prompt, " " + r.target, "counterfact", "true", "false", "nil"])
        XCTAssertEqual(lua.values("local q = data.request(ds[1], {instruct=false, unseen=true, description=3}); return q.instruct, q.unseen, q.description"),
                       ["false", "true", "3"])
        let c = try XCTUnwrap(Datasets.load(task: "convsent", split: "test", limit: 1).records.first?.convSent)
        XCTAssertEqual(lua.values("local q = data.request(cs[1]); return q.topic, q.sentiment"), [c.topic, c.sentiment.rawValue])
        // The request is what ed:edit takes.
        try LuaFixture.loadTiny(lua)
        XCTAssertEqual(lua.values("local e = editor.mend(m, {rank=4}):edit(m, data.request(cs[1])); e:undo(); return e.requests[1].topic"), [c.topic])
        XCTAssertTrue(lua.errorMessage("data.request({prompt='p'})").contains("bad argument #1 to 'request' (field 'task': string expected, got nil)"))
        XCTAssertTrue(lua.errorMessage("data.request(ds[1], {description=0})").contains("field 'description': index from 1 expected, got 0"))
        XCTAssertTrue(lua.errorMessage("data.request(ds[1], {seen=true})").contains("unknown option 'seen'"))
    }

    func testLoadErrors() throws {
        let lua = try LuaFixture.session()
        XCTAssertTrue(lua.errorMessage("data.load('nope', 'test')").contains("unknown data set 'nope' (known: counterfact"))
        XCTAssertTrue(lua.errorMessage("data.load('zsre', 'train')").contains("data set 'zsre' has no split 'train' (splits: test)"))
        XCTAssertTrue(lua.errorMessage("data.load('zsre')").contains("bad argument #2 to 'load' (string expected, got no value)"))
        XCTAssertTrue(lua.errorMessage("data.load('zsre', 'test', {limit=-1})").contains("field 'limit': non-negative integer expected, got -1"))
        XCTAssertTrue(lua.errorMessage("data.load('zsre', 'test', {limits=1})").contains("unknown option 'limits'"))
    }
}
