import Foundation
import XCTest
@testable import Core

/// Same-relation neighbours: which prompts a record gets, and how evaluation and meta-training use
/// them.
final class NeighbourhoodTests: XCTestCase {
    func record(_ subject: String, _ template: String) -> EditRecord {
        EditRecord(task: "counterfact", prompt: template.replacingOccurrences(of: "{}", with: subject),
                   subject: subject, target: "x")
    }

    func testTemplateReplacesTheFirstOccurrenceOfTheSubject() {
        XCTAssertEqual(Neighbourhood.template(prompt: "The gender of Ada Lovelace is", subject: "Ada Lovelace"),
                       "The gender of {} is")
        XCTAssertEqual(Neighbourhood.template(prompt: "Paris, Paris", subject: "Paris"), "{}, Paris")
        XCTAssertNil(Neighbourhood.template(prompt: "The gender of Ada is", subject: "Grace"))
        XCTAssertNil(Neighbourhood.template(prompt: "anything", subject: ""))
    }

    func testNeighboursShareTheTemplateAndNeverTheSubject() {
        var records = [record("A", "The gender of {} is"), record("B", "The gender of {} is"),
                       record("C", "The occupation of {} is"), record("A", "The gender of {} is"),
                       record("D", "The gender of {} is"), record("E", "The gender of {} is"),
                       record("F", "The gender of {} is"), record("G", "The gender of {} is")]
        Neighbourhood.assign(&records)
        XCTAssertEqual(records[0].neighbours, ["The gender of B is", "The gender of D is", "The gender of E is",
                                               "The gender of F is"], "the records that follow, without its own subject")
        XCTAssertEqual(records[2].neighbours, [], "a template of its own has no neighbours")
        XCTAssertEqual(records[7].neighbours.first, "The gender of A is", "cyclic")
        for r in records {
            XCTAssertLessThanOrEqual(r.neighbours.count, Neighbourhood.perRecord)
            XCTAssertFalse(r.neighbours.contains(r.prompt))
            for n in r.neighbours { XCTAssertFalse(n.contains(" \(r.subject) ")) }
        }
    }

    func testShippedSplitsCarryNeighboursAndAShuffleKeepsThem() throws {
        let test = try Datasets.load(task: "counterfact", split: "test").records
        let with = test.filter { !$0.neighbours.isEmpty }
        XCTAssertGreaterThan(Double(with.count), 0.9 * Double(test.count))
        for r in with.prefix(50) {
            let t = Neighbourhood.template(prompt: r.prompt, subject: r.subject)
            let prompts = Dictionary(test.map { ($0.prompt, $0) }, uniquingKeysWith: { a, _ in a })
            for n in r.neighbours {
                let other = try XCTUnwrap(prompts[n])
                XCTAssertEqual(Neighbourhood.template(prompt: other.prompt, subject: other.subject), t)
                XCTAssertNotEqual(other.subject, r.subject)
            }
        }
        // Neighbours come from the record's own split: a val record's are val prompts.
        let val = try Datasets.load(task: "counterfact", split: "val").records
        let valPrompts = Set(val.map(\.prompt))
        XCTAssertFalse(val.flatMap(\.neighbours).isEmpty)
        XCTAssertTrue(val.flatMap(\.neighbours).allSatisfy(valPrompts.contains))
        XCTAssertTrue(try Datasets.load(task: "convsent", split: "test").records.allSatisfy(\.neighbours.isEmpty))
    }

    func testUneditedModelKeepsEveryNeighbourAnswer() throws {
        let m = try MetaTrainerTests.tinyModel()
        let records = Array(try Datasets.load(task: "counterfact", split: "test").records.prefix(4))
        var options = EvaluationOptions()
        options.n = 4
        let unedited = try Evaluator.run(model: m, editor: nil, records: records, options: options)
        XCTAssertEqual(unedited.summary.neighbourhood?.value, 100)
        XCTAssertEqual(unedited.summary.neighbourhood?.n, 4)
        // A large untrained edit moves them: the column measures something.
        let ft = try FineTuneEditor(steps: 5, learningRate: 0.5, eps: 10)
        let edited = try Evaluator.run(model: m, editor: ft, records: records, options: options)
        XCTAssertLessThan(try XCTUnwrap(edited.summary.neighbourhood?.value), 100)
        var table = ResultsTable()
        table.rows = [.init(method: "U", result: unedited)]
        XCTAssertTrue(table.markdown().contains("| Neighbourhood |"))
    }

    func testTrainingExamplesTakeTheChosenLocalityInputs() throws {
        let m = try MetaTrainerTests.tinyModel()
        let r = try XCTUnwrap(try Datasets.load(task: "counterfact", split: "train").records.first { !$0.neighbours.isEmpty })
        let set = try InstructionSet.builtIn()
        let other = LocalityProbe(prompt: "The capital of Peru is", answer: "Lima", kind: "test")
        var rng = SeededRandom(seed: 1)
        let own = try TrainingExample(r, model: m, instructions: set, instruct: true, rng: &rng, fallbackLocality: other)
        XCTAssertEqual(own.localities.count, 1)
        let all = try TrainingExample(r, model: m, instructions: set, instruct: true, rng: &rng, fallbackLocality: other,
                                      sources: [.own, .neighbour, .unrelated])
        XCTAssertEqual(all.localities.count, 3)
        let neighbour = m.tokenizer.decode(all.localities[1].input + [all.localities[1].answer.last!])
        XCTAssertTrue(r.neighbours.contains(neighbour), neighbour)
        XCTAssertEqual(m.tokenizer.decode(all.localities[2].input + [all.localities[2].answer.last!]), "The capital of Peru is Lima")
        XCTAssertEqual(try MetaTrainingConfig.LocalitySource.list("own, neighbour"), [.own, .neighbour])
        XCTAssertThrowsError(try MetaTrainingConfig.LocalitySource.list("own,nearby"))
    }
}
