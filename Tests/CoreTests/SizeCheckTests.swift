import Foundation
import XCTest
@testable import Core

/// The one size check (issue 13): overflow-checked products where a zero hides nothing, used by
/// tensors, editor configurations and checkpoint headers before anything is allocated.
final class SizeCheckTests: XCTestCase {
    func testZerosDoNotHideHugeSizes() throws {
        XCTAssertEqual(try SizeCheck.elements([2, 3]).get(), 6)
        XCTAssertEqual(try SizeCheck.elements([0, 1000, 1000]).get(), 0)
        XCTAssertEqual(try SizeCheck.elements([]).get(), 1)
        XCTAssertEqual(SizeCheck.elements([0, 1 << 31, 1 << 31]), .failure(.tooLarge(limit: SizeCheck.maxElements)))
        XCTAssertEqual(SizeCheck.elements([0, 1 << 62, 1 << 62]), .failure(.tooLarge(limit: SizeCheck.maxElements)))
        XCTAssertEqual(SizeCheck.elements([3, -1]), .failure(.negative(dimension: 1, size: -1)))
        XCTAssertThrowsError(try Tensor.zeros([0, 1 << 31, 1 << 31]))
        XCTAssertThrowsError(try SizeCheck.sum([Int.max, 1], what: "concat"))
        XCTAssertThrowsError(try SizeCheck.count(-1, "--n", in: 1...10)) {
            XCTAssertEqual(($0 as? InstructEditError)?.message, "--n must be from 1 to 10, got -1")
        }
    }

    /// Every shape derived from an accepted one stays accepted: reductions of zero-sized tensors.
    func testReductionsOfZeroSizedTensorsStayInBudget() throws {
        let t = try Tensor.zeros([0, 1000, 1000])
        XCTAssertEqual(try t.sum(dim: 0).shape, [1000, 1000])
        XCTAssertEqual(try t.mean(dim: 0).shape, [1000, 1000])
        XCTAssertThrowsError(try Tensor.zeros([1 << 20, 0]).matmul(Tensor.zeros([0, 1 << 20])))
        XCTAssertThrowsError(try Tensor.zeros([0]).reshape([0, 1 << 40, 1 << 40]))
    }

    func testEditorConfigurationsPastTheBudgetAreRefused() throws {
        let weights = [MENDConfig.InnerWeight(name: "w", rows: 1536, cols: 576)]
        XCTAssertNoThrow(try MENDConfig(innerWeights: weights, rank: 576).validate())
        for config in [MENDConfig(innerWeights: weights, rank: 1_000_000_000),
                       MENDConfig(innerWeights: weights, rank: 1 << 62),
                       MENDConfig(innerWeights: [.init(name: "w", rows: 1_000_000_000, cols: 4)], rank: 2),
                       MENDConfig(innerWeights: [.init(name: "w", rows: Int.max, cols: Int.max)], rank: 2)] {
            XCTAssertThrowsError(try MENDEditor(config: config)) {
                XCTAssertTrue(($0 as? InstructEditError)?.message.contains("editor parameters (the limit)") ?? false, "\($0)")
            }
        }
    }

    /// A checkpoint with a valid checksum whose header asks for a rank of 1e12, or an inner weight
    /// of 1e9 rows: an error naming the file, before any allocation.
    func testCheckpointHeadersAskingForHugeEditorsAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sizecheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let editor = try MENDEditor(config: MENDConfig(innerWeights: [.init(name: "w", rows: 6, cols: 4)], rank: 2))
        let identity = EditorCheckpoint.ModelIdentity(name: "tiny", fingerprint: "f")
        let path = folder.appendingPathComponent("editor.ckpt").path
        try EditorCheckpoint(model: identity, editor: editor).write(to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let (header, payload) = try CheckpointContainer.decode(data, version: EditorCheckpoint.formatVersion, path: path)
        let text = String(decoding: header, as: UTF8.self)
        XCTAssertTrue(text.contains("\"rank\":2") && text.contains("\"rows\":6"), text)
        for (from, to) in [("\"rank\":2", "\"rank\":1000000000000"), ("\"rows\":6", "\"rows\":1000000000")] {
            let hostile = Data(text.replacingOccurrences(of: from, with: to).utf8)
            let file = CheckpointContainer.encode(header: hostile, version: EditorCheckpoint.formatVersion,
                                                  payload: [data.subdata(in: payload)])
            let bad = folder.appendingPathComponent("hostile.ckpt").path
            try file.write(to: URL(fileURLWithPath: bad))
            XCTAssertThrowsError(try EditorCheckpoint.read(from: bad)) {
                let message = ($0 as? InstructEditError)?.message ?? "\($0)"
                XCTAssertTrue(message.hasPrefix("editor checkpoint '\(bad)': MEND config:") && message.contains("the limit"), message)
            }
        }
    }
}
