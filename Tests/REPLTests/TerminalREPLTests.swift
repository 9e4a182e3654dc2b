import Foundation
import XCTest

/// The REPL in a real pseudo-terminal, typed into as a user would.
final class TerminalREPLTests: BinaryTestCase {
    private func start(history: String? = nil, colours: Bool = false) throws -> PseudoTerminal {
        let historyPath = history ?? directory.appendingPathComponent("history").path
        let terminal = try PseudoTerminal(directory: directory, environment: Binary.environment(history: historyPath, colours: colours))
        terminal.expect("[1]> ")
        return terminal
    }

    func testTypingAnExpressionShowsItsValue() throws {
        let terminal = try start()
        terminal.send("1 + 41\r")
        terminal.expect("42\n")
        terminal.expect("[2]> ")
        terminal.send("'a' .. 'b', {x = 1}\r")
        terminal.expect("ab\t{x = 1}")
        terminal.send("_1 * 2;\r")        // ; hides the value
        terminal.expect("[4]> ")
        terminal.send("_\r")
        terminal.expect("84")
        terminal.expect("[5]> ")
        terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testTabCompletesAGlobalAndAMethod() throws {
        let terminal = try start()
        terminal.send("completion_target_table = {alpha = 4242}\r")
        terminal.expect("[2]> ")
        terminal.send("completion_tar\t")
        terminal.expect("completion_target_table")
        terminal.send(".al\t\r")
        terminal.expect("4242")
        terminal.send("s = 'shout'\r")
        terminal.expect("[4]> ")
        terminal.send("s:upp\t()\r")
        terminal.expect("SHOUT")
        terminal.send("sys.cl\t()\r")           // a Swift module's function
        terminal.expect("[6]> ")
        XCTAssertTrue(terminal.screen.contains("sys.clock()"), terminal.screen)
    }

    func testMultiLineFunctionDefinition() throws {
        let terminal = try start()
        terminal.send("function triple(a)\r")
        terminal.expect("...> ")
        terminal.send("  return a * 3\r")
        terminal.expect("...> ")
        terminal.send("end\r")
        terminal.expect("[2]> ")
        terminal.send("triple(14)\r")
        terminal.expect("42")
    }

    func testCtrlCStopsARunningCellAndKeepsTheSession() throws {
        let terminal = try start()
        terminal.send("kept = 7\r")
        terminal.expect("[2]> ")
        terminal.send("while true do end\r")
        usleep(300_000)
        terminal.send("\u{3}")
        terminal.expect("interrupted!")
        terminal.expect("[3]> ")
        terminal.send("kept * 6\r")
        terminal.expect("42")
        // Ctrl-C at the prompt drops the line typed so far.
        terminal.send("this is not lua")
        terminal.expect("this is not lua")
        terminal.send("\u{3}")
        terminal.send("2 + 3\r")
        terminal.expect("5\n")
        XCTAssertFalse(terminal.screen.contains("syntax error"), terminal.screen)
        // A long Swift call stops too.
        terminal.send("sys.sleep(60)\r")
        usleep(300_000)
        terminal.send("\u{3}")
        terminal.expect("interrupted!")
        terminal.send("'still here'\r")
        terminal.expect("still here")
    }

    func testErrorsPrintMessageAndTracebackAndTheSessionGoesOn() throws {
        let terminal = try start()
        terminal.send("error('deliberate')\r")
        terminal.expect("stdin:1: deliberate")
        terminal.expect("stack traceback:")
        terminal.send("sys.sleep('x')\r")
        terminal.expect("bad argument #1 to 'sleep' (number expected, got string)")
        terminal.send("1 + 1\r")
        terminal.expect("2\n")
    }

    func testHistoryPersistsAcrossSessions() throws {
        let history = directory.appendingPathComponent("persist/history").path
        let first = try start(history: history)
        first.send("remembered = 99\r")
        first.expect("[2]> ")
        first.send("function quad(x)\r  return 4 * x\rend\r")
        first.expect("[3]> ")
        first.send("_G.quad = quad\r")   // a second entry between the two
        first.expect("[4]> ")
        first.send("\u{4}")
        XCTAssertEqual(first.waitForExit(), 0)
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        XCTAssertTrue(saved.contains("remembered = 99"), saved)

        let second = try start(history: history)
        second.send("\u{1B}[A\u{1B}[A\r")          // the multi-line chunk, as one entry
        second.expect("[2]> ")
        second.send("\u{1B}[A\u{1B}[A\u{1B}[A\u{1B}[A\r")  // back past the three to the assignment
        second.expect("[3]> ")
        second.send("quad(remembered)\r")
        second.expect("396")
    }

    func testHelpAndCommands() throws {
        let terminal = try start()
        terminal.send("?sys.sleep\r")
        terminal.expect("sys.sleep(seconds)")
        terminal.expect("Waits the given seconds")
        terminal.send(":help\r")
        terminal.expect(":save FILE.lua")
        terminal.send(":time\r")
        terminal.expect("timing on")
        terminal.send("1\r")
        terminal.expect(" s)")
        terminal.send(":quit\r")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testColoursOnlyWithoutNoColor() throws {
        let coloured = try start(colours: true)
        coloured.send("error('red')\r")
        coloured.expect("[2]> ")
        XCTAssertTrue(coloured.rawOutput.contains("\u{1B}[1;32m"), "the prompt is coloured on a terminal")
        XCTAssertTrue(coloured.rawOutput.contains("\u{1B}[31m"), "errors are red on a terminal")
        let plain = try start()
        plain.send("error('plain')\r")
        plain.expect("[2]> ")
        XCTAssertFalse(plain.rawOutput.contains("\u{1B}[1;32m"), "NO_COLOR switches colours off")
        XCTAssertFalse(plain.rawOutput.contains("\u{1B}[31m"), "NO_COLOR switches colours off")
    }
}
