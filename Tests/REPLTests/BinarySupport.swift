import Foundation
import XCTest

/// The built `instructedit`: `$INSTRUCTEDIT_BIN`, else `<repo>/.build/release/instructedit` (the test
/// command builds it first).
enum Binary {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var path: String {
        if let path = ProcessInfo.processInfo.environment["INSTRUCTEDIT_BIN"], !path.isEmpty { return path }
        return repoRoot.appendingPathComponent(".build/release/instructedit").path
    }

    /// The environment for a run: this one, with a private history file, and no colours unless asked.
    static func environment(history: String, colours: Bool = false) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["INSTRUCTEDIT_HISTORY"] = history
        environment["NO_COLOR"] = colours ? nil : "1"
        environment["TERM"] = "xterm"
        return environment
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs the binary with pipes (stdin from `input`), waiting for it to exit.
    static func run(_ arguments: [String], input: String = "", in directory: URL) throws -> Output {
        let stdinURL = directory.appendingPathComponent("stdin-\(UUID().uuidString)")
        let stdoutURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let stderrURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        try Data(input.utf8).write(to: stdinURL)
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        defer { for url in [stdinURL, stdoutURL, stderrURL] { try? FileManager.default.removeItem(at: url) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment(history: directory.appendingPathComponent("history").path)
        process.standardInput = try FileHandle(forReadingFrom: stdinURL)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
                      stderr: try String(contentsOf: stderrURL, encoding: .utf8))
    }
}

/// A fresh temporary folder per test.
class BinaryTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Binary.path),
                      "build the binary first (swift build -c release --product instructedit) or set INSTRUCTEDIT_BIN; looked at \(Binary.path)")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("repl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }
}
