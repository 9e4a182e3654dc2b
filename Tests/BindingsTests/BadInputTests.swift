@testable import Bindings
@testable import Core
import Foundation
import XCTest

/// The hostile inputs of issue 13 that reach Lua: each ends in a one-line error (or the right
/// behaviour) and the session goes on.
final class BadInputTests: XCTestCase {
    /// A zero in a shape no longer hides its size: reducing it would allocate 2^62 floats.
    func testZeroSizedShapesPastTheBudgetAreRefused() throws {
        let lua = try LuaSession()
        for code in ["tensor.zeros(0, 2^31, 2^31)", "tensor.zeros({0, 2^62, 2^62})", "tensor.ones(2^31, 0, 2^31)"] {
            let message = lua.errorMessage("return \(code)")
            XCTAssertTrue(message.contains("is too large"), message)
            XCTAssertFalse(message.contains("\n"), message)
        }
        // Shapes that stay inside the budget through a zero still work, and so do their reductions.
        XCTAssertEqual(lua.values("local t = tensor.zeros(0, 1000, 1000):sum(1); return t:size()[1], t:size()[2], t:sum()"),
                       ["1000", "1000", "0.0"])
        // Operations whose result outgrows both operands: broadcasting and products through k = 0.
        for code in ["tensor.zeros(2^20, 1) + tensor.zeros(1, 2^20)",
                     "tensor.zeros(2^20, 0):mm(tensor.zeros(0, 2^20))",
                     "tensor.zeros(2^20):outer(tensor.zeros(2^20))",
                     "tensor.zeros(0):reshape(0, 2^40, 2^40)"] {
            let message = lua.errorMessage("return \(code)")
            XCTAssertTrue(message.contains("too large") || message.contains("more than 1073741824 elements"), "\(code): \(message)")
        }
        XCTAssertEqual(lua.values("return 1 + 1"), ["2"], "the session is alive")
    }

    func testAnEditorTooLargeForMemoryIsRefusedBeforeAllocating() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let message = lua.errorMessage("return editor.mend(m, {rank=1e9})")
        XCTAssertTrue(message.contains("rank 1000000000") && message.contains("the limit"), message)
        XCTAssertEqual(lua.values("return editor.mend(m, {rank=4}).rank"), ["4"])
    }

    /// A huge step size or learning rate used to leave NaN weights behind an Edit that looked fine.
    func testEditsThatLeaveNonFiniteWeightsAreRolledBack() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        for make in ["editor.mend(m, {rank=4, step_size=1e30})", "editor.ft({lr=1e30, eps=1e30, steps=3})"] {
            let message = lua.errorMessage("local ed = \(make); return ed:edit(m, {prompt='the cat is in', target=' paris'})")
            XCTAssertTrue(message.contains("rolled back") && message.contains("non-finite"), "\(make): \(message)")
            XCTAssertTrue(Array(model.weights.slab) == original, "\(make): the weights are restored")
            XCTAssertTrue(!lua.value("return m:logits('the cat'):sum()").contains("nan"), "\(make): finite logits")
            XCTAssertEqual(lua.values("return #m:edits()"), ["0"], "\(make): no edit is recorded")
        }
    }

    func testADirectoryOrMissingFileGivenAsACheckpointIsOneLine() throws {
        let lua = try LuaFixture.session()
        let folder = try LuaFixture.temporaryFolder()
        let message = lua.errorMessage("return editor.load('\(folder.path)')")
        XCTAssertTrue(message.hasSuffix("cannot read editor checkpoint '\(folder.path)': it is a directory, expected a file"), message)
        let missing = lua.errorMessage("return editor.load('\(folder.path)/none.ckpt')")
        XCTAssertTrue(missing.hasSuffix("'\(folder.path)/none.ckpt': no such file"), missing)
        for m in [message, missing] { XCTAssertFalse(m.contains("Domain") || m.contains("\n"), m) }
    }
}
