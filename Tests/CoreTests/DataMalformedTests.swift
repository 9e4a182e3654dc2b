import Foundation
import XCTest
@testable import Core

/// Hand-made files: malformed records are reported with file and index and skipped; a file that is
/// not JSON, or not a list, is an error naming the file.
final class DataMalformedTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ie-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testMalformedKnowEditRecordsAreReportedAndSkipped() throws {
        let path = try write("recent_train.json", """
        [
          {"subject": "A", "prompt": "The gender of A is", "target_new": "female", "ground_truth": "", "portability": {}, "locality": {}},
          {"subject": "B", "prompt": "The gender of B is"},
          {"subject": "C", "prompt": "The gender of C is", "target_new": 3},
          "not a record",
          {"subject": "D", "prompt": "The gender of D is", "target_new": "male",
           "locality": {"Relation_Specificity": [{"prompt": "The father of D is", "ground_truth": [[]]}]}},
          {"subject": "E", "prompt": "The gender of E is", "target_new": "male",
           "portability": {"Reasoning": [{"ground_truth": "x"}]}},
          {"subject": "F", "prompt": "  ", "target_new": "male"},
          {"subject": "G", "prompt": "The gender of G is", "target_new": "male", "portability": []},
          {"subject": "H", "prompt": "The father of H is", "target_new": "I", "ground_truth": ["J", "K"],
           "portability": {"Subject_Aliasing": [{"prompt": "The father of Aitch is", "ground_truth": [["I", "Eye"]]}]},
           "locality": {"Forgetfulness": [{"prompt": "The father of H, which is not I, is", "ground_truth": "J"}]}}
        ]
        """)
        let load = try Datasets.load(path: path, task: "recent")
        XCTAssertEqual(load.records.map(\.subject), ["A", "H"])
        XCTAssertEqual(load.problems, [
            "recent_train.json record 1: 'target_new' missing",
            "recent_train.json record 2: 'target_new' is not a string",
            "recent_train.json record 3: record is not a JSON object",
            "recent_train.json record 4: locality 'Relation_Specificity' item 0: 'ground_truth' has no answer",
            "recent_train.json record 5: portability 'Reasoning' item 0: 'prompt' missing",
            "recent_train.json record 6: 'prompt' is empty",
            "recent_train.json record 7: 'portability' is not a JSON object of lists",
        ])
        let h = load.records[1]
        XCTAssertEqual(h.groundTruth, "J")
        XCTAssertEqual(h.portability, [PortabilityProbe(prompt: "The father of Aitch is", answers: ["I", "Eye"], kind: "Subject_Aliasing")])
        XCTAssertEqual(h.locality, [LocalityProbe(prompt: "The father of H, which is not I, is", answer: "J", kind: "Forgetfulness")])
        XCTAssertEqual(h.equivalence, "The father of Aitch is", "no rephrase, no known relation: the subject alias")
        XCTAssertEqual(load.records[0].equivalence, "A is of the gender")
        XCTAssertNil(load.records[0].groundTruth, "an empty old answer is no old answer")
    }

    func testMalformedConvSentAndMENDRecords() throws {
        let convsent = try write("blender_test.json", """
        [
          {"ent": "tea", "pos": [" I love tea. "], "neg": [" Tea is bland. ", "I dislike tea."]},
          {"ent": "coffee", "pos": [], "neg": ["Too bitter."]},
          {"pos": ["x"], "neg": ["y"]},
          {"ent": "rain", "pos": ["Rain is lovely."], "neg": ["Rain is dreary."]}
        ]
        """)
        let cs = try Datasets.load(path: convsent, task: "convsent")
        XCTAssertEqual(cs.problems, ["blender_test.json record 1: 'pos' has no utterance",
                                     "blender_test.json record 2: 'ent' missing"])
        XCTAssertEqual(cs.records.map(\.subject), ["tea", "rain"])
        XCTAssertEqual(cs.records.map(\.origin), ["blender_test.json record 0", "blender_test.json record 3"])
        let tea = try XCTUnwrap(cs.records[0].convSent)
        XCTAssertEqual(tea.locality?.topic, "rain")
        XCTAssertTrue(["I love tea.", "Tea is bland.", "I dislike tea."].contains(cs.records[0].target), "trimmed")

        let mend = try write("zsre.json", """
        [
          {"subject": "X", "src": "Who made X?", "alt": "Y", "answers": ["Z"], "rephrase": "X was made by whom?",
           "loc": "nq question: who", "loc_ans": "W", "portability": {"New Question": "Q?", "New Answer": "A"}},
          {"subject": "X", "src": "Who made X?", "answers": ["Z"]},
          {"subject": "X", "src": "Who made X?", "alt": "Y", "loc": "nq question: who"}
        ]
        """)
        let zs = try Datasets.load(path: mend, task: "zsre")
        XCTAssertEqual(zs.records.count, 1)
        XCTAssertEqual(zs.problems, ["zsre.json record 1: 'alt' missing", "zsre.json record 2: 'loc_ans' missing"])
    }

    func testFilesThatAreNotListsOfRecordsAreErrorsNamingTheFile() throws {
        let notJSON = try write("broken.json", "{\"subject\": \"A\", ")
        XCTAssertThrowsError(try Datasets.load(path: notJSON, task: "recent")) { error in
            XCTAssertTrue(error is InstructEditError)
            XCTAssertTrue("\(error)".contains(notJSON) && "\(error)".contains("not valid JSON"), "\(error)")
        }
        let object = try write("object.json", "{\"records\": []}")
        XCTAssertThrowsError(try Datasets.load(path: object, task: "recent")) { error in
            XCTAssertTrue("\(error)".contains("object.json") && "\(error)".contains("not a JSON list"), "\(error)")
        }
        XCTAssertThrowsError(try Datasets.load(path: folder.path + "/missing.json", task: "recent")) { error in
            XCTAssertTrue("\(error)".contains("missing.json"), "\(error)")
        }
    }

    func testTheDataFolderCanBeChosen() throws {
        try write("knowedit/wiki_recent/recent_train.json", """
        [{"subject": "S0", "prompt": "p", "target_new": "t"}, {"subject": "S1", "prompt": "p", "target_new": "t"},
         {"subject": "S2", "prompt": "p", "target_new": "t"}, {"subject": "S3", "prompt": "p", "target_new": "t"},
         {"subject": "S4", "prompt": "p", "target_new": "t"}, {"subject": "S5", "prompt": "p", "target_new": "t"},
         {"subject": "S6", "prompt": "p", "target_new": "t"}, {"subject": "S7", "prompt": "p", "target_new": "t"},
         {"subject": "S8", "prompt": "p", "target_new": "t"}, {"subject": "S9", "prompt": "p", "target_new": "t"},
         {"subject": "S10", "prompt": "p"}, {"subject": "S11", "prompt": "p", "target_new": "t"}]
        """)
        let val = try Datasets.load(task: "recent", split: "val", folder: folder.path)
        XCTAssertEqual(val.records.map(\.subject), ["S9"])
        XCTAssertEqual(val.problems, [])
        let train = try Datasets.load(task: "recent", split: "train", folder: folder.path)
        XCTAssertEqual(train.records.map(\.subject), (0...8).map { "S\($0)" } + ["S11"])
        XCTAssertEqual(train.problems, ["recent_train.json record 10: 'target_new' missing"])

        setenv(ResourceFolder.dataVariable, folder.path, 1)
        defer { unsetenv(ResourceFolder.dataVariable) }
        XCTAssertEqual(try ResourceFolder.data(), folder.path)
        XCTAssertEqual(try Datasets.load(task: "recent", split: "val").records.map(\.subject), ["S9"])
        setenv(ResourceFolder.dataVariable, folder.path + "/nowhere", 1)
        XCTAssertThrowsError(try Datasets.load(task: "recent", split: "val")) { error in
            XCTAssertTrue("\(error)".contains("INSTRUCTEDIT_DATA"), "\(error)")
        }
    }
}
