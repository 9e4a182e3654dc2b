import XCTest
@testable import Core

final class NpyTests: XCTestCase {
    private var shared: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }

    func testLoadsReferenceLogits() throws {
        let t = try Npy.load(shared.appendingPathComponent("reference/smollm2_prompt0_logits.npy").path)
        XCTAssertEqual(t.shape, [5, 49152])
        // The last row's argmax must match the reference top-1 of prompt 0.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: shared.appendingPathComponent("reference/smollm2_reference.json"))) as? [String: Any]
        let prompts = try XCTUnwrap(json?["prompts"] as? [[String: Any]])
        let full = try XCTUnwrap(prompts[0]["last_logits_full"] as? [Double])
        let last = try t.select(0, 4)
        XCTAssertEqual(full.count, 49152)
        XCTAssertTrue(last.allclose(Tensor(full.map(Float.init)), rtol: 1e-5, atol: 1e-5))
    }

    func testRoundTripAndAtomicWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for shape in [[2, 3, 4], [7], []] {
            let t = try Tensor.randn(shape, seed: 9)
            let path = dir.appendingPathComponent("t.npy").path
            try Npy.save(t, to: path)
            XCTAssertEqual(try Npy.load(path), t)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertEqual((bytes.count - t.count * 4) % 64, 0)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["t.npy"])
    }

    /// Builds a .npy by hand with the given header dict and payload.
    private func npy(_ dict: String, _ payload: [UInt8]) -> Data {
        var header = dict
        while (10 + header.utf8.count + 1) % 16 != 0 { header += " " }
        header += "\n"
        var d = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0])
        d.append(contentsOf: Array(header.utf8))
        d.append(contentsOf: payload)
        return d
    }

    private func bytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    func testOtherDtypes() throws {
        let f8 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", bytes([1.5, -2.0]))
        XCTAssertEqual(try Npy.decode(f8).data, [1.5, -2])
        let i4 = npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 3), }", bytes([Int32(1), -7, 42]))
        XCTAssertEqual(try Npy.decode(i4), Tensor(shape: [1, 3], data: [1, -7, 42]))
        let i8 = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", bytes([Int64(3), 49151]))
        XCTAssertEqual(try Npy.decode(i8).data, [3, 49151])
    }

    func testClearErrors() {
        func message(_ data: Data) -> String {
            do { _ = try Npy.decode(data, name: "x.npy"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", bytes([Float(1), 2]))).contains("Fortran order"))
        XCTAssertTrue(message(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", [0, 0, 0, 0])).contains("dtype '<f2'"))
        XCTAssertTrue(message(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", [0, 0, 0, 0])).contains("dtype '>f4'"))
        XCTAssertTrue(message(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", bytes([Float(1), 2]))).contains("truncated"))
        XCTAssertTrue(message(Data("hello".utf8)).contains("not a .npy file"))
        XCTAssertTrue(message(Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 200, 0, 1])).contains("truncated in its header"))
    }
}
