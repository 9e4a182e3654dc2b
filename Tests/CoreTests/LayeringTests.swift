import Foundation
import XCTest

/// Core's folders depend one way: Support < Tensor < Model, Tokenizer < Formats < Data,
/// Instructions < Editing < Training, Evaluation < Analysis, Plot. A file may use types declared in
/// its own folder or a lower one, never a higher one.
final class LayeringTests: XCTestCase {
    static let rank = ["Support": 0, "Tensor": 1, "Model": 2, "Tokenizer": 2, "Formats": 3, "Data": 4, "Instructions": 4,
                       "Editing": 5, "Training": 6, "Evaluation": 6, "Analysis": 7, "Plot": 7]

    /// Type names declared at the top level of a file.
    static func declarations(_ text: String) -> [String] {
        let pattern = #"(?m)^(?:(?:public|internal|private|fileprivate|final|indirect|@\w+(?:\([^)]*\))?)\s+)*(?:struct|class|enum|protocol|typealias|actor)\s+([A-Z]\w*)"#
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// "Model/LanguageModel.swift uses EditLog (Editing)" for each use of a higher folder's type.
    static func violations(_ files: [(folder: String, name: String, text: String)]) -> [String] {
        var owner: [String: String] = [:]
        for f in files { for t in declarations(f.text) where owner[t] == nil { owner[t] = f.folder } }
        var found: [String] = []
        for f in files {
            guard let mine = rank[f.folder] else { found.append("\(f.folder)/\(f.name): folder has no place in the order"); continue }
            // Code only: comments are where higher layers may be mentioned.
            let code = f.text.split(separator: "\n").map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }
                .joined(separator: "\n")
            let words = Set(code.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
            for (type, folder) in owner where (rank[folder] ?? 0) > mine && words.contains(type) {
                found.append("\(f.folder)/\(f.name) uses \(type) (\(folder))")
            }
        }
        return found.sorted()
    }

    func testCoreFoldersDependOneWay() throws {
        let core = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Core")
        var files: [(folder: String, name: String, text: String)] = []
        let walker = try XCTUnwrap(FileManager.default.enumerator(at: core, includingPropertiesForKeys: nil))
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = url.path.dropFirst(core.path.count + 1)
            let folder = String(relative.split(separator: "/").first ?? "")
            files.append((folder, String(relative.dropFirst(folder.count + 1)), try String(contentsOf: url, encoding: .utf8)))
        }
        XCTAssertGreaterThan(files.count, 100)
        XCTAssertEqual(Self.violations(files), [])
    }

    func testABrokenOrderIsFound() {
        let files: [(folder: String, name: String, text: String)] = [
            ("Training", "MetaTrainer.swift", "public final class MetaTrainer {}\n"),
            ("Model", "LanguageModel.swift", "final class LanguageModel {\n    // MetaTrainer in a comment is fine\n    var t: MetaTrainer?\n}\n"),
            ("Editing", "Editor.swift", "struct Editor { let m: LanguageModel }\n"),
        ]
        XCTAssertEqual(Self.violations(files), ["Model/LanguageModel.swift uses MetaTrainer (Training)"])
    }
}
