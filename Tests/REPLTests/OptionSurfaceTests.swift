import Core
import Foundation
import XCTest

/// Lua tables and command-line flags are decoded by one decoder from the same keys: a misspelt
/// option is the same error on both surfaces, and every Lua key of the shared settings has a flag.
final class OptionSurfaceTests: BinaryTestCase {
    func testAnUnknownEditorOptionIsTheSameErrorFromLuaAndTheCommandLine() throws {
        let expected = "unknown option 'step' (known: eps, layers, lr, steps, targets)"
        let lua = try Binary.run(["-e", "editor.new('ft', {step=3})"], in: directory)
        XCTAssertEqual(lua.status, 1)
        XCTAssertTrue(lua.stderr.contains("bad argument #2 to 'new' (\(expected))"), lua.stderr)
        let cli = try Binary.run(["eval", "--tasks", "zsre", "--method", "FT:ft:step=3"], in: directory)
        XCTAssertEqual(cli.status, 2)
        XCTAssertTrue(cli.stderr.contains("--method 'FT:ft:step=3': \(expected)"), cli.stderr)
        // A bad value names its option the same way.
        let luaValue = try Binary.run(["-e", "editor.new('ft', {layers=0})"], in: directory)
        XCTAssertTrue(luaValue.stderr.contains("field 'layers': positive integer expected, got 0"), luaValue.stderr)
        let cliValue = try Binary.run(["eval", "--tasks", "zsre", "--method", "FT:ft:layers=0"], in: directory)
        XCTAssertTrue(cliValue.stderr.contains("field 'layers': positive integer expected, got 0"), cliValue.stderr)
    }

    func testEveryTrainingAndEvaluationKeyHasItsFlag() throws {
        // instruct and unseen are per method on the command line (NAME:KIND:instruct:unseen).
        let train = MetaTrainingConfig.Key.allCases.map(\.rawValue)
        let eval = EvaluationOptions.Key.allCases.map(\.rawValue).filter { !["instruct", "unseen"].contains($0) }
        for (sub, keys) in [("train", train), ("eval", eval)] {
            let help = try Binary.run([sub, "--help"], in: directory).stdout
            for key in keys {
                XCTAssertTrue(help.contains("--" + key.replacingOccurrences(of: "_", with: "-")), "\(sub) lacks the flag of '\(key)'")
            }
        }
    }
}
