@testable import Bindings
@testable import Core
import Foundation
import XCTest

/// `editor.load`, `editor.mend`, `editor.ft`, `ed:edit` and the `Edit` type on the tiny model:
/// the same weights as Core's editors produce, exact undo, and the argument errors.
final class EditorModuleTests: XCTestCase {
    private let request = EditRequest(prompt: "the cat is in", target: " paris")

    /// A second copy of the tiny model, to run Core's editors on.
    private func coreModel() throws -> LanguageModel {
        try LanguageModel.load(LuaFixture.tinyPath)
    }

    private func mendConfig(_ model: LanguageModel, rank: Int) throws -> MENDConfig {
        MENDConfig(innerWeights: try EditTargets.mlp(of: model.weights).params.map(MENDConfig.InnerWeight.init), rank: rank)
    }

    func testMENDEditMatchesCoreAndUndoesExactly() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        let reference = try coreModel()
        let coreEdit = try MENDEditor(config: mendConfig(reference, rank: 8)).edit(reference, [request])

        _ = lua.values("ed = editor.mend(m, {rank=8}); e = ed:edit(m, {prompt='the cat is in', target=' paris'})")
        XCTAssertEqual(Array(model.weights.slab), Array(reference.weights.slab), "the same edit as Core's MEND editor")
        XCTAssertNotEqual(Array(model.weights.slab), original)
        XCTAssertEqual(lua.values("return tostring(ed)"), ["MEND editor rank 8, 9 inner weights, untrained"])
        XCTAssertEqual(lua.values("return ed.method, ed.rank, #ed.weights, ed.weights[1], ed.path"),
                       ["mend", "8", "9", coreEdit.deltaNorms[0].name, "nil"])
        XCTAssertEqual(lua.values("return e.id, e.method, #e.requests, e.requests[1].prompt, e.requests[1].target, e.requests[1].instruct, e.applied"),
                       ["1", "mend", "1", "the cat is in", " paris", "false", "true"])
        XCTAssertEqual((Float(lua.value("return e.loss_before")) ?? .nan), coreEdit.lossBefore, accuracy: 1e-6)
        XCTAssertEqual(lua.values("return #e.delta_norms, e.delta_norms[9].name"), ["9", coreEdit.deltaNorms[8].name])
        XCTAssertEqual((Float(lua.value("return e.delta_norms[1].norm")) ?? .nan), coreEdit.deltaNorms[0].norm, accuracy: 1e-6)
        XCTAssertTrue(lua.value("return tostring(e)").hasPrefix("Edit #1 mend: 'the cat is in' → ' paris' (loss before "))
        XCTAssertTrue(lua.value("return tostring(m)").hasSuffix(", 1 edit applied)"))
        XCTAssertEqual(lua.values("return #m:edits(), m:edits()[1] == e"), ["1", "true"])

        _ = lua.values("e:undo()")
        XCTAssertEqual(Array(model.weights.slab), original, "undo restores every weight bit for bit")
        XCTAssertEqual(lua.values("return e.applied, #m:edits()"), ["false", "0"])
        XCTAssertTrue(lua.value("return tostring(e)").hasSuffix(", undone)"))
        XCTAssertTrue(lua.errorMessage("e:undo()").contains("edit #1 was already undone"))
    }

    func testEditsStackBatchAndReset() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        _ = lua.values("""
            ed = editor.mend(m, {rank=8})
            e1 = ed:edit(m, {prompt='the cat is in', target=' paris'})
            e2 = ed:edit(m, {{prompt='the cat', target=' is'}, {prompt='paris is', target=' the'}})
            """)
        XCTAssertEqual(lua.values("return e2.id, #e2.requests, e2.requests[2].prompt, #m:edits()"), ["2", "2", "paris is", "2"])
        XCTAssertTrue(lua.value("return tostring(e2)").hasPrefix("Edit #2 mend: 2 requests"))
        XCTAssertTrue(lua.errorMessage("e1:undo()").contains("edit #1 cannot be undone while edit #2, applied after it, is still applied"))
        XCTAssertTrue(lua.value("return tostring(m)").hasSuffix(", 2 edits applied)"))
        XCTAssertEqual(lua.values("return m:reset(), #m:edits(), e1.applied, e2.applied"), ["2", "0", "false", "false"])
        XCTAssertEqual(Array(model.weights.slab), original)
        XCTAssertEqual(lua.values("return m:reset()"), ["0"])
    }

    func testInstructionsFollowTheTask() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        _ = lua.values("ed = editor.mend(m, {rank=8})")
        XCTAssertEqual(lua.values("local e = ed:edit(m, {prompt='the cat is in', target=' paris', task='counterfact'}); e:undo(); return e.requests[1].instruct, e.requests[1].task"),
                       ["true", "counterfact"])
        XCTAssertEqual(lua.values("local e = ed:edit(m, {prompt='the cat is in', target=' paris', task='counterfact', instruct=false, unseen=true, description=2}); e:undo(); local r = e.requests[1]; return r.instruct, r.unseen, r.description"),
                       ["false", "true", "2"])
        // The rendered prompt is what the edit saw: the same edit through Core with the same request.
        let model = try LuaFixture.model(lua)
        let reference = try coreModel()
        let r = EditRequest(prompt: "the cat is in", target: " paris", task: "zsre", instruct: true, descriptionIndex: 0)
        _ = try MENDEditor(config: mendConfig(reference, rank: 8)).edit(reference, [r])
        _ = lua.values("ed:edit(m, {prompt='the cat is in', target=' paris', task='zsre', description=1})")
        XCTAssertEqual(Array(model.weights.slab), Array(reference.weights.slab))
        _ = lua.values("m:reset()")

        XCTAssertTrue(lua.errorMessage("ed:edit(m, {prompt='x y', target=' z', task='nope'})").contains("no instructions for task 'nope'"))
        XCTAssertTrue(lua.errorMessage("ed:edit(m, {prompt='x y', target=' z', task='zsre', description=0})").contains("field 'description': index from 1 expected, got 0"))
        XCTAssertTrue(lua.errorMessage("ed:edit(m, {prompt='x y', target=' z', task='zsre', description=99})").contains("description index out of range"))
        XCTAssertTrue(lua.errorMessage("ed:edit(m, {prompt='x y', target=' z', task='convsent'})").contains("need a topic"))
        XCTAssertEqual(lua.values("return #m:edits()"), ["0"], "failed edits leave nothing applied")
    }

    func testRequestErrorsNameTheField() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        _ = lua.values("ed = editor.mend(m, {rank=8})")
        let cases: [(String, String)] = [
            ("ed:edit(m)", "bad argument #2 to 'edit' (table expected, got no value)"),
            ("ed:edit({}, {prompt='a', target=' b'})", "bad argument #1 to 'edit' (Model expected, got table)"),
            ("ed:edit(m, {target=' b'})", "bad argument #2 to 'edit' (field 'prompt': string expected, got nil)"),
            ("ed:edit(m, {prompt='a'})", "(field 'target': string expected, got nil)"),
            ("ed:edit(m, {prompt='a', target=''})", "(field 'target': non-empty string expected)"),
            ("ed:edit(m, {prompt='a', target=5})", "(field 'target': string expected, got number)"),
            ("ed:edit(m, {prompt='a', target=' b', instruct='yes'})", "(field 'instruct': boolean expected, got string)"),
            ("ed:edit(m, {promt='a', target=' b'})", "unknown field 'promt' (known: prompt, target, task"),
            ("ed:edit(m, {{prompt='a', target=' b'}, {prompt='c'}})", "(request 2: field 'target': string expected, got nil)"),
            ("ed:edit(m, {{prompt='a', target=' b'}, 'c'})", "(request 2: table expected, got string)"),
            ("ed.edit(42, m, {prompt='a', target=' b'})", "bad argument #1 to 'edit' (Editor expected, got number)"),
        ]
        for (code, message) in cases {
            let error = lua.errorMessage(code)
            XCTAssertTrue(error.contains(message), "\(code): \(error)")
        }
        XCTAssertEqual(lua.values("return #m:edits()"), ["0"])
    }

    func testFineTuneStaysWithinEpsilonAndMatchesCore() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let original = Array(model.weights.slab)
        let reference = try coreModel()
        _ = try FineTuneEditor(steps: 3, learningRate: 1e-3, eps: 2e-3).edit(reference, [request])
        _ = lua.values("ft = editor.ft({steps=3, lr=1e-3, eps=2e-3}); e = ft:edit(m, {prompt='the cat is in', target=' paris'})")
        XCTAssertEqual(Array(model.weights.slab), Array(reference.weights.slab))
        let now = Array(model.weights.slab)
        let largest = zip(now, original).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(largest, 0)
        XCTAssertLessThanOrEqual(largest, 2e-3 * 1.0001)
        XCTAssertEqual(lua.values("return tostring(ft), ft.method, ft.rank, e.method, #e.delta_norms"),
                       ["FT-L editor (3 steps, lr 0.001, eps 0.002, the MLPs of the last 3 blocks)", "ft-l", "nil", "ft-l", "9"])
        _ = lua.values("e:undo()")
        XCTAssertEqual(Array(model.weights.slab), original)

        // layers=1: only the last block's MLP changes.
        _ = lua.values("ft1 = editor.ft({steps=2, layers=1}); e = ft1:edit(m, {prompt='the cat is in', target=' paris'})")
        XCTAssertEqual(lua.values("return #e.delta_norms, e.delta_norms[1].name, tostring(ft1)"),
                       ["3", "model.layers.2.mlp.gate_proj.weight", "FT-L editor (2 steps, lr 0.0005, eps 0.0005, the MLPs of the last 1 blocks)"])
        _ = lua.values("e:undo(); ft2 = editor.ft({targets={'model.layers.0.mlp.down_proj.weight'}}); e = ft2:edit(m, {prompt='the cat', target=' is'})")
        XCTAssertEqual(lua.values("return #e.delta_norms, e.delta_norms[1].name, #ft2.weights"), ["1", "model.layers.0.mlp.down_proj.weight", "1"])
        _ = lua.values("e:undo()")

        XCTAssertTrue(lua.errorMessage("editor.ft({steps=0})").contains("ft: 'steps' must be at least 1, got 0"))
        XCTAssertTrue(lua.errorMessage("editor.ft({eps=-1})").contains("'eps' must be positive"))
        XCTAssertTrue(lua.errorMessage("editor.ft({layers=1, targets={'x'}})").contains("give 'layers' or 'targets', not both"))
        XCTAssertTrue(lua.errorMessage("editor.ft({layers=0})").contains("field 'layers': positive integer expected, got 0"))
        XCTAssertTrue(lua.errorMessage("editor.ft({step=3})").contains("unknown option 'step'"))
        XCTAssertTrue(lua.errorMessage("editor.ft({layers=4}):edit(m, {prompt='a b', target=' c'})").contains("lastBlocks must be in 1...3, got 4"))
        XCTAssertTrue(lua.errorMessage("editor.ft({targets={'nope'}}):edit(m, {prompt='a b', target=' c'})").contains("the model has no weight 'nope'"))
    }

    func testUntrainedMENDIsBuiltForTheFirstModelItEdits() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        _ = lua.values("ed = editor.mend({rank=4, layers=2})")
        XCTAssertEqual(lua.values("return tostring(ed), ed.weights"),
                       ["MEND editor rank 4, the MLPs of the last 2 blocks, untrained (built for the first model it edits)", "nil"])
        _ = lua.values("ed:edit(m, {prompt='the cat', target=' is'}):undo()")
        XCTAssertEqual(lua.values("return tostring(ed), #ed.weights, ed.weights[1]"),
                       ["MEND editor rank 4, 6 inner weights, untrained", "6", "model.layers.1.mlp.gate_proj.weight"])
        XCTAssertEqual(lua.values("return #editor.mend(m, {rank=4, targets={'model.layers.2.mlp.down_proj.weight'}}).weights"), ["1"])
        XCTAssertTrue(lua.errorMessage("editor.mend(m, {layers=5})").contains("lastBlocks must be in 1...3, got 5"))
        XCTAssertTrue(lua.errorMessage("editor.mend(m, {rank=0})").contains("bad argument #2 to 'mend' (field 'rank': positive integer expected, got 0)"))
        XCTAssertTrue(lua.errorMessage("editor.mend({ranks=3})").contains("unknown option 'ranks'"))
        XCTAssertTrue(lua.errorMessage("editor.mend(m, {targets={'model.layers.2.mlp.nope'}})").contains("the model has no weight 'model.layers.2.mlp.nope'"))
        XCTAssertTrue(lua.errorMessage("editor.mend(editor.ft())").contains("bad argument #1 to 'mend' (Model expected, got Editor)"))
    }

    func testLoadChecksTheModelAndReadsTrainingSettings() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let folder = try LuaFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let editor = try MENDEditor(config: mendConfig(model, rank: 8))
        for i in editor.parameters.indices { editor.parameters[i] *= 1.5 }   // not the fresh initialisation
        let identity = model.editorIdentity
        var settings = MetaTrainingConfig()
        settings.tasks = ["counterfact", "convsent"]
        settings.instruct = false
        let training = EditorCheckpoint.TrainingState(
            editorOptimizer: Adam(count: editor.parameters.count, learningRate: 1e-4),
            stepSizeOptimizer: Adam(count: editor.stepSizes.count, learningRate: 1e-4), step: 7, randomState: SeededRandom(seed: 1).state,
            metadataJSON: String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        let trained = folder.appendingPathComponent("trained.ckpt").path
        let plain = folder.appendingPathComponent("plain.ckpt").path
        let other = folder.appendingPathComponent("other.ckpt").path
        try EditorCheckpoint(model: identity, editor: editor, training: training).write(to: trained)
        try EditorCheckpoint(model: identity, editor: editor).write(to: plain)
        try EditorCheckpoint(model: .init(name: "other", fingerprint: "llama L3 x"), editor: editor).write(to: other)

        let reference = try coreModel()
        _ = try editor.edit(reference, [request])
        _ = lua.values("ed = editor.load('\(trained)', m); e = ed:edit(m, {prompt='the cat is in', target=' paris'})")
        XCTAssertEqual(Array(model.weights.slab), Array(reference.weights.slab), "the loaded editor edits as the saved one")
        XCTAssertEqual(lua.values("return tostring(ed), ed.path, ed.training.tasks[2], ed.training.instruct"),
                       ["MEND editor rank 8, 9 inner weights, trained on counterfact+convsent (no instructions)", trained, "convsent", "false"])
        // The model's identity is the one from before its edits: a checkpoint still loads with an edit applied.
        XCTAssertEqual(lua.values("return tostring(editor.load('\(plain)', m))"), ["MEND editor rank 8, 9 inner weights"])
        XCTAssertEqual(lua.values("return editor.load('\(plain)').training"), ["nil"])
        _ = lua.values("e:undo()")

        XCTAssertTrue(lua.errorMessage("editor.load('\(other)', m)").contains("belongs to model 'other'"))
        XCTAssertTrue(lua.errorMessage("editor.load('\(other)'):edit(m, {prompt='a b', target=' c'})").contains("this editor belongs to model 'other'"))
        XCTAssertTrue(lua.errorMessage("editor.load('\(folder.path)/missing.ckpt')").contains("cannot read editor checkpoint"))
        // With no path: the shipped InstructEdit editor, which belongs to the default model, not this one.
        XCTAssertTrue(lua.errorMessage("editor.load(m)").contains("belongs to model 'SmolLM2-135M-Instruct"))
        XCTAssertTrue(lua.errorMessage("editor.load({})").contains("bad argument #1 to 'load' (string expected, got table)"))
        XCTAssertTrue(lua.errorMessage("editor.load('\(plain)', 5)").contains("bad argument #2 to 'load' (Model expected, got number)"))
        XCTAssertEqual(lua.values("return #m:edits()"), ["0"])
    }
}
