@testable import Bindings
@testable import Core
import Foundation
import XCTest
import TestSupport

/// `m:run` with its cache, hooks from Lua, and edits written out and read back, on the tiny model.
final class ActivationBindingTests: XCTestCase {
    private func session() throws -> LuaSession {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        return lua
    }

    func testRunReturnsTheLogitsAndEveryActivationByName() throws {
        let lua = try session()
        let c = LuaFixture.tinyConfig
        XCTAssertEqual(lua.values("""
            local logits, cache = m:run('abc', {cache=true})
            local n = 0
            for _ in pairs(cache) do n = n + 1 end
            return n, (logits - m:logits('abc')):abs():max(),
                   (cache['blocks.2.hook_resid_post'] - m:hidden('abc')[3]):abs():max(),
                   table.concat(cache['blocks.1.attn.hook_pattern']:shape(), 'x'),
                   table.concat(cache['blocks.3.hook_mlp_out']:shape(), 'x')
            """), ["\(6 * c.layers)", "0.0", "0.0", "\(c.heads)x3x3", "3x\(c.dim)"])
        XCTAssertEqual(lua.values("local l, c = m:run('abc', {cache={'blocks.1.hook_attn_out'}}); local n = 0; for k in pairs(c) do n = n + 1 end; return n, select('#', m:run('abc'))"), ["1", "1"])
        XCTAssertTrue(lua.errorMessage("m:run('abc', {cache={'blocks.9.hook_attn_out'}})").contains("field 'cache': activation name 'blocks.<1..3>.<kind>' expected"))
        XCTAssertTrue(lua.errorMessage("m:run('abc', {cach=true})").contains("unknown option 'cach'"))
    }

    func testHooksReadAndReplaceActivationsUntilRemoved() throws {
        let lua = try session()
        XCTAssertEqual(lua.values("""
            plain = m:logits('abc')
            seen = {}
            id = m:hook('blocks.2.hook_mlp_out', function(a, name) seen[#seen + 1] = name .. ' ' .. table.concat(a:shape(), 'x') end)
            local same = (m:logits('abc') - plain):abs():max()
            zero = m:hook('blocks.3.hook_mlp_out', function(a) return a * 0 end)
            local changed = (m:logits('abc') - plain):abs():max() > 0
            local listed = #m:hooks()
            local removed = m:unhook(zero)
            local back = (m:logits('abc') - plain):abs():max()
            return same, changed, listed, removed, back, seen[1], m:unhook(), #m:hooks()
            """), ["0.0", "true", "2", "1", "0.0", "blocks.2.hook_mlp_out 3x64", "1", "0"])
    }

    func testInPlaceChangesAndOneRunHooksAndPatching() throws {
        let lua = try session()
        // Zeroing in place equals returning zeros; a one-run hook restores a clean activation.
        XCTAssertEqual(lua.values("""
            local _, clean = m:run({5, 6, 7}, {cache=true})
            local zeroed = m:run({5, 6, 7}, {hooks={['blocks.3.hook_mlp_out'] = function(a) for i = 1, 3 do for j = 1, 64 do a:set(0, i, j) end end end}})
            local returned = m:run({5, 6, 7}, {hooks={['blocks.3.hook_mlp_out'] = function(a) return a * 0 end}})
            local corrupt = m:run({5, 6, 8}, {cache=true})
            local patched = m:run({5, 6, 8}, {hooks={['blocks.3.hook_resid_post'] = function() return clean['blocks.3.hook_resid_post'] end}})
            return (zeroed - returned):abs():max(), (patched - m:logits({5, 6, 7})):abs():max() < 1e-5,
                   ((corrupt - m:logits({5, 6, 8})):abs():max())
            """), ["0.0", "true", "0.0"])
    }

    func testHookArgumentErrorsNameTheArgument() throws {
        let lua = try session()
        XCTAssertTrue(lua.errorMessage("m:hook('blocks.4.hook_mlp_out', print)").contains("bad argument #1 to 'hook' (activation name 'blocks.<1..3>.<kind>' expected"))
        XCTAssertTrue(lua.errorMessage("m:hook('blocks.1.hook_mlp_out', 5)").contains("bad argument #2 to 'hook' (function expected, got number)"))
        XCTAssertTrue(lua.errorMessage("m:unhook({})").contains("bad argument #1 to 'unhook' (hook id or activation name expected, got table)"))
        XCTAssertTrue(lua.errorMessage("m:run('abc', {hooks={['blocks.1.hook_mlp_out'] = 3}})").contains("must be a function, got number"))
        XCTAssertTrue(lua.errorMessage("m:hook('blocks.1.hook_mlp_out', function() return 'x' end); m:logits('ab')").contains("hook for blocks.1.hook_mlp_out returned a string"))
        XCTAssertTrue(lua.errorMessage("m:unhook(); m:hook('blocks.1.hook_mlp_out', function() error('inside the hook') end); m:topk('ab')").contains("inside the hook"))
        XCTAssertEqual(lua.values("m:unhook(); return #m:logits('ab')"), ["2"], "the session goes on")
    }

    func testSavedEditsRebuildTheSameLogitsInAnotherSession() throws {
        let folder = try LuaFixture.temporaryFolder()
        let path = folder.appendingPathComponent("edits.safetensors").path
        let first = try session()
        XCTAssertEqual(first.values("""
            ft = editor.ft({steps=3, lr=1e-2})
            ft:edit(m, {prompt='abc', target=' d'})
            ft:edit(m, {prompt='xyz', target=' w'})
            edited = m:logits('abc xyz')
            edited:save('\(folder.path)/edited.npy')
            return m:save_edits('\(path)')
            """), ["2"])
        let second = try session()
        XCTAssertEqual(second.values("""
            local plain = m:logits('abc xyz')
            e = m:load_edits('\(path)')
            local loaded = m:logits('abc xyz')
            local before = tensor.load('\(folder.path)/edited.npy')
            local same = (loaded - before):abs():max()
            e:undo()
            return same, #e.requests, e.method, (m:logits('abc xyz') - plain):abs():max(), #m:edits()
            """), ["0.0", "2", "ft-l", "0.0", "0"])
        XCTAssertTrue(second.errorMessage("m:save_edits('\(path)')").contains("no edits applied"))
        XCTAssertTrue(second.errorMessage("m:load_edits('\(folder.path)/none')").contains("no file at"))
        try Data("not safetensors".utf8).write(to: folder.appendingPathComponent("bad"))
        XCTAssertTrue(second.errorMessage("m:load_edits('\(folder.path)/bad')").contains("\(folder.path)/bad"))
        // Another model refuses them.
        var other = LuaFixture.tinyConfig
        other.layers = 3
        let otherPath = folder.appendingPathComponent("other.gguf").path
        try TinyModel.write(to: otherPath, config: other, seed: 99)
        XCTAssertTrue(second.errorMessage("model.load('\(otherPath)'):load_edits('\(path)')").contains("holds edits of"))
    }

    func testWhoListsTheUsersGlobalsWithTypesAndSizes() throws {
        let lua = try session()
        XCTAssertEqual(lua.whoText(), """
            name  type   value
            m     Model  \(String(try LuaFixture.model(lua).name)) (llama, 3 layers, dim 64, \(LuaModel.count(try LuaFixture.model(lua).weights.all.reduce(0) { $0 + $1.count })) params, no edits)
            """)
        _ = lua.run("t = tensor.zeros(2, 3); s = 'hello'; n = 42; list = {1, 2, 3}; f = function() end", mode: .chunk)
        _ = lua.run("1 + 1", mode: .cell)   // _ and _1 are not the user's
        let rows = lua.userGlobals()
        XCTAssertEqual(rows.map(\.name), ["f", "list", "m", "n", "s", "t"])
        XCTAssertEqual(rows.first { $0.name == "t" }?.type, "Tensor")
        XCTAssertEqual(rows.first { $0.name == "t" }?.summary, "size 2x3 (24 B)")
        XCTAssertEqual(rows.first { $0.name == "list" }?.summary, "3 items")
        XCTAssertEqual(rows.first { $0.name == "s" }?.summary, "5 bytes: \"hello\"")
        XCTAssertEqual(rows.first { $0.name == "n" }?.summary, "42")
        XCTAssertTrue(lua.errorMessage("who(1)").contains("bad argument #1 to 'who' (no arguments expected)"))
    }

    func testHelpOnAValueDescribesItAndListsItsMethods() throws {
        let lua = try session()
        _ = lua.run("t = tensor.ones(2, 2); r = {reliability = 87.5, task = 'zsre', n = 10}; x = 3", mode: .chunk)
        let model = lua.helpText(for: "m")
        XCTAssertTrue(model.hasPrefix("m: Model, "), model)
        XCTAssertTrue(model.contains("m:run(text or ids"), model)
        XCTAssertTrue(model.contains("m:hook(name, fn) -> id"), model)
        XCTAssertTrue(lua.helpText(for: "t").hasPrefix("t: Tensor, size 2x2 (16 B)\n"))
        let result = lua.helpText(for: "r")
        XCTAssertTrue(result.hasPrefix("r: a table of 3 entries\nfields:\n"), result)
        XCTAssertTrue(result.contains("reliability  number: 87.5"), result)
        XCTAssertEqual(lua.helpText(for: "x"), "x = 3 (number)")
        XCTAssertEqual(lua.helpText(for: "nothing_here"), "No help for 'nothing_here'.")
    }

    func testPlotsInTheREPLRecordTheSceneAndWriteNothingUnlessAsked() throws {
        let lua = try LuaFixture.session()
        let folder = try LuaFixture.temporaryFolder()
        lua.figureDirectory = folder.appendingPathComponent("figures").path
        lua.writesFigureFiles = false
        XCTAssertEqual(lua.values("return plot.line{y = {1, 2, 3}, title = 'T'}"), [])
        let figures = lua.takeFigures()
        XCTAssertEqual(figures.count, 1)
        XCTAssertEqual(figures.first?.path, "")
        XCTAssertNotNil(figures.first?.scene)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lua.figureDirectory))
        XCTAssertTrue(lua.errorMessage("plot.line{y = {1, 2}, width = 5}").contains("out of range"))
        let path = folder.appendingPathComponent("asked").path
        XCTAssertEqual(lua.values("return plot.line{y = {1, 2, 3}, path = '\(path)'}.png"), [path + ".png"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".png"))
    }
}
