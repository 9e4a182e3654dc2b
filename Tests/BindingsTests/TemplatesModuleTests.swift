import Bindings
import Core
import XCTest

/// `templates.tasks`, `templates.render`, `templates.descriptions`, `templates.name` against the
/// instruction set they read.
final class TemplatesModuleTests: XCTestCase {
    func testTasksDescriptionsAndNames() throws {
        let lua = try LuaFixture.session()
        let set = try InstructionSet.builtIn()
        XCTAssertEqual(lua.values("return table.concat(templates.tasks(), ',')"), [set.tasks().joined(separator: ",")])
        for task in set.tasks() {
            for unseen in [false, true] {
                let expected = try set.descriptions(task: task, unseen: unseen)
                XCTAssertEqual(lua.values("local d = templates.descriptions('\(task)', {unseen=\(unseen)}); return #d, d[1], d[#d]"),
                               ["\(expected.count)", expected[0], expected[expected.count - 1]])
            }
            XCTAssertEqual(lua.values("return templates.name('\(task)')"), [try set.name(task: task)])
        }
    }

    func testRenderHasTheExactLayout() throws {
        let lua = try LuaFixture.session()
        let set = try InstructionSet.builtIn()
        let first = try set.descriptions(task: "zsre")[0], second = try set.descriptions(task: "zsre", unseen: true)[1]
        XCTAssertEqual(lua.values("return templates.render('zsre', 'Who wrote Hamlet?', {index=1})"),
                       ["Task: zsre\nDescription: \(first)\nInput: Who wrote Hamlet?"])
        XCTAssertEqual(lua.values("return templates.render('zsre', 'Who wrote Hamlet?', {index=2, unseen=true})"),
                       ["Task: zsre\nDescription: \(second)\nInput: Who wrote Hamlet?"])
        // A drawn description is the one an edit with the same seed uses.
        for seed in [0, 1, 5] {
            let request = EditRequest(prompt: "Who wrote Hamlet?", target: " Shakespeare", task: "zsre", instruct: true)
            XCTAssertEqual(lua.values("return templates.render('zsre', 'Who wrote Hamlet?', {seed=\(seed)})"),
                           [try request.render("Who wrote Hamlet?", instructions: set, seed: UInt64(seed))])
        }
        let convsent = try set.descriptions(task: "convsent")[0]
            .replacingOccurrences(of: "{topic}", with: "cats").replacingOccurrences(of: "{sentiment}", with: "positive")
        XCTAssertEqual(lua.values("return templates.render('convsent', 'What do you think of cats?', {index=1, topic='cats', sentiment='positive'})"),
                       ["Task: convsent\nDescription: \(convsent)\nInput: What do you think of cats?"])
    }

    func testRenderErrors() throws {
        let lua = try LuaFixture.session()
        XCTAssertTrue(lua.errorMessage("templates.render('nope', 'x')").contains("no instructions for task 'nope'"))
        XCTAssertTrue(lua.errorMessage("templates.render('zsre', 'x', {index=0})").contains("bad argument #3 to 'render' (field 'index': index from 1 expected, got 0)"))
        XCTAssertTrue(lua.errorMessage("templates.render('zsre', 'x', {index=1000})").contains("description index out of range"))
        XCTAssertTrue(lua.errorMessage("templates.render('convsent', 'x')").contains("need a topic"))
        XCTAssertTrue(lua.errorMessage("templates.render('zsre', 'x', {unsen=true})").contains("unknown option 'unsen'"))
        XCTAssertTrue(lua.errorMessage("templates.render('zsre')").contains("bad argument #2 to 'render' (string expected, got no value)"))
        XCTAssertTrue(lua.errorMessage("templates.render('zsre', 'x', {seed=-2})").contains("field 'seed': non-negative integer expected"))
        XCTAssertTrue(lua.errorMessage("templates.descriptions('zsre', {unseen=1})").contains("field 'unseen': boolean expected, got number"))
    }
}
