import Foundation
import XCTest
@testable import Core

final class EditorCheckpointTests: XCTestCase {
    let model = EditorCheckpoint.ModelIdentity(name: "tiny", fingerprint: "layers=2 dim=4 ffn=6")
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// An editor with every part of its state non-trivial, and a training state to match.
    static func trainedEditor() throws -> (MENDEditor, EditorCheckpoint.TrainingState) {
        var rng = SeededRandom(seed: 31)
        let editor = try MENDEditorGradientTests.tinyEditor()
        try MENDEditorGradientTests.randomised(editor, &rng)
        var a = Adam(count: editor.parameters.count, learningRate: 1e-6)
        var b = Adam(count: editor.stepSizes.count, learningRate: 1e-4)
        for _ in 0..<2 {
            let g = randomFloats(editor.parameters.count, &rng), h = randomFloats(editor.stepSizes.count, &rng)
            try g.withUnsafeBufferPointer { try a.update(editor.parameters, gradients: $0) }
            try h.withUnsafeBufferPointer { try b.update(editor.stepSizes, gradients: $0) }
        }
        _ = rng.next()
        let state = EditorCheckpoint.TrainingState(editorOptimizer: a, stepSizeOptimizer: b, step: 17,
                                                   randomState: rng.state, bestValidationLoss: 1.25,
                                                   metadataJSON: #"{"tasks": ["counterfact", "recent"], "instructions": true}"#)
        return (editor, state)
    }

    func bits(_ x: some Sequence<Float>) -> [UInt32] { x.map(\.bitPattern) }

    func testRoundTripIsBitExact() throws {
        let (editor, state) = try Self.trainedEditor()
        let path = folder.appendingPathComponent("editor.iemend").path
        try EditorCheckpoint(model: model, editor: editor, training: state).write(to: path)
        let back = try EditorCheckpoint.read(from: path, expecting: model)
        XCTAssertEqual(back.model, model)
        XCTAssertEqual(back.editor.config, editor.config)
        XCTAssertEqual(bits(back.editor.parameters), bits(editor.parameters))
        XCTAssertEqual(bits(back.editor.stepSizes), bits(editor.stepSizes))
        XCTAssertEqual(back.editor.uStatistics, editor.uStatistics)
        XCTAssertEqual(back.editor.deltaStatistics, editor.deltaStatistics)
        XCTAssertGreaterThan(back.editor.uStatistics[0].count, 0)
        XCTAssertEqual(back.training, state)
        XCTAssertEqual(bits(back.training!.editorOptimizer.v), bits(state.editorOptimizer.v))
        XCTAssertEqual(try SeededRandom(state: back.training!.randomState), try SeededRandom(state: state.randomState))
        XCTAssertFalse(back.editor.isTraining)

        // The restored editor edits exactly as the original.
        var rng = SeededRandom(seed: 2)
        let c = MENDEditorGradientTests.cases(editor, &rng)[2]
        let t1 = try editor.transform(weight: 2, u: c.u, delta: c.delta, rows: c.rows)
        let t2 = try back.editor.transform(weight: 2, u: c.u, delta: c.delta, rows: c.rows)
        XCTAssertEqual(bits(editor.weightDelta(t1)), bits(back.editor.weightDelta(t2)))

        // Without training state, with an infinite best loss, and read without an expectation.
        try EditorCheckpoint(model: model, editor: editor).write(to: path)
        XCTAssertNil(try EditorCheckpoint.read(from: path).training)
        var inf = state
        inf.bestValidationLoss = .infinity
        try EditorCheckpoint(model: model, editor: editor, training: inf).write(to: path)
        XCTAssertEqual(try EditorCheckpoint.read(from: path).training?.bestValidationLoss, .infinity)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["editor.iemend"], "no temporary left behind")
    }

    func testFingerprintMismatchIsAnError() throws {
        let (editor, _) = try Self.trainedEditor()
        let path = folder.appendingPathComponent("e.iemend").path
        try EditorCheckpoint(model: model, editor: editor).write(to: path)
        for other in [EditorCheckpoint.ModelIdentity(name: "tiny", fingerprint: "layers=3 dim=4 ffn=6"),
                      EditorCheckpoint.ModelIdentity(name: "other", fingerprint: model.fingerprint)] {
            XCTAssertThrowsError(try EditorCheckpoint.read(from: path, expecting: other)) {
                let m = ($0 as? InstructEditError)?.message ?? ""
                XCTAssertTrue(m.contains("belongs to model 'tiny'") && m.contains(other.fingerprint), m)
            }
        }
    }

    func testTruncatedCorruptedAndForeignFilesAreErrors() throws {
        let (editor, state) = try Self.trainedEditor()
        let path = folder.appendingPathComponent("e.iemend").path
        try EditorCheckpoint(model: model, editor: editor, training: state).write(to: path)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = folder.appendingPathComponent("cut.iemend").path
        func expectError(_ data: Data, _ what: String, _ check: (String) -> Bool) throws {
            try data.write(to: URL(fileURLWithPath: cut))
            XCTAssertThrowsError(try EditorCheckpoint.read(from: cut, expecting: model), what) {
                let m = ($0 as? InstructEditError)?.message ?? "not an InstructEditError: \($0)"
                XCTAssertTrue(check(m) && m.contains(cut), "\(what): \(m)")
            }
        }
        var cuts = Array(0..<40) + Array(stride(from: 40, to: full.count, by: max(1, full.count / 97))) + [full.count - 1]
        cuts = Array(Set(cuts)).sorted()
        for n in cuts {
            try expectError(full.prefix(n), "cut at \(n) of \(full.count)") {
                n < 8 ? $0.contains("not an editor checkpoint") : $0.contains("truncated")
            }
        }
        for position in [20, full.count / 2, full.count - 2] {
            var bad = full
            bad[position] ^= 0x10
            try expectError(bad, "flipped byte \(position)") { $0.contains("corrupted") }
        }
        var future = full
        future[8] = 99
        try expectError(future, "version 99") { $0.contains("format version 99") && $0.contains("reads version 1") }
        try expectError(Data("hello, world, this is not a checkpoint".utf8), "text") { $0.contains("not an editor checkpoint") }
        XCTAssertThrowsError(try EditorCheckpoint.read(from: folder.appendingPathComponent("missing").path)) {
            XCTAssertTrue(($0 as? InstructEditError)?.message.contains("cannot read editor checkpoint") ?? false)
        }
    }

    /// zlib's CRC-32 values (Python: zlib.crc32), over lengths that exercise the 8-byte steps and the tail.
    func testChecksumIsStandardCRC32() {
        XCTAssertEqual(CRC32.checksum(Data("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum(Data((0..<3).flatMap { _ in (0...255).map(UInt8.init) } + Array("abc".utf8))), 0x9D3A_9924)
        XCTAssertEqual(CRC32.checksum(Data()), 0)
    }

    func testInconsistentTrainingStateIsRefused() throws {
        let (editor, state) = try Self.trainedEditor()
        var bad = state
        bad.editorOptimizer = Adam(count: 3, learningRate: 1)
        let path = folder.appendingPathComponent("e.iemend").path
        XCTAssertThrowsError(try EditorCheckpoint(model: model, editor: editor, training: bad).write(to: path))
        bad = state
        bad.metadataJSON = "{not json"
        XCTAssertThrowsError(try EditorCheckpoint(model: model, editor: editor, training: bad).write(to: path)) {
            XCTAssertTrue(($0 as? InstructEditError)?.message.contains("not valid JSON") ?? false)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}

/// Shipped editors are stored in half precision.
final class EditorCheckpointHalfPrecisionTests: XCTestCase {
    func testHalfPrecisionRoundTripRoundsOnlyTheWeights() throws {
        let model = EditorCheckpoint.ModelIdentity(name: "tiny", fingerprint: "layers=2 dim=4 ffn=6")
        let (editor, state) = try EditorCheckpointTests.trainedEditor()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("half-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let single = folder.appendingPathComponent("single.ckpt").path, half = folder.appendingPathComponent("half.ckpt").path
        try EditorCheckpoint(model: model, editor: editor).write(to: single)
        try EditorCheckpoint(model: model, editor: editor).write(to: half, precision: .half)
        let back = try EditorCheckpoint.read(from: half, expecting: model)
        XCTAssertEqual(Array(back.editor.parameters), editor.parameters.map { Float(Float16($0)) })
        XCTAssertEqual(Array(back.editor.stepSizes), editor.stepSizes.map { Float(Float16($0)) })
        XCTAssertEqual(back.editor.uStatistics, editor.uStatistics, "statistics stay exact")
        let sizes = try [single, half].map { try XCTUnwrap(FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) }
        XCTAssertLessThan(sizes[1], sizes[0])
        XCTAssertThrowsError(try EditorCheckpoint(model: model, editor: editor, training: state).write(to: half, precision: .half))
    }

    func testShippedNamesResolveAndPathsPassThrough() throws {
        XCTAssertEqual(try ShippedEditors.resolve("runs/x/best.ckpt"), "runs/x/best.ckpt")
        for name in [nil, "instructedit", "mend-multitask"] {
            let path = try ShippedEditors.resolve(name)
            XCTAssertTrue(path.hasSuffix(".ckpt") && FileManager.default.fileExists(atPath: path), path)
        }
    }
}
