@testable import Core
import Foundation
import XCTest
import TestSupport

/// The fuzz test of issue 13: `Tests/Fuzz/fuzz.lua` drives random values of every type into every
/// Lua function and method, and mutated real files (GGUF, safetensors, editor checkpoints with a
/// valid checksum, data JSON, .npy) into the readers, in the real binary. A crash (a signal) or a
/// hang kills only that child process: the test names the case from the child's last "case" line,
/// counts it as a failure, and goes on from the next case in a new process.
///
/// `FUZZ_CASES` sets the number of cases (default 10000, about half a minute on the 2-core machine);
/// `FUZZ_SEED` the seed (default 13). A longer sweep: `FUZZ_CASES=100000 FUZZ_SEED=$RANDOM
/// swift test -c release -Xswiftc -enable-testing --skip-build --filter FuzzTests`.
final class FuzzTests: BinaryTestCase {
    private var cases: Int { ProcessInfo.processInfo.environment["FUZZ_CASES"].flatMap(Int.init) ?? 10000 }
    private var seed: Int { ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap(Int.init) ?? 13 }
    /// A child that prints nothing for this long is stuck in one case.
    private let caseTimeout: TimeInterval = 60

    func testRandomInputsNeverCrashTheSession() throws {
        try prepareInputs()
        var next = 1
        var crashes: [String] = []
        var badMessages: [String] = []
        var ran = 0
        while next <= cases {
            let child = try runChild(first: next, last: cases)
            badMessages += child.lines.filter { $0.hasPrefix("bad-message ") }
            let started = child.lines.filter { $0.hasPrefix("case ") }
            ran += started.count
            if child.finished { break }
            // The child died (or hung) in its last case: name it and go on after it.
            guard let last = started.last, let number = Int(last.split(separator: " ")[1]) else {
                crashes.append("the child died before its first case (status \(child.status)): \(child.stderr.suffix(500))")
                break
            }
            crashes.append("\(child.timedOut ? "hang" : "crash (status \(child.status))") in \(last)\n\(child.stderr.suffix(300))")
            next = number + 1
        }
        print("fuzz: \(ran) cases (seed \(seed)), \(crashes.count) crashes, \(badMessages.count) raw Foundation messages")
        XCTAssertEqual(ran, cases, "every case ran")
        XCTAssertTrue(crashes.isEmpty, "crashes:\n" + crashes.joined(separator: "\n"))
        XCTAssertTrue(badMessages.isEmpty, "messages that dump Foundation errors:\n" + badMessages.joined(separator: "\n"))
    }

    private struct Child {
        var lines: [String]
        var finished: Bool
        var status: Int32
        var timedOut: Bool
        var stderr: String
    }

    /// Runs cases `first...last` in one child process until it finishes, crashes or hangs.
    private func runChild(first: Int, last: Int) throws -> Child {
        let out = directory.appendingPathComponent("fuzz-out-\(first).txt")
        let err = directory.appendingPathComponent("fuzz-err-\(first).txt")
        for url in [out, err] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        let driver = Binary.repoRoot.appendingPathComponent("Tests/Fuzz/fuzz.lua").path
        process.arguments = [driver, String(seed), String(first), String(last), work.path]
        process.currentDirectoryURL = work
        var environment = Binary.environment(history: directory.appendingPathComponent("history").path)
        environment["INSTRUCTEDIT_DATA"] = work.appendingPathComponent("data").path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        var timedOut = false
        var lastSize: UInt64 = 0
        var lastChange = Date()
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
            let size = (try? FileManager.default.attributesOfItem(atPath: out.path)[.size] as? UInt64) ?? 0
            if size != lastSize { lastSize = size; lastChange = Date() }
            if Date().timeIntervalSince(lastChange) > caseTimeout {
                timedOut = true
                process.terminate()
                process.waitUntilExit()
                break
            }
        }
        process.waitUntilExit()
        let text = String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        let stderr = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
        let finished = !timedOut && process.terminationReason == .exit && lines.contains { $0.hasPrefix("done ") }
        return Child(lines: lines, finished: finished, status: process.terminationStatus, timedOut: timedOut, stderr: stderr)
    }

    private var work: URL { directory.appendingPathComponent("fuzz") }

    /// The real files the mutations start from: the tiny model's GGUF, an editor checkpoint for it,
    /// a .npy, the first records of every shipped data file, and the shared tiny Qwen2 checkpoint.
    private func prepareInputs() throws {
        let files = FileManager.default
        let work = self.work.appendingPathComponent("originals")
        try files.createDirectory(at: work, withIntermediateDirectories: true)
        var config = LlamaConfig.tiny
        config.layers = 3
        config.contextLength = 256
        let modelPath = work.appendingPathComponent("tiny.gguf").path
        try TinyModel.write(to: modelPath, config: config, seed: 3)
        let model = try LanguageModel.load(modelPath)
        let targets = try EditTargets.mlp(of: model.weights)
        let editor = try MENDEditor(config: MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: 2))
        try EditorCheckpoint(model: model.editorIdentity, editor: editor).write(to: work.appendingPathComponent("editor.ckpt").path)
        try Npy.save(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), to: work.appendingPathComponent("tensor.npy").path)

        // Data files, trimmed to their first records, at the paths the catalogue expects.
        let dataRoot = URL(fileURLWithPath: try ResourceFolder.data())
        var relative: [String] = []
        let enumerator = files.enumerator(at: dataRoot, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            let rel = String(url.standardizedFileURL.path.dropFirst(dataRoot.standardizedFileURL.path.count + 1))
            guard let list = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [Any] else { continue }
            let target = work.appendingPathComponent("data").appendingPathComponent(rel)
            try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: Array(list.prefix(12)), options: [.prettyPrinted]).write(to: target)
            relative.append(rel)
        }
        XCTAssertFalse(relative.isEmpty, "data files found under \(dataRoot.path)")
        try relative.sorted().joined(separator: "\n").write(to: work.appendingPathComponent("datafiles.txt"), atomically: true, encoding: .utf8)

        let shared = Binary.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/tiny/qwen2")
        let hf = work.appendingPathComponent("hf")
        if files.fileExists(atPath: shared.path) {
            try files.createDirectory(at: hf, withIntermediateDirectories: true)
            for name in ["config.json", "model.safetensors", "tokenizer.json"] {
                try files.copyItem(at: shared.appendingPathComponent(name), to: hf.appendingPathComponent(name))
            }
        }
    }
}
