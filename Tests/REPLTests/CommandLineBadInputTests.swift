import Foundation
import XCTest

/// The command-line findings of issue 13: every bad invocation is one line on stderr naming the
/// argument, exit code 2, before any work (no model is loaded: these run in well under a second),
/// and nothing is overwritten.
final class CommandLineBadInputTests: BinaryTestCase {
    private func usageError(_ arguments: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let output = try Binary.run(arguments, in: directory)
        XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)", file: file, line: line)
        XCTAssertEqual(output.stderr.filter { $0 == "\n" }.count, 1, "one line: \(output.stderr)", file: file, line: line)
        XCTAssertTrue(output.stderr.contains(expected), "\(arguments): \(output.stderr)", file: file, line: line)
        XCTAssertEqual(output.stdout, "", file: file, line: line)
    }

    func testCountsAndListsAreValidated() throws {
        try usageError(["eval", "--tasks", "zsre", "--method", "U:none", "--n", "-1"], "--n must be from 1 to 1000000, got -1")
        try usageError(["eval", "--tasks", ",", "--method", "U:none"], "--tasks ',': empty task name")
        try usageError(["eval", "--tasks", "zsre,nope", "--method", "U:none"], "--tasks: unknown task 'nope'")
        try usageError(["eval", "--method", "U:bogus"], "unknown kind 'bogus'")
        try usageError(["eval", "--n", "ten", "--method", "U:none"], "'ten' is invalid for '--n <n>'")
        try usageError(["train", "--out", "run", "--rank", "100000000000"], "--rank must be from 1 to")
        try usageError(["train", "--out", "run", "--steps", "0"], "--steps must be from 1 to")
        try usageError(["train", "--out", "run", "--seed", "-1"], "'-1' is invalid for '--seed <seed>'")
        try usageError(["train", "--out", "run", "--tasks", ","], "--tasks ',': empty task name")
        try usageError(["train", "--steps", "5"], "missing expected argument '--out <DIR>'")
        // Core's messages already name their command; the line names it once.
        try usageError(["train", "--out", "run", "--equivalence", "edit,edit"], "instructedit train: 'equivalence' lists a source twice")
        try usageError(["train", "--out", "run", "--edit-weight", "tokens"], "--edit-weight: \"example\" or \"token\" expected, got \"tokens\"")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("run").path), "no run folder made")
    }

    func testAMistypedSubcommandIsNotTakenForAScript() throws {
        try usageError(["evall"], "unknown subcommand 'evall' (subcommands: notebook, train, eval, bench)")
        // A word that is a file, or ends in .lua, is still a script.
        try "print('ran', ...)\n".write(to: directory.appendingPathComponent("script"), atomically: true, encoding: .utf8)
        let script = try Binary.run(["script", "x"], in: directory)
        XCTAssertEqual(script.stdout, "ran\tx\n", script.stderr)
    }

    func testEverySubcommandHasHelpWithDefaults() throws {
        for (sub, flags) in [("notebook", ["-o, --output <report.md>"]),
                             ("train", ["--out <DIR>", "--instruct/--no-instruct", "--steps <steps>", "(default: 1250)",
                                        "--accumulation", "--rank <rank>", "(default: 128)", "--lr", "--alpha-lr", "--c-edit",
                                        "--c-loc", "--validate-every", "--validation-size", "--patience", "--save-every",
                                        "--train-limit", "--seed", "--tasks <a,b>", "--model"]),
                             ("eval", ["--method <NAME:KIND[:PATH][:instruct][:unseen]>", "--n <n>", "(default: 50)",
                                       "--seed", "--tasks", "--out <table.md>", "--json <results.json>", "--model"]),
                             ("bench", ["--json"])] {
            let help = try Binary.run([sub, "--help"], in: directory)
            XCTAssertEqual(help.status, 0, help.stderr)
            XCTAssertTrue(help.stdout.contains("USAGE: instructedit \(sub)"), help.stdout)
            for flag in flags { XCTAssertTrue(help.stdout.contains(flag), "\(sub) --help lacks \(flag):\n\(help.stdout)") }
        }
    }

    func testANotebookIsNeverOverwrittenByItsReport() throws {
        let notebook = directory.appendingPathComponent("nb.lua")
        let source = "-- %%\nprint('cell ran')\n"
        try source.write(to: notebook, atomically: true, encoding: .utf8)
        try usageError(["notebook", "nb.lua", "-o", "nb.lua"], "report 'nb.lua' is the input file 'nb.lua'")
        try usageError(["notebook", "nb.lua", "-o", "./sub/../nb.lua"], "is the input file")
        XCTAssertEqual(try String(contentsOf: notebook, encoding: .utf8), source)
    }

    func testUnwritableOutputsFailBeforeAnyWork() throws {
        try "-- %%\nprint('cell ran')\n".write(to: directory.appendingPathComponent("nb.lua"), atomically: true, encoding: .utf8)
        try "x".write(to: directory.appendingPathComponent("afile"), atomically: true, encoding: .utf8)
        let notebook = try Binary.run(["notebook", "nb.lua", "-o", "afile/report.md"], in: directory)
        XCTAssertEqual(notebook.status, 2)
        XCTAssertFalse(notebook.stderr.contains("cell "), "no cell ran: \(notebook.stderr)")
        XCTAssertTrue(notebook.stderr.contains("cannot write report 'afile/report.md':"), notebook.stderr)
        try usageError(["notebook", "nb.lua", "-o", "."], "cannot write report '.': it is a directory, expected a file")
        try usageError(["eval", "--method", "U:none", "--out", "."], "cannot write --out file '.': it is a directory")
        try usageError(["eval", "--method", "U:none", "--json", "afile/r.json"], "cannot write --json file 'afile/r.json'")
        try usageError(["eval", "--method", "U:none", "--out", "t.md", "--json", "t.md"], "--out and --json name the same file")
        // A directory or a missing file given as a checkpoint.
        try usageError(["eval", "--method", "E:mend:."], "--method: cannot read editor checkpoint '.': it is a directory, expected a file")
        try usageError(["eval", "--method", "E:mend:none.ckpt"], "cannot read editor checkpoint 'none.ckpt': no such file")
        for output in [notebook] { XCTAssertFalse(output.stderr.contains("Domain"), output.stderr) }
    }
}
