import Core
import Foundation
import XCTest
import TestSupport

/// The README's research-REPL transcript, typed again into a real REPL (on a tiny model): every
/// command it shows runs without an error, and the :save/:load pair rebuilds the same logits.
final class ReadmeTests: BinaryTestCase {
    /// The inputs of the transcripts under "## Research in the REPL": lines after a `[n]> ` prompt
    /// and their `...> ` continuations, one list per ```text block.
    static func transcripts() throws -> [[String]] {
        let readme = try String(contentsOf: Binary.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "\n## Research in the REPL\n") else { return [] }
        let section = readme[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        var blocks: [[String]] = []
        var inside = false, replaying = false
        for line in section.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inside = line == "```text"
                if inside { blocks.append([]) }
                continue
            }
            guard inside else { continue }
            // What :load echoes while it replays is not typed.
            if replaying {
                replaying = !line.hasPrefix("loaded ")
                continue
            }
            if let range = line.range(of: #"^\[\d+\]> "#, options: .regularExpression) {
                blocks[blocks.count - 1].append(String(line[range.upperBound...]))
                replaying = line[range.upperBound...].hasPrefix(":load ")
            } else if let range = line.range(of: #"^ *\.\.\.> "#, options: .regularExpression) {
                blocks[blocks.count - 1].append(String(line[range.upperBound...]))
            }
        }
        return blocks.filter { !$0.isEmpty }
    }

    func testTheResearchTranscriptRunsAsShown() throws {
        let blocks = try Self.transcripts()
        XCTAssertGreaterThanOrEqual(blocks.count, 2, "the README shows a session and its replay")
        XCTAssertTrue(blocks.joined().contains { $0.hasPrefix(":save ") }, "\(blocks)")
        XCTAssertTrue(blocks.joined().contains { $0.hasPrefix(":load ") }, "\(blocks)")
        XCTAssertTrue(blocks.joined().contains("who()"), "\(blocks)")
        XCTAssertTrue(blocks.joined().contains { $0.hasPrefix("plot.line") }, "\(blocks)")

        var environment = Binary.environment(history: directory.appendingPathComponent("history").path)
        let model = directory.appendingPathComponent("tiny.gguf").path
        var config = LlamaConfig.tiny
        config.layers = 30   // the transcript reads blocks 1...30
        config.contextLength = 256
        try TinyModel.write(to: model, config: config, seed: 2)
        environment["INSTRUCTEDIT_MODEL"] = model
        environment["TMUX"] = nil
        var lastLines: [String] = []
        for (n, block) in blocks.enumerated() {
            let terminal = try PseudoTerminal(directory: directory, environment: environment)
            terminal.expect("[1]> ")
            for input in block {
                terminal.send(input + "\r")
                if input.hasPrefix(":load ") { terminal.expect("loaded ") }
                terminal.expect("> ")
            }
            terminal.send(":quit\r")
            XCTAssertEqual(terminal.waitForExit(), 0, "block \(n + 1)")
            for bad in ["stack traceback", "bad argument", "unknown command", "stopped at cell", "attempt to"] {
                XCTAssertFalse(terminal.screen.contains(bad), "block \(n + 1) shows '\(bad)':\n\(terminal.screen)")
            }
            // The last value shown in each session: the logits' sum, the same before and after :load.
            let lines = terminal.screen.components(separatedBy: "\n").filter { Double($0.trimmingCharacters(in: .whitespaces)) != nil }
            if let last = lines.last { lastLines.append(last) }
        }
        XCTAssertEqual(lastLines.count, blocks.count)
        XCTAssertEqual(Set(lastLines).count, 1, "same logits after :load: \(lastLines)")
    }
}
