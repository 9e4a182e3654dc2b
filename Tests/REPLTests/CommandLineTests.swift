import Foundation
import XCTest

/// The command line with pipes: pipe mode, `-e`, scripts, subcommands, exit codes.
final class CommandLineTests: BinaryTestCase {
    func testPipeModePrintsPlainResults() throws {
        let output = try Binary.run([], input: """
            x = 20
            x + 22
            function twice(v)
              return 2 * v
            end
            twice(x), 'text'
            {b = 2, a = {1, 2}}
            ?sys.clock
            """, in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, """
            42
            40\ttext
            {a = {1, 2}, b = 2}
            sys.clock() -> number
              Monotonic seconds (for timing code; unaffected by clock changes).
              example: t0 = sys.clock(); work(); print(sys.clock() - t0)

            """)
        XCTAssertEqual(output.stderr, "")
    }

    func testPipeModeGoesOnAfterErrorsAndExitsWithOne() throws {
        let output = try Binary.run([], input: "error('first')\nprint('after')\nfor i = 1, 3 do\n", in: directory)
        XCTAssertEqual(output.status, 1)
        XCTAssertEqual(output.stdout, "after\n")
        XCTAssertTrue(output.stderr.contains("stdin:1: first\nstack traceback:"), output.stderr)
        XCTAssertTrue(output.stderr.contains("'end' expected near <eof>"), output.stderr)
    }

    func testSaveWritesANotebook() throws {
        let output = try Binary.run([], input: "a = 1\nfunction g()\n  return a\nend\nsyntax error here\n:save saved.lua\n", in: directory)
        XCTAssertEqual(output.stdout, "saved 2 cells to saved.lua\n")
        let saved = try String(contentsOf: directory.appendingPathComponent("saved.lua"), encoding: .utf8)
        XCTAssertEqual(saved, "-- %%\na = 1\n-- %%\nfunction g()\n  return a\nend\n")
    }

    func testExecuteOption() throws {
        let output = try Binary.run(["-e", "x = 6", "-e", "print(x * 7)"], in: directory)
        XCTAssertEqual(output.status, 0)
        XCTAssertEqual(output.stdout, "42\n")
        let failed = try Binary.run(["-e", "error('nope')"], in: directory)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.hasPrefix("instructedit: (command line):1: nope\nstack traceback:"), failed.stderr)
        let syntax = try Binary.run(["-e", "x ="], in: directory)
        XCTAssertEqual(syntax.status, 1)
        XCTAssertTrue(syntax.stderr.contains("unexpected symbol near <eof>"), syntax.stderr)
    }

    func testScriptWithArguments() throws {
        try "print(arg[0], arg[1], arg[2], select('#', ...), ...)\n".write(
            to: directory.appendingPathComponent("args.lua"), atomically: true, encoding: .utf8)
        let output = try Binary.run(["args.lua", "one", "two words"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "args.lua\tone\ttwo words\t2\tone\ttwo words\n")
    }

    func testScriptErrorExitsWithOneAndATraceback() throws {
        try "local function inner()\n  error('script failed')\nend\ninner()\n".write(
            to: directory.appendingPathComponent("bad.lua"), atomically: true, encoding: .utf8)
        let output = try Binary.run(["bad.lua"], in: directory)
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.stderr.hasPrefix("instructedit: bad.lua:2: script failed\nstack traceback:"), output.stderr)
        XCTAssertTrue(output.stderr.contains("bad.lua:4: in main chunk"), output.stderr)
        let missing = try Binary.run(["missing.lua"], in: directory)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot open missing.lua"), missing.stderr)
    }

    func testUsageAndBadSubcommandArguments() throws {
        let help = try Binary.run(["--help"], in: directory)
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("instructedit notebook FILE.lua [-o report.md]"), help.stdout)
        let bad = try Binary.run(["--no-such-option"], in: directory)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("unrecognized option '--no-such-option'"), bad.stderr)
        let bench = try Binary.run(["bench", "--csv"], in: directory)
        XCTAssertEqual(bench.status, 2)
        // One line since the move to swift-argument-parser (issue 13).
        XCTAssertEqual(bench.stderr, "instructedit bench: unknown option '--csv'. Did you mean '--json'? (see 'instructedit bench --help')\n")
        let benchHelp = try Binary.run(["bench", "--help"], in: directory)
        XCTAssertEqual(benchHelp.status, 0)
        XCTAssertTrue(benchHelp.stdout.contains("USAGE: instructedit bench [--json]"), benchHelp.stdout)
        // A vector path is checked before the model loads.
        let path = try Binary.run(["bench", "--vector-path", "sse"], in: directory)
        XCTAssertEqual(path.status, 1)
        XCTAssertTrue(path.stderr.contains("unknown vector path 'sse' (portable, avx2, avx512)"), path.stderr)
    }
}
