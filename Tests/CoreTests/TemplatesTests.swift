import Foundation
import XCTest
@testable import Core

/// A generator that returns a fixed sequence, to see which description `render` draws.
private struct ScriptedGenerator: RandomNumberGenerator {
    var values: [UInt64]
    mutating func next() -> UInt64 { values.isEmpty ? 0 : values.removeFirst() }
}

final class TemplatesTests: XCTestCase {
    func testShippedInstructionsCoverEveryTaskWithDisjointSeenAndUnseen() throws {
        let set = try InstructionSet.builtIn()
        XCTAssertEqual(set.tasks(), ["counterfact", "recent", "convsent", "zsre"])
        for task in set.tasks() {
            let seen = try set.descriptions(task: task)
            let unseen = try set.descriptions(task: task, unseen: true)
            XCTAssertGreaterThanOrEqual(seen.count + unseen.count, 12, task)
            XCTAssertGreaterThanOrEqual(seen.count, 10, task)
            XCTAssertGreaterThanOrEqual(unseen.count, 3, task)
            XCTAssertTrue(Set(seen).isDisjoint(with: unseen), task)
            XCTAssertEqual(Set(seen + unseen).count, seen.count + unseen.count, "\(task): no repeats")
            XCTAssertFalse(try set.name(task: task).isEmpty)
        }
        for description in try set.descriptions(task: "convsent") + set.descriptions(task: "convsent", unseen: true) {
            XCTAssertTrue(description.contains("{topic}") && description.contains("{sentiment}"), description)
        }
        for task in ["counterfact", "recent", "zsre"] {
            XCTAssertFalse(try set.descriptions(task: task).contains { $0.contains("{") }, task)
        }
        XCTAssertEqual(Set(Datasets.tasks).subtracting(set.tasks()), ["zsre-portability"],
                       "every data set's records have a task with instructions")
    }

    func testRenderProducesTheExactLayout() throws {
        let set = try InstructionSet.builtIn()
        var rng = SystemRandomNumberGenerator()
        let description = try set.descriptions(task: "zsre")[2]
        XCTAssertEqual(try set.render(task: "zsre", prompt: "Who is the father of X?", index: 2, using: &rng),
                       "Task: zsre\nDescription: \(description)\nInput: Who is the father of X?")
        let unseen = try set.descriptions(task: "recent", unseen: true)[0]
        XCTAssertEqual(try set.render(task: "recent", prompt: "p", unseen: true, index: 0, using: &rng),
                       "Task: recent\nDescription: \(unseen)\nInput: p")

        let template = try set.descriptions(task: "convsent")[0]
        let filled = template.replacingOccurrences(of: "{topic}", with: "tea")
            .replacingOccurrences(of: "{sentiment}", with: "negative")
        XCTAssertEqual(try set.render(task: "convsent", prompt: "What do you think of tea?", index: 0,
                                      topic: "tea", sentiment: "negative", using: &rng),
                       "Task: convsent\nDescription: \(filled)\nInput: What do you think of tea?")
    }

    func testRandomDrawsStayInTheAskedList() throws {
        let set = try InstructionSet.builtIn()
        let seen = Set(try set.descriptions(task: "counterfact"))
        let unseen = Set(try set.descriptions(task: "counterfact", unseen: true))
        var rng = ScriptedGenerator(values: (0..<200).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
        var drawn = Set<String>()
        for _ in 0..<100 {
            let text = try set.render(task: "counterfact", prompt: "p", using: &rng)
            let description = String(text.split(separator: "\n")[1].dropFirst("Description: ".count))
            XCTAssertTrue(seen.contains(description))
            drawn.insert(description)
        }
        XCTAssertGreaterThan(drawn.count, 1, "draws vary with the generator")
        let text = try set.render(task: "counterfact", prompt: "p", unseen: true, using: &rng)
        XCTAssertTrue(unseen.contains(String(text.split(separator: "\n")[1].dropFirst("Description: ".count))))
    }

    func testRenderErrors() throws {
        let set = try InstructionSet.builtIn()
        var rng = SystemRandomNumberGenerator()
        XCTAssertThrowsError(try set.render(task: "poetry", prompt: "p", using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("'poetry'") && "\(error)".contains("counterfact"), "\(error)")
        }
        let count = try set.descriptions(task: "zsre").count
        XCTAssertThrowsError(try set.render(task: "zsre", prompt: "p", index: count, using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("out of range"), "\(error)")
        }
        XCTAssertThrowsError(try set.render(task: "zsre", prompt: "p", index: -1, using: &rng))
        XCTAssertThrowsError(try set.render(task: "convsent", prompt: "p", sentiment: "positive", using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("topic"), "\(error)")
        }
    }

    func testUserFilesLoadAndTheirMistakesAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ie-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ text: String) throws -> String {
            let url = folder.appendingPathComponent("\(UUID().uuidString).json")
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let good = try InstructionSet.load(path: try file("""
        {"tasks": [{"task": "mood", "seen": ["Feel {sentiment} about {topic}."], "unseen": ["Be {sentiment}."]},
                   {"task": "qa", "name": "Questions", "seen": ["Answer it."]}]}
        """))
        XCTAssertEqual(good.tasks(), ["mood", "qa"])
        XCTAssertEqual(try good.name(task: "mood"), "mood")
        XCTAssertEqual(try good.name(task: "qa"), "Questions")
        var rng = SystemRandomNumberGenerator()
        XCTAssertEqual(try good.render(task: "mood", prompt: "Rain?", topic: "rain", sentiment: "positive", using: &rng),
                       "Task: mood\nDescription: Feel positive about rain.\nInput: Rain?")
        XCTAssertThrowsError(try good.render(task: "qa", prompt: "p", unseen: true, using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("no unseen descriptions"), "\(error)")
        }

        let mistakes: [(String, String)] = [
            ("{\"tasks\": [", "not valid JSON"),
            ("[1, 2]", "'tasks' list"),
            ("{\"tasks\": [{\"seen\": [\"a\"]}]}", "tasks[0]: 'task' (a string) missing"),
            ("{\"tasks\": [{\"task\": \"a\"}]}", "tasks[0] ('a'): 'seen' missing"),
            ("{\"tasks\": [{\"task\": \"a\", \"seen\": [\"x\", 3]}]}", "'seen' is not a list of strings"),
            ("{\"tasks\": [{\"task\": \"a\", \"seen\": []}]}", "task 'a' has no seen descriptions"),
            ("{\"tasks\": [{\"task\": \"a\", \"seen\": [\"x\"]}, {\"task\": \"a\", \"seen\": [\"y\"]}]}", "task 'a' appears twice"),
            ("{\"tasks\": [{\"task\": \"a\", \"seen\": [\"Be {mood}.\"]}]}", "task 'a' seen[0] has a brace"),
            ("{\"tasks\": [{\"task\": \"a\", \"seen\": [\"x\"], \"unseen\": [\"two\\nlines\"]}]}", "task 'a' unseen[0] must be non-empty and on one line"),
        ]
        for (text, expected) in mistakes {
            let path = try file(text)
            XCTAssertThrowsError(try InstructionSet.load(path: path), text) { error in
                XCTAssertTrue(error is InstructEditError)
                XCTAssertTrue("\(error)".contains(path), "names the file: \(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error) should say \(expected)")
            }
        }
        XCTAssertThrowsError(try InstructionSet.load(path: folder.path + "/none.json")) { error in
            XCTAssertTrue("\(error)".contains("none.json"), "\(error)")
        }
    }
}
