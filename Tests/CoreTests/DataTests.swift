import Foundation
import XCTest
@testable import Core

/// The shipped data sets load completely, with the record counts of PROVENANCE.md.
final class DataTests: XCTestCase {
    /// (task, training file's record count, test file's record count) from PROVENANCE.md.
    static let files: [(task: String, train: Int, test: Int)] = [
        ("counterfact", 1427, 839), ("recent", 570, 1266), ("convsent", 799, 800),
    ]

    func testEveryShippedFileLoadsWithTheDocumentedCounts() throws {
        for (task, total, test) in Self.files {
            let train = try Datasets.load(task: task, split: "train")
            let val = try Datasets.load(task: task, split: "val")
            let testSet = try Datasets.load(task: task, split: "test")
            for load in [train, val, testSet] { XCTAssertEqual(load.problems, [], task) }
            XCTAssertEqual(train.records.count + val.records.count, total, task)
            XCTAssertEqual(val.records.count, total / 10, "\(task): val is every tenth record")
            XCTAssertEqual(testSet.records.count, test, task)
            XCTAssertTrue(Set(train.records.map(\.origin)).isDisjoint(with: val.records.map(\.origin)), task)
            for record in train.records + val.records + testSet.records {
                XCTAssertEqual(record.task, task)
                XCTAssertFalse(record.prompt.isEmpty || record.target.isEmpty || record.equivalence.isEmpty)
            }
        }
        let zsre = try Datasets.load(task: "zsre", split: "test")
        XCTAssertEqual(zsre.problems, [])
        XCTAssertEqual(zsre.records.count, 1301)
        let zsrePortability = try Datasets.load(task: "zsre-portability", split: "test")
        XCTAssertEqual(zsrePortability.problems, [])
        XCTAssertEqual(zsrePortability.records.count, 1037)
        XCTAssertEqual(Set((zsre.records + zsrePortability.records).map(\.task)), ["zsre"])
    }

    func testKnowEditShapesBecomeOneRecordType() throws {
        // test_cf: answers are lists of alias lists; the first alias of the first answer is canonical.
        let cf = try Datasets.load(task: "counterfact", split: "test", limit: 1).records[0]
        XCTAssertEqual(cf.subject, "Leonardo DiCaprio")
        XCTAssertEqual(cf.target, "Syria")
        XCTAssertEqual(cf.groundTruth, "United States of America")
        XCTAssertEqual(cf.rephrases, ["Leonardo DiCaprio's country of citizenship is known as"])
        XCTAssertEqual(cf.equivalence, cf.rephrases[0])
        let alias = try XCTUnwrap(cf.portability.first { $0.prompt == "The name of the country of citizenship of Di Caprio is" })
        XCTAssertEqual(alias.kind, "Subject_Aliasing")
        XCTAssertEqual(alias.answers.first, "Syria")
        XCTAssertGreaterThan(alias.answers.count, 1)
        let mother = try XCTUnwrap(cf.locality.first { $0.prompt == "The name of the mother of Leonardo DiCaprio is" })
        XCTAssertEqual(mother.answer, "Irmelin DiCaprio")
        XCTAssertEqual(mother.kind, "Relation_Specificity")
        XCTAssertTrue(cf.locality.contains { $0.kind == "Forgetfulness" })

        // recent_train: no ground truth, no rephrase; the relation paraphrase is the equivalence input.
        let recent = try Datasets.load(task: "recent", split: "train", limit: 1).records[0]
        XCTAssertEqual(recent.prompt, "The gender of Ingrīda Amantova is")
        XCTAssertNil(recent.groundTruth)
        XCTAssertEqual(recent.rephrases, [])
        XCTAssertEqual(recent.equivalence, "Ingrīda Amantova is of the gender")
        XCTAssertEqual(recent.portability, [])

        // ZsRE-test-all: list-valued ground truth, string portability answers, rephrase_prompt.
        let zsre = try Datasets.load(task: "zsre", split: "test", limit: 1).records[0]
        XCTAssertEqual(zsre.prompt, "Which family does Epaspidoceras belong to?")
        XCTAssertEqual(zsre.groundTruth, "Aspidoceratidae")
        XCTAssertEqual(zsre.rephrases, ["What family are Epaspidoceras?"])
        XCTAssertEqual(zsre.locality.first?.answer, "genus")

        // EasyEdit MEND format.
        let mend = try Datasets.load(task: "zsre-portability", split: "test", limit: 1).records[0]
        XCTAssertEqual(mend.prompt, "When was the inception of IAAF Combined Events Challenge?")
        XCTAssertEqual(mend.target, "2006")
        XCTAssertEqual(mend.groundTruth, "1998")
        XCTAssertEqual(mend.rephrases, ["When was the IAAF Combined Events Challenge launched?"])
        XCTAssertEqual(mend.locality, [LocalityProbe(prompt: "nq question: what is the name of the last episode of spongebob",
                                                     answer: "The String", kind: "NQ")])
        XCTAssertEqual(mend.portability.first?.answers, ["Athletics"])
    }

    func testTrainingSplitsGetAnEquivalenceInputOtherThanThePrompt() throws {
        for task in ["counterfact", "recent"] {
            let records = try Datasets.load(task: task, split: "train").records
            let distinct = records.filter { $0.equivalence != $0.prompt }.count
            XCTAssertGreaterThan(Double(distinct) / Double(records.count), 0.9, task)
        }
    }

    func testConvSentRecordsAreDeterministicAndConsistent() throws {
        let first = try Datasets.load(task: "convsent", split: "test")
        let again = try Datasets.load(task: "convsent", split: "test")
        XCTAssertEqual(first.records, again.records)
        let sentiments = first.records.compactMap(\.convSent?.sentiment)
        XCTAssertEqual(sentiments.count, first.records.count)
        let positive = sentiments.filter { $0 == .positive }.count
        XCTAssertTrue((300...500).contains(positive), "seeded sentiments are roughly balanced: \(positive)/800")
        for record in first.records {
            let edit = try XCTUnwrap(record.convSent)
            XCTAssertEqual(record.subject, edit.topic)
            XCTAssertTrue(record.prompt.contains(edit.topic))
            XCTAssertTrue(edit.wanted.contains(record.target))
            XCTAssertEqual(record.rephrases.count, ConvSentFormat.questions.count - 1)
            XCTAssertFalse(record.rephrases.contains(record.prompt))
            XCTAssertEqual(record.locality, [])
            let other = try XCTUnwrap(edit.locality)
            XCTAssertNotEqual(other.topic, edit.topic)
            XCTAssertTrue(other.prompt.contains(other.topic))
            XCTAssertFalse(other.positive.isEmpty || other.negative.isEmpty)
        }
        // The val slice holds the same records as the whole file: choices do not depend on the split.
        let val = try Datasets.load(task: "convsent", split: "val").records
        let whole = try Datasets.load(path: ResourceFolder.data() + "/knowedit/Convsent/blender_val.json",
                                      task: "convsent").records
        XCTAssertEqual(val, whole.enumerated().filter { $0.offset % 10 == 9 }.map(\.element))
    }

    func testSplitsLimitsAndUnknownNames() throws {
        XCTAssertEqual(try Datasets.splits(task: "zsre"), ["test"])
        XCTAssertEqual(try Datasets.splits(task: "counterfact"), ["train", "val", "test"])
        XCTAssertEqual(try Datasets.load(task: "recent", split: "test", limit: 7).records.count, 7)
        XCTAssertEqual(try Datasets.load(task: "recent", split: "test", limit: 0).records.count, 0)
        XCTAssertThrowsError(try Datasets.load(task: "zsre", split: "train")) { error in
            XCTAssertTrue("\(error)".contains("no split 'train'"), "\(error)")
        }
        XCTAssertThrowsError(try Datasets.load(task: "wiki", split: "test")) { error in
            XCTAssertTrue("\(error)".contains("unknown data set 'wiki'"), "\(error)")
        }
        XCTAssertThrowsError(try Datasets.load(task: "recent", split: "test", limit: -1))
    }

    func testShippedFilesAreTheSharedFilesByteForByte() throws {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path
        guard FileManager.default.fileExists(atPath: shared) else { throw XCTSkip("no ../shared beside the repository") }
        let shipped = try ResourceFolder.data()
        let files = try FileManager.default.subpathsOfDirectory(atPath: shipped).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(files.count, 8)
        for file in files {
            let a = try Data(contentsOf: URL(fileURLWithPath: shipped + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: shared + "/" + file))
            XCTAssertEqual(a, b, file)
        }
    }

    func testResourcesAreFoundFromAnyWorkingDirectory() throws {
        let here = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(here) }
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(NSTemporaryDirectory()))
        let root = try ResourceFolder.root()
        XCTAssertTrue(root.contains("InstructEdit_Core."), "the built bundle beside the binary, not the sources: \(root)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/data/knowedit/wiki_recent/recent_test.json"))
        XCTAssertEqual(try Datasets.load(task: "zsre", split: "test", limit: 3).records.count, 3)
    }
}
