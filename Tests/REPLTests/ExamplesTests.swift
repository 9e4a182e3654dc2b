import Core
import Foundation
import XCTest
import TestSupport

/// Runs every notebook in `Examples/` with `instructedit notebook` on a tiny random model and checks
/// that each report has no failed cell and holds its figures and tables.
final class ExamplesTests: BinaryTestCase {
    /// A tiny model with 4 blocks (the default edit targets are the MLPs of the last three) and a
    /// context long enough for byte-level tokens of instructed prompts, plus a runs folder holding
    /// untrained editor checkpoints for some of the runs the examples look for (the others are
    /// missing on purpose, so both the load path and the stand-in path run).
    private func prepareInputs() throws -> [String: String] {
        var config = LlamaConfig.tiny
        config.layers = 4
        config.contextLength = 1024
        let modelPath = directory.appendingPathComponent("tiny.gguf").path
        try TinyModel.write(to: modelPath, config: config, seed: 7)
        let model = try LanguageModel.load(modelPath)
        let targets = try EditTargets.mlp(of: model.weights)
        let runs = directory.appendingPathComponent("runs")
        for run in ["e4-counterfact", "e1-instruct"] {
            let folder = runs.appendingPathComponent(run)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let editor = try MENDEditor(config: MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: 8))
            try EditorCheckpoint(model: model.editorIdentity, editor: editor)
                .write(to: folder.appendingPathComponent("last.ckpt").path)
        }
        return ["INSTRUCTEDIT_MODEL": modelPath, "INSTRUCTEDIT_N": "3", "INSTRUCTEDIT_RUNS": runs.path]
    }

    /// Runs `Examples/<name>.lua` as a notebook and returns its report, after checking that the
    /// command succeeded, that no cell failed, and that every embedded figure exists.
    private func render(_ name: String, extra: [String: String] = [:],
                        file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let notebook = Binary.repoRoot.appendingPathComponent("Examples/\(name).lua").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: notebook), "missing \(notebook)", file: file, line: line)
        var environment = Binary.environment(history: directory.appendingPathComponent("history").path)
        for (key, value) in try prepareInputs().merging(extra, uniquingKeysWith: { $1 }) { environment[key] = value }
        environment["INSTRUCTEDIT_EDITOR"] = extra["INSTRUCTEDIT_EDITOR"]

        let report = directory.appendingPathComponent("\(name).md")
        let log = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["notebook", notebook, "-o", report.path]
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""

        XCTAssertEqual(process.terminationStatus, 0, "notebook \(name) failed:\n\(stderr)", file: file, line: line)
        let text = try String(contentsOf: report, encoding: .utf8)
        XCTAssertFalse(text.contains("**Error**"), "error cell in \(name):\n\(text)", file: file, line: line)
        XCTAssertTrue(text.contains(" code cells, 0 failed"), text, file: file, line: line)
        for link in figureLinks(text) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(link).path),
                          "figure \(link) of \(name) is missing", file: file, line: line)
        }
        return text
    }

    /// The image links of a Markdown report (`![title](path)`).
    private func figureLinks(_ report: String) -> [String] {
        report.components(separatedBy: "](").dropFirst().compactMap { rest in
            guard let end = rest.firstIndex(of: ")") else { return nil }
            let link = String(rest[..<end]).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            return link.hasSuffix(".png") || link.hasSuffix(".svg") ? link : nil
        }
    }

    func testQuickstart() throws {
        let report = try render("quickstart")
        XCTAssertTrue(report.contains("no $INSTRUCTEDIT_EDITOR: using the FT-L baseline"), report)
        XCTAssertTrue(report.contains("| edited     |"), report)
        XCTAssertTrue(report.contains("| unrelated  |"), report)
        XCTAssertFalse(report.contains("| instructed |"), "FT-L edits the plain prompt: \(report)")
        XCTAssertTrue(report.contains("after undo, lp(Rome | edited prompt) = "), report)
        XCTAssertTrue(report.contains("0 edits applied"), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 1, "quickstart draws its plot: \(report)")
    }

    func testQuickstartWithEditorCheckpoint() throws {
        let checkpoint = directory.appendingPathComponent("runs/e1-instruct/last.ckpt").path
        let report = try render("quickstart", extra: ["INSTRUCTEDIT_EDITOR": checkpoint])
        XCTAssertFalse(report.contains("\nno $INSTRUCTEDIT_EDITOR: using the FT-L baseline"), report)
        XCTAssertTrue(report.contains("MEND editor"), report)
        XCTAssertTrue(report.contains("| instructed | (instruction) The capital of France is |"), report)
    }

    func testInstructions() throws {
        let report = try render("instructions")
        XCTAssertTrue(report.contains("Task: counterfact\nDescription: "), report)
        XCTAssertTrue(report.contains("KL(plain || instructed) = "), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 1, report)
        XCTAssertTrue(report.contains("| instruction | "), report)
        XCTAssertTrue(report.contains("| plain prompt | "), report)
    }

    func testEvaluate() throws {
        let report = try render("evaluate")
        XCTAssertTrue(report.contains("3 records of counterfact/test"), report)
        XCTAssertTrue(report.lowercased().contains("reliability"), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 1, report)
    }

    func testE4SingleTask() throws {
        let report = try render("e4_single_task")
        XCTAssertTrue(report.contains("e4-recent: no checkpoint at"), report)
        XCTAssertFalse(report.contains("e4-counterfact: no checkpoint"), report)
        XCTAssertTrue(report.contains("### convsent"), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 2, report)
    }

    func testE5TaskScaling() throws {
        let report = try render("e5_task_scaling")
        XCTAssertTrue(report.contains("e5-cf-recent: no checkpoint at"), report)
        XCTAssertFalse(report.contains("e1-instruct: no checkpoint"), report)
        XCTAssertTrue(report.contains("3 ZsRE test records"), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 1, report)
    }

    func testE6Directions() throws {
        let report = try render("e6_directions")
        XCTAssertTrue(report.contains("e1-no-instruct: no checkpoint at"), report)
        XCTAssertTrue(report.contains("27 directions of \(64 * 128) values each"), report)
        XCTAssertTrue(report.contains("| e1-instruct, with instructions | "), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 3, report)
    }

    func testProbeEdit() throws {
        let report = try render("probe_edit")
        XCTAssertTrue(report.contains("layer    Paris pre"), report)
        XCTAssertTrue(report.contains("the edit first shows at layer 2 of 4"), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 2, report)
    }

    func testActivationPatching() throws {
        let report = try render("activation_patching")
        XCTAssertTrue(report.contains("4 blocks: "), report)
        XCTAssertTrue(report.contains("patched runs"), report)
        XCTAssertTrue(report.contains("largest restoration "), report)
        XCTAssertTrue(report.contains("block  4: best position"), report)
        XCTAssertEqual(figureLinks(report).filter { $0.hasSuffix(".png") }.count, 1, report)
    }
}
