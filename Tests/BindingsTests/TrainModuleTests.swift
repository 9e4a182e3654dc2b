@testable import Bindings
import Core
import Foundation
import XCTest

/// `train.run` on the tiny model: the same editor as Core's `MetaTrainer`, its files, Ctrl-C, errors.
final class TrainModuleTests: XCTestCase {
    private let settings = "tasks={'counterfact'}, steps=3, accumulation=1, rank=4, validate_every=1, validation_size=2, train_limit=6, save_every=1, seed=2"

    func testTrainsLikeTheMetaTrainerAndReturnsTheEditor() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let folder = try LuaFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("lua").path
        _ = lua.values("r, ed = train.run({model=m, out='\(out)', quiet=true, \(settings)})")
        XCTAssertEqual(lua.values("return r.ending, r.steps, r.out, r.best, r.last, type(r.best_validation_loss), r.seconds > 0"),
                       ["finished", "3", out, out + "/best.ckpt", out + "/last.ckpt", "number", "true"])
        let log = try String(contentsOfFile: out + "/log.jsonl", encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").count, 3)
        XCTAssertEqual(lua.values("return tostring(ed), ed.path, ed.training.tasks[1], ed.training.steps"),
                       ["MEND editor rank 4, 9 inner weights, trained on counterfact (instructions)", out + "/best.ckpt", "counterfact", "3"])
        // A run's best.ckpt carries no training settings; editor.load finds them in last.ckpt beside it.
        XCTAssertEqual(lua.values("return tostring(editor.load(r.best, m))"), ["MEND editor rank 4, 9 inner weights, trained on counterfact (instructions)"])
        XCTAssertEqual(lua.values("local e = ed:edit(m, {prompt='the cat is in', target=' paris', task='counterfact'}); e:undo(); return e.method"), ["mend"])

        // The same run through Core gives the same editor, parameter for parameter.
        var config = MetaTrainingConfig()
        config.tasks = ["counterfact"]; config.steps = 3; config.accumulation = 1; config.rank = 4
        config.validateEvery = 1; config.validationSize = 2; config.trainLimit = 6; config.saveEvery = 1; config.seed = 2
        let coreOut = folder.appendingPathComponent("core").path
        _ = try MetaTrainer(model: try LanguageModel.load(LuaFixture.tinyPath), config: config, runDirectory: coreOut).run()
        let fromLua = try EditorCheckpoint.read(from: out + "/best.ckpt").editor
        let fromCore = try EditorCheckpoint.read(from: coreOut + "/best.ckpt").editor
        XCTAssertEqual(Array(fromLua.parameters), Array(fromCore.parameters))
        XCTAssertEqual(Array(fromLua.stepSizes), Array(fromCore.stepSizes))
    }

    func testCtrlCSavesAndReturnsTheResults() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let folder = try LuaFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Ctrl-C once training is under way: the log gets a line per step.
        let log = folder.path + "/log.jsonl"
        let thread = Thread {
            for _ in 0..<3000 where !FileManager.default.fileExists(atPath: log) { usleep(10_000) }
            lua.interrupt()
        }
        thread.start()
        let start = Date()
        let result = lua.run("""
            r, ed = train.run({model=m, out='\(folder.path)', quiet=true, tasks={'counterfact'}, steps=1000000, accumulation=1,
                               rank=4, validate_every=1000000, validation_size=1, train_limit=6, save_every=1000000})
            return r.ending, r.steps > 0, r.steps < 1000000, tostring(ed), ed.path
            """, mode: .chunk)
        XCTAssertNil(result.error)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        XCTAssertEqual(result.values, ["interrupted", "true", "true", "MEND editor rank 4, 9 inner weights, trained on counterfact (instructions)", "nil"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path + "/last.ckpt"), "the resume checkpoint is saved")
        // The session runs on normally.
        XCTAssertEqual(lua.values("return 1 + 1"), ["2"])
    }

    func testArgumentErrors() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let folder = try LuaFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.path + "/run"
        let cases: [(String, String)] = [
            ("train.run({model=m})", "bad argument #1 to 'run' (field 'out': a run folder is needed"),
            ("train.run({model=m, out='\(out)', tasks={'nope'}})", "train: unknown task 'nope'"),
            ("train.run({model=m, out='\(out)', steps=0})", "train: 'steps' must be at least 1, got 0"),
            ("train.run({model=m, out='\(out)', lr=-1})", "train: 'lr' must be a positive number"),
            ("train.run({model=m, out='\(out)', step=3})", "unknown option 'step'"),
            ("train.run({model=5, out='\(out)'})", "(field 'model': Model expected, got number)"),
            ("train.run({model=m, out='\(out)', train_limit=0})", "field 'train_limit': positive integer expected, got 0"),
            ("e = editor.mend(m, {rank=4}):edit(m, {prompt='a b', target=' c'}); train.run({model=m, out='\(out)'})", "the model has 1 edit applied; meta-training needs the original weights (m:reset() undoes them)"),
        ]
        for (code, message) in cases {
            let error = lua.errorMessage(code)
            XCTAssertTrue(error.contains(message), "\(code): \(error)")
        }
    }
}
