import CKernels
import Foundation
import XCTest
@testable import Core
import TestSupport

/// Meta-training on a tiny model with the real data sets: the loss the editor is trained on falls,
/// and an interrupted run resumed from its checkpoint ends exactly where an uninterrupted one does.
final class MetaTrainerTests: XCTestCase {
    static func tinyModel() throws -> LanguageModel {
        var c = LlamaConfig.tiny
        c.layers = 4
        c.contextLength = 512   // byte-level tokens of instruction-rendered prompts
        return try TinyModel.model(config: c, seed: 7)
    }

    func config(steps: Int) -> MetaTrainingConfig { Self.config(steps: steps) }

    static func config(steps: Int) -> MetaTrainingConfig {
        var c = MetaTrainingConfig()
        c.tasks = ["counterfact", "recent"]
        c.steps = steps
        c.accumulation = 1
        c.rank = 8
        c.editorLearningRate = 1e-3
        c.stepSizeLearningRate = 1e-4
        c.cEdit = 1
        c.validateEvery = 1000
        c.validationSize = 3
        c.saveEvery = 5
        c.trainLimit = 4
        c.cLoc = 1
        c.patience = 4
        c.locality = [.own]
        return c
    }

    func runFolder() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("metatrain-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func testTrainingLowersTheValidationLoss() throws {
        let m = try Self.tinyModel()
        let trainer = try MetaTrainer(model: m, config: config(steps: 40), runDirectory: runFolder())
        trainer.editor.isTraining = true   // gather normalisation statistics as training would
        for _ in 0..<4 { _ = try trainer.accumulate(try trainer.sampleExample(), scale: 0) }
        trainer.editor.isTraining = false
        let before = try trainer.validate()
        let result = try trainer.run()
        let after = try trainer.validate()
        print("validation loss \(before) → \(after)")
        XCTAssertEqual(result.steps, 40)
        XCTAssertLessThan(after, before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.bestPath))
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.lastPath))
    }

    func testResumedRunEqualsUninterruptedRun() throws {
        let m = try Self.tinyModel()
        let straight = try MetaTrainer(model: m, config: config(steps: 10), runDirectory: runFolder())
        _ = try straight.run()
        let folder = runFolder()
        _ = try MetaTrainer(model: m, config: config(steps: 5), runDirectory: folder).run()
        let resumed = try MetaTrainer(model: m, config: config(steps: 10), runDirectory: folder)
        XCTAssertEqual(resumed.step, 5)
        _ = try resumed.run()
        XCTAssertEqual(resumed.step, 10)
        XCTAssertEqual(Array(resumed.editor.parameters), Array(straight.editor.parameters))
        XCTAssertEqual(Array(resumed.editor.stepSizes), Array(straight.editor.stepSizes))
        // Another configuration in the same folder is refused.
        var other = config(steps: 10)
        other.rank = 4
        XCTAssertThrowsError(try MetaTrainer(model: m, config: other, runDirectory: folder))
    }

    /// Ctrl-C inside a step stops the run after that step: the resumed run writes the same
    /// checkpoint bytes as an uninterrupted one, and its log has each step once.
    func testCtrlCInsideAStepResumesBitForBit() throws {
        let m = try Self.tinyModel()
        var c = config(steps: 8)
        c.validateEvery = 3
        c.accumulation = 2
        c.locality = [.own, .neighbour, .unrelated]
        let straightFolder = runFolder()
        _ = try MetaTrainer(model: m, config: c, runDirectory: straightFolder).run()

        let folder = runFolder()
        let first = try MetaTrainer(model: m, config: c, runDirectory: folder)
        first.onExample = { step in if step == 4 { Interrupt.request() } }
        let stopped = try first.run()
        XCTAssertEqual(stopped.ending, .interrupted)
        XCTAssertEqual(stopped.steps, 5, "the step under way when Ctrl-C came is finished, no more")
        // A save killed by kill -9 leaves a hidden temporary; the next start removes it.
        FileManager.default.createFile(atPath: folder + "/.dat.nosync123.abcdef", contents: Data(count: 64))
        let resumed = try MetaTrainer(model: m, config: c, runDirectory: folder)
        XCTAssertEqual(resumed.step, 5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/.dat.nosync123.abcdef"))
        XCTAssertEqual(try resumed.run().ending, .finished)
        for name in ["last.ckpt", "best.ckpt"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: straightFolder + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            XCTAssertEqual(a, b, "\(name) differs from the uninterrupted run's")
        }
        let steps = try String(contentsOfFile: folder + "/log.jsonl", encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int ?? -1
        }
        XCTAssertEqual(steps, Array(1...8))
    }

    func testBadSettingsAreRefusedBeforeTraining() throws {
        let m = try Self.tinyModel()
        for (change, word) in [({ (c: inout MetaTrainingConfig) in c.cEdit = .nan }, "c_edit"),
                               ({ (c: inout MetaTrainingConfig) in c.cLoc = .infinity }, "c_loc"),
                               ({ (c: inout MetaTrainingConfig) in c.cEdit = -1 }, "c_edit"),
                               ({ (c: inout MetaTrainingConfig) in c.locality = [] }, "locality"),
                               ({ (c: inout MetaTrainingConfig) in c.equivalence = [] }, "equivalence"),
                               ({ (c: inout MetaTrainingConfig) in c.equivalence = [.plain, .plain] }, "twice"),
                               ({ (c: inout MetaTrainingConfig) in c.instruct = false; c.equivalence = [.rephrase, .plain] }, "plain")] {
            var c = config(steps: 2)
            change(&c)
            XCTAssertThrowsError(try MetaTrainer(model: m, config: c, runDirectory: runFolder())) {
                XCTAssertTrue("\($0)".contains(word), "\($0)")
            }
        }
    }

    /// A run started from a trained editor begins with its networks, step sizes and statistics and
    /// a fresh optimiser; an editor of another rank is refused with both ranks named.
    func testInitStartsFromATrainedEditor() throws {
        let m = try Self.tinyModel()
        let first = try MetaTrainer(model: m, config: config(steps: 6), runDirectory: runFolder())
        _ = try first.run()
        var c = config(steps: 3)
        c.initialEditor = first.lastPath
        let continued = try MetaTrainer(model: m, config: c, runDirectory: runFolder())
        XCTAssertEqual(continued.step, 0)
        XCTAssertEqual(Array(continued.editor.parameters), Array(first.editor.parameters))
        XCTAssertEqual(Array(continued.editor.stepSizes), Array(first.editor.stepSizes))
        XCTAssertEqual(continued.editor.uStatistics, first.editor.uStatistics)
        XCTAssertEqual(continued.editorAdam.step, 0)
        let fresh = try MetaTrainer(model: m, config: config(steps: 3), runDirectory: runFolder())
        XCTAssertNotEqual(Array(fresh.editor.parameters), Array(first.editor.parameters))
        _ = try continued.run()
        XCTAssertNotEqual(Array(continued.editor.parameters), Array(first.editor.parameters), "the continued run trains")

        c.rank = 4
        XCTAssertThrowsError(try MetaTrainer(model: m, config: c, runDirectory: runFolder())) {
            XCTAssertTrue("\($0)".contains("rank-8") && "\($0)".contains("rank 4"), "\($0)")
        }
        c.rank = 8
        c.initialEditor = runFolder() + "/missing.ckpt"
        XCTAssertThrowsError(try MetaTrainer(model: m, config: c, runDirectory: runFolder()))
    }

    /// The schedules' factors, and a decayed run's optimiser ending at the last step's rate.
    func testLearningRateDecay() throws {
        typealias D = MetaTrainingConfig.LearningRateDecay
        XCTAssertEqual(D.linear.factor(step: 0, of: 4), 1)
        XCTAssertEqual(D.linear.factor(step: 3, of: 4), 0.25)
        XCTAssertEqual(D.cosine.factor(step: 0, of: 4), 1)
        XCTAssertEqual(D.cosine.factor(step: 2, of: 4), 0.5, accuracy: 1e-6)
        XCTAssertEqual(D.cosine.factor(step: 4, of: 4), 0, accuracy: 1e-6)
        let m = try Self.tinyModel()
        var c = config(steps: 4)
        c.lrDecay = .linear
        let t = try MetaTrainer(model: m, config: c, runDirectory: runFolder())
        _ = try t.run()
        XCTAssertEqual(t.editorAdam.learningRate, c.editorLearningRate / 4, accuracy: 1e-12)
        XCTAssertEqual(t.stepSizeAdam.learningRate, c.stepSizeLearningRate / 4, accuracy: 1e-12)
        // Decayed and constant runs from the same start part after the first step.
        let constant = try MetaTrainer(model: m, config: config(steps: 4), runDirectory: runFolder())
        _ = try constant.run()
        XCTAssertNotEqual(Array(constant.editor.parameters), Array(t.editor.parameters))
    }

    /// With `equivalence = [.rephrase, .plain]` each example carries the rephrase twice, with and
    /// without its instruction; L_edit averages both, so its gradient differs from the rephrase-only
    /// run's, and the run trains.
    func testPlainEquivalenceInputJoinsTheEditLoss() throws {
        let m = try Self.tinyModel()
        var c = config(steps: 3)
        c.equivalence = [.rephrase, .plain]
        let both = try MetaTrainer(model: m, config: c, runDirectory: runFolder())
        let example = try both.sampleExample()
        XCTAssertEqual(example.equivalences.count, 2)
        XCTAssertGreaterThan(example.equivalences[0].input.count, example.equivalences[1].input.count,
                             "the rephrase with its instruction is longer than without")
        XCTAssertEqual(example.equivalences[0].answer, example.equivalences[1].answer)
        let rephraseOnly = try MetaTrainer(model: m, config: config(steps: 3), runDirectory: runFolder())
        XCTAssertEqual(try rephraseOnly.sampleExample().equivalences.count, 1)
        _ = try both.run()
        _ = try rephraseOnly.run()
        XCTAssertNotEqual(Array(both.editor.parameters), Array(rephraseOnly.editor.parameters))
    }

    /// `equivalence = [.rephrase, .edit]` adds the edit input itself to L_edit (what Reliability
    /// scores); it needs no instructions, and the run's editor differs from the rephrase-only one.
    func testEditInputJoinsTheEditLoss() throws {
        let m = try Self.tinyModel()
        var c = config(steps: 3)
        c.instruct = false
        c.equivalence = [.rephrase, .edit]
        XCTAssertNoThrow(try c.validate())
        let both = try MetaTrainer(model: m, config: c, runDirectory: runFolder())
        let example = try both.sampleExample()
        XCTAssertEqual(example.equivalences.count, 2)
        XCTAssertEqual(example.equivalences[1].input, example.edit.input)
        XCTAssertEqual(example.equivalences[1].answer, example.edit.answer)
        XCTAssertNotEqual(example.equivalences[0].input, example.edit.input, "the rephrase is another prompt")
        var plainConfig = config(steps: 3)
        plainConfig.instruct = false
        let rephraseOnly = try MetaTrainer(model: m, config: plainConfig, runDirectory: runFolder())
        _ = try both.run()
        _ = try rephraseOnly.run()
        XCTAssertNotEqual(Array(both.editor.parameters), Array(rephraseOnly.editor.parameters))
    }

    /// `editWeight = .token`: an example's L_edit counts in proportion to its target's tokens over
    /// its task's mean, so the weights of a task's training records average 1; the run differs.
    func testTokenWeightCountsEveryTargetTokenOfATaskTheSame() throws {
        let m = try Self.tinyModel()
        var c = config(steps: 3)
        c.instruct = false
        c.editWeight = .token
        let weighted = try MetaTrainer(model: m, config: c, runDirectory: runFolder())
        for (t, pool) in weighted.pools.enumerated() {
            let lengths = pool.map { Float(m.tokenizer.encode(" " + $0.target).count) }
            let mean = lengths.reduce(0, +) / Float(lengths.count)
            XCTAssertEqual(weighted.meanTargetTokens[t], mean, accuracy: 1e-4)
            var random = SeededRandom(seed: 7)
            var sum: Float = 0
            for r in pool {
                let ex = try MetaTrainer.example(r, model: m, instructions: weighted.instructions, config: c,
                                                 meanTargetTokens: weighted.meanTargetTokens[t], fallback: weighted.localityPool.first, rng: &random)
                XCTAssertEqual(ex.editWeight, Float(ex.edit.answer.count) / mean, accuracy: 1e-5)
                sum += ex.editWeight
            }
            XCTAssertEqual(sum / Float(pool.count), 1, accuracy: 1e-4, "a task's total edit weight is unchanged")
            XCTAssertGreaterThan(Set(pool.map { m.tokenizer.encode(" " + $0.target).count }).count, 1, "the pool has targets of several lengths")
        }
        var plainConfig = config(steps: 3)
        plainConfig.instruct = false
        let unweighted = try MetaTrainer(model: m, config: plainConfig, runDirectory: runFolder())
        XCTAssertEqual(try unweighted.sampleExample().editWeight, 1)
        _ = try weighted.run()
        _ = try unweighted.run()
        XCTAssertNotEqual(Array(weighted.editor.parameters), Array(unweighted.editor.parameters))
    }

    /// A run folder resumed with other settings is refused, naming each setting that differs.
    func testResumingWithOtherSettingsNamesTheDifference() throws {
        let m = try Self.tinyModel()
        let folder = runFolder()
        var c = config(steps: 1)
        c.instruct = false
        _ = try MetaTrainer(model: m, config: c, runDirectory: folder).run()
        var other = c
        other.editWeight = .token
        other.cLoc = 2
        XCTAssertThrowsError(try MetaTrainer(model: m, config: other, runDirectory: folder)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("another configuration (cLoc: 1 there, 2 here; editWeight: unset there, \"token\" here)"), text)
        }
        other = c
        other.steps = 2   // only the step budget may differ
        XCTAssertNoThrow(try MetaTrainer(model: m, config: other, runDirectory: folder))
    }

    /// `edit_weight = "example"` (the default) is stored as nil, so older checkpoints still resume.
    func testDefaultEditWeightDecodesToNil() throws {
        var c = MetaTrainingConfig()
        try OptionDecoder.decode(from: .table(["edit_weight": .text("example")])) { try c.update(from: $0) }
        XCTAssertNil(c.editWeight)
        try OptionDecoder.decode(from: .table(["edit_weight": .text("token")])) { try c.update(from: $0) }
        XCTAssertEqual(c.editWeight, .token)
        XCTAssertThrowsError(try OptionDecoder.decode(from: .table(["edit_weight": .text("tokens")])) { try c.update(from: $0) }) {
            XCTAssertTrue("\($0)".contains("edit_weight"), "\($0)")
        }
    }

    /// `[.rephrase]` is stored as nil, so checkpoints written before the setting still resume.
    func testDefaultEquivalenceDecodesToNil() throws {
        var c = MetaTrainingConfig()
        try OptionDecoder.decode(from: .table(["equivalence": .text("rephrase")])) { try c.update(from: $0) }
        XCTAssertNil(c.equivalence)
        try OptionDecoder.decode(from: .table(["equivalence": .text("rephrase,plain")])) { try c.update(from: $0) }
        XCTAssertEqual(c.equivalence, [.rephrase, .plain])
    }
}

/// The helper thread that computes the next step's unedited passes (`ExamplePrefetcher`) changes
/// when values are computed, never what they are.
final class PrefetchingTrainerTests: XCTestCase {
    func testPrefetchingRunWritesTheSameCheckpointBytes() throws {
        let m = try MetaTrainerTests.tinyModel()
        var c = MetaTrainerTests.config(steps: 7)
        c.validateEvery = 3
        c.accumulation = 2
        c.locality = [.own, .neighbour, .unrelated]
        c.instruct = true
        var folders: [String] = []
        for prefetch in [false, true] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID().uuidString)").path
            addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
            let trainer = try MetaTrainer(model: m, config: c, runDirectory: folder)
            trainer.prefetch = prefetch
            XCTAssertEqual(try trainer.run().ending, .finished)
            if prefetch { XCTAssertGreaterThan(trainer.prefetchedDistributions, 0, "the helper computed nothing") }
            folders.append(folder)
        }
        for name in ["last.ckpt", "best.ckpt", "log.jsonl"] {
            var contents = try folders.map { try String(decoding: Data(contentsOf: URL(fileURLWithPath: $0 + "/" + name)), as: UTF8.self) }
            if name == "log.jsonl" {   // the step rate differs, nothing else may
                contents = contents.map { $0.replacingOccurrences(of: #""steps_per_s":[0-9.e+-]+"#, with: "", options: .regularExpression) }
            }
            XCTAssertEqual(contents[0], contents[1], "\(name) differs with prefetching")
        }
    }

    /// Every product, norm and softmax of a step is our fixed-order arithmetic, so a run writes the
    /// same checkpoint on every vector path, and so on every CPU (OpenBLAS is not used).
    func testARunWritesTheSameBytesOnEveryVectorPath() throws {
        let m = try MetaTrainerTests.tinyModel()
        var c = MetaTrainerTests.config(steps: 3)
        c.accumulation = 2
        c.locality = [.own, .neighbour]
        c.instruct = true
        defer { _ = ie_set_kernel_path(-1) }
        var checkpoints: [Int32: Data] = [:]
        for path in Int32(IE_PATH_PORTABLE)...ie_kernel_path_supported() {
            XCTAssertEqual(ie_set_kernel_path(path), path)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paths-\(UUID().uuidString)").path
            addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
            let trainer = try MetaTrainer(model: m, config: c, runDirectory: folder)
            XCTAssertEqual(try trainer.run().ending, .finished)
            checkpoints[path] = try Data(contentsOf: URL(fileURLWithPath: folder + "/last.ckpt"))
        }
        for (path, bytes) in checkpoints { XCTAssertEqual(bytes, checkpoints[Int32(IE_PATH_PORTABLE)], "path \(path)") }
    }

    /// Ctrl-C while the helper thread works stops the run after the step under way, and the helper
    /// neither swallows the request nor outlives the run.
    func testCtrlCReachesAPrefetchingRun() throws {
        let m = try MetaTrainerTests.tinyModel()
        var c = MetaTrainerTests.config(steps: 8)
        c.accumulation = 2
        c.locality = [.own, .neighbour, .unrelated]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let trainer = try MetaTrainer(model: m, config: c, runDirectory: folder)
        trainer.prefetch = true
        trainer.onExample = { step in if step == 2 { Interrupt.request() } }
        let result = try trainer.run()
        XCTAssertEqual(result.ending, .interrupted)
        XCTAssertEqual(result.steps, 3)
        XCTAssertFalse(Interrupt.isRequested)
    }
}

/// The residual cache shared by a trainer and its helper thread.
final class ResidualCacheTests: XCTestCase {
    func testThreadsAskingForTheSameInputsGetOneComputationEach() throws {
        let m = try MetaTrainerTests.tinyModel()
        let w = m.network
        let cache = ResidualCache(block: 3)
        cache.addPrefix([10, 11, 12, 13])
        let inputs: [[Int]] = (0..<12).map { i in i % 2 == 0 ? [10, 11, 12, 13, 20 + i, 5] : [30 + i, 31, 32, 7 + i] }
        let results = UncheckedSendable(NSMutableArray())
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            let got = inputs.map { try? cache.residual(w, $0) }
            results.value.add(got)
        }
        let reference = ResidualCache(block: 3)
        reference.addPrefix([10, 11, 12, 13])
        let expected = try inputs.map { try reference.residual(w, $0) }
        for case let got as [[Float]?] in results.value { XCTAssertEqual(got.map { $0 ?? [] }, expected) }
        XCTAssertEqual(cache.misses, inputs.count, "each input is computed once")
        XCTAssertEqual(cache.hits, 3 * inputs.count)
    }

    /// When full, the oldest inputs make room: what a helper computed ahead is kept for its owner.
    func testAFullCacheDropsItsOldestInputs() throws {
        let m = try MetaTrainerTests.tinyModel()
        let w = m.network
        let one = try w.residual(tokens: [1, 2, 3], atBlock: 2).count
        let cache = ResidualCache(block: 2, capacityBytes: 4 * (2 * one))
        for t in [[1, 2, 3], [4, 5, 6], [7, 8, 9]] { _ = try cache.residual(w, t) }
        XCTAssertFalse(cache.contains([1, 2, 3]))
        XCTAssertTrue(cache.contains([4, 5, 6]))
        XCTAssertTrue(cache.contains([7, 8, 9]))
        XCTAssertEqual(try cache.residual(w, [7, 8, 9]), try w.residual(tokens: [7, 8, 9], atBlock: 2))
        XCTAssertEqual(cache.hits, 1)
    }

    func testAShieldedThreadLeavesCtrlCToItsOwner() throws {
        Interrupt.request()
        let helper = HelperQueue(label: "test.shield")
        let threw = UncheckedSendable(NSMutableArray())
        helper.async { do { try Interrupt.check() } catch { threw.value.add(error) } }
        helper.stop()
        XCTAssertEqual(threw.value.count, 0)
        XCTAssertThrowsError(try Interrupt.check())
    }
}
