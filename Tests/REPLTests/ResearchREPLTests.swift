import Core
import Foundation
import XCTest
import TestSupport

/// The REPL comforts of a research session, typed through a real pseudo-terminal: plots drawn as
/// text, who(), timed cells, and :save / :load rebuilding a model's state.
final class ResearchREPLTests: BinaryTestCase {
    /// A REPL on a tiny random model (`model.load()` loads it).
    private func start(_ extra: [String: String] = [:]) throws -> PseudoTerminal {
        var environment = Binary.environment(history: directory.appendingPathComponent("history").path)
        let model = directory.appendingPathComponent("tiny.gguf").path
        if !FileManager.default.fileExists(atPath: model) {
            var config = LlamaConfig.tiny
            config.layers = 3
            try TinyModel.write(to: model, config: config, seed: 5)
        }
        environment["INSTRUCTEDIT_MODEL"] = model
        environment["INSTRUCTEDIT_PLOTS"] = nil
        environment["TMUX"] = nil
        for (key, value) in extra { environment[key] = value }
        if extra["INSTRUCTEDIT_HOME"] != nil { environment["INSTRUCTEDIT_HISTORY"] = nil }
        let terminal = try PseudoTerminal(directory: directory, environment: environment)
        terminal.expect("[1]> ")
        return terminal
    }

    func testALinePlotIsDrawnInTheTerminalAsTextWithAxes() throws {
        let terminal = try start()
        terminal.send("plot.line{y = {1, 4, 9, 16, 25}, title = 'squares', xlabel = 'step', ylabel = 'value', name = 'n^2'}\r")
        terminal.expect("squares")
        terminal.expect("value")
        terminal.expect("20 ┤")
        terminal.expect(" 0 ┤")
        terminal.expect("└──")
        terminal.expect("1")
        terminal.expect("step")
        terminal.expect("── n^2")
        terminal.expect("[2]> ")
        XCTAssertTrue(terminal.screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots:\n\(terminal.screen)")
        XCTAssertFalse(terminal.screen.contains("figure:"), "no file is written unasked")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("figures").path))
        // A path still writes the files (and the figure is drawn as well).
        terminal.send("plot.bar{labels = {'a', 'b'}, values = {1, 2}, path = 'bars'}\r")
        terminal.expect("figure: bar plot → bars.png")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("bars.png").path))
        terminal.send(":plots\r")
        terminal.expect("figures: text (no inline images known for TERM=xterm)")
    }

    func testWhoListsTheSessionsGlobals() throws {
        let terminal = try start()
        terminal.send("m = model.load()\r")
        terminal.expect("[2]> ")
        terminal.send("t = tensor.zeros(2, 3); answer = 42; name = 'Rome'\r")
        terminal.expect("[3]> ")
        terminal.send("who()\r")
        terminal.expect("name    type    value")
        terminal.expect("answer  number  42")
        terminal.expect("m       Model   tiny (llama, 3 layers, dim 64")
        terminal.expect("name    string  4 bytes: \"Rome\"")
        terminal.expect("t       Tensor  size 2x3 (24 B)")
        terminal.send("?t\r")
        terminal.expect("t: Tensor, size 2x3 (24 B)")
        terminal.expect("t:abs() -> Tensor")
    }

    func testACellThatTakesTimeShowsItsWallTime() throws {
        let terminal = try start()
        terminal.send("1 + 1\r")
        terminal.expect("2\n")
        terminal.expect("[2]> ")
        XCTAssertFalse(terminal.screen.contains(" s)"), "a quick cell shows no time:\n\(terminal.screen)")
        terminal.send("sys.sleep(0.7)\r")
        terminal.expect("(0.7")
        terminal.expect(" s)")
        terminal.send(":time off\r")
        terminal.expect("timing off")
        terminal.send("sys.sleep(0.7) print('slept')\r")
        terminal.expect("slept")
        terminal.expect("[4]> ")
        terminal.send(":time on\r")
        terminal.expect("timing on")
        terminal.send("3 * 3\r")
        terminal.expect("9\n(0.0")
        terminal.send(":time 5\r")
        terminal.expect("timing cells that take at least 5 s")
    }

    /// The logits' sum printed to 9 digits, tagged.
    private static let readLogits = "string.format('%s=%.9g', tag, m:logits('abc xyz'):sum())"

    private func value(of tag: String, in screen: String) throws -> String {
        let line = try XCTUnwrap(screen.components(separatedBy: "\n").last { $0.hasPrefix(tag + "=") }, screen)
        return String(line.dropFirst(tag.count + 1))
    }

    func testSaveThenLoadRebuildsTheSameModelState() throws {
        let first = try start()
        first.send("m = model.load(); tag = 'plain'\r")
        first.expect("[2]> ")
        first.send(Self.readLogits + "\r")
        first.expect("plain=")
        first.send("ft = editor.ft({steps = 3, lr = 1e-2})\r")
        first.expect("[4]> ")
        first.send("e = ft:edit(m, {prompt = 'abc', target = ' xyz'})\r")
        first.expect("[5]> ")
        first.send("error('a failed cell')\r")
        first.expect("a failed cell")
        first.send("while true do end\r")
        usleep(300_000)
        first.send("\u{3}")
        first.expect("interrupted!")
        first.send("tag = 'edited'\r")
        first.send(Self.readLogits + "\r")
        first.expect("edited=")
        first.send(":save session.lua\r")
        first.expect("saved 6 cells to session.lua")
        first.send(":quit\r")
        XCTAssertEqual(first.waitForExit(), 0)
        let plain = try value(of: "plain", in: first.screen), edited = try value(of: "edited", in: first.screen)
        XCTAssertNotEqual(plain, edited, "the edit changed the logits")
        let saved = try String(contentsOf: directory.appendingPathComponent("session.lua"), encoding: .utf8)
        XCTAssertFalse(saved.contains("error("), saved)
        XCTAssertFalse(saved.contains("while true"), saved)

        let second = try start()
        second.send(":load session.lua\r")
        second.expect("loaded 6 cells from session.lua")
        second.send("tag = 'replayed'\r")
        second.send(Self.readLogits + "\r")
        second.expect("replayed=")
        second.expect("[9]> ")
        XCTAssertEqual(try value(of: "replayed", in: second.screen), edited)
        second.send("#m:edits()\r")
        second.expect("1\n")
        // A failing cell stops the replay there.
        try "-- %%\nx = 1\n-- %%\nerror('stop here')\n-- %%\ny = 2\n".write(to: directory.appendingPathComponent("bad.lua"), atomically: true, encoding: .utf8)
        second.send(":load bad.lua\r")
        second.expect("stop here")
        second.expect(":load stopped at cell 2 of 3 of bad.lua")
        second.send("y == nil and x == 1\r")
        second.expect("true")
    }

    func testHistoryLivesUnderInstructEditHomeAndMessagesNameTheVariable() throws {
        let home = directory.appendingPathComponent("home")
        var environment = ["INSTRUCTEDIT_HOME": home.path]
        let terminal = try start(environment)
        terminal.send("remember_me = 1\r")
        terminal.expect("[2]> ")
        terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
        XCTAssertEqual(try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8), "remember_me = 1\n")

        // A home that is a file cannot hold the history: the message says which variable chose it.
        let blocked = directory.appendingPathComponent("blocked")
        try Data().write(to: blocked)
        environment["INSTRUCTEDIT_HOME"] = blocked.path
        let second = try start(environment)
        second.send("1\r")
        second.expect("cannot save the history to \(blocked.path)/history (chosen by INSTRUCTEDIT_HOME)")
    }
}
