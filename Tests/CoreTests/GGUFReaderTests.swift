import Foundation
import XCTest
@testable import Core

/// The GGUF reader: metadata of every type, versions, alignment, and errors (never crashes) on
/// malformed input.
final class GGUFReaderTests: XCTestCase {
    private func parse(_ bytes: [UInt8]) throws -> GGUFFile {
        try GGUFFile(file: MappedFile(copying: bytes, name: "test.gguf"))
    }

    private func assertThrows(_ bytes: [UInt8], mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try parse(bytes)
            XCTFail("parsed a malformed file", file: file, line: line)
        } catch let e as InstructEditError {
            for w in words { XCTAssertTrue(e.message.contains(w), "'\(e.message)' lacks '\(w)'", file: file, line: line) }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    static let allTypes: [(String, GGUFValue)] = [
        ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
        ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)),
        ("u64", .uint64(UInt64.max - 1)), ("i64", .int64(Int64.min + 1)),
        ("f32", .float32(-3.25e-7)), ("f64", .float64(1.0 / 3.0)), ("yes", .bool(true)), ("no", .bool(false)),
        ("text", .string("naïve 日本語 😀 \n\t")), ("empty", .string("")),
        ("ints", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
        ("strings", .array(.string, [.string("a b"), .string(""), .string("Ġcapital")])),
        ("none", .array(.float64, [])),
        ("nested", .array(.array, [.array(.uint8, [.uint8(1), .uint8(2)]), .array(.uint8, []),
                                   .array(.array, [.array(.string, [.string("deep")])])])),
    ]

    private func sampleFile(alignment: Int = 32) throws -> [UInt8] {
        var w = GGUFWriter(alignment: alignment)
        for (k, v) in Self.allTypes { w.set(k, v) }
        try w.addTensor("a", shape: [3, 5], values: (0..<15).map { Float($0) - 7.5 })
        try w.addTensor("b", shape: [7], values: (0..<7).map { Float($0) * 0.1 }, type: .f16)
        try w.addTensor("c", shape: [2, 1, 3, 2], values: (0..<12).map { Float($0) })
        return Array(try w.encoded())
    }

    func testMetadataOfEveryTypeRoundTrips() throws {
        let g = try parse(sampleFile())
        XCTAssertEqual(g.version, 3)
        XCTAssertEqual(g.metadataKeys, Self.allTypes.map(\.0))
        for (k, v) in Self.allTypes { XCTAssertEqual(g.metadata[k], v, k) }
        XCTAssertNil(g.metadata["u64"]?.int)  // beyond Int's range
        XCTAssertEqual(g.metadata["i32"]?.int, -2_000_000_000)
        XCTAssertEqual(g.metadata["f32"]?.double, Double(Float(-3.25e-7)))
    }

    func testTensorTableAndData() throws {
        let g = try parse(sampleFile())
        XCTAssertEqual(g.tensors.map(\.name), ["a", "b", "c"])
        let a = try XCTUnwrap(g.tensor(named: "a"))
        XCTAssertEqual(a.dims, [5, 3])
        XCTAssertEqual(a.shape, [3, 5])
        XCTAssertEqual(a.type, .f32)
        XCTAssertEqual(try g.floats("a"), (0..<15).map { Float($0) - 7.5 })
        XCTAssertEqual(try g.floats("b"), (0..<7).map { Float(Float16(Float($0) * 0.1)) })
        XCTAssertEqual(g.tensor(named: "c")?.shape, [2, 1, 3, 2])
        XCTAssertEqual(try g.floats("c"), (0..<12).map { Float($0) })
        XCTAssertEqual(g.dataOffset % 32, 0)
        for t in g.tensors { XCTAssertEqual((t.fileOffset - g.dataOffset) % 32, 0) }
        XCTAssertThrowsError(try g.floats("missing"))
    }

    func testCustomAlignment() throws {
        let g = try parse(sampleFile(alignment: 256))
        XCTAssertEqual(g.alignment, 256)
        XCTAssertEqual(g.metadata["general.alignment"], .uint32(256))
        XCTAssertEqual(g.dataOffset % 256, 0)
        for t in g.tensors { XCTAssertEqual(t.fileOffset % 256, 0) }
        XCTAssertEqual(try g.floats("a"), (0..<15).map { Float($0) - 7.5 })
        var w = GGUFWriter(alignment: 48)
        w.set("x", .bool(true))
        XCTAssertThrowsError(try w.encoded())
    }

    func testVersion2IsReadAndOthersRejected() throws {
        var bytes = try sampleFile()
        bytes[4] = 2
        XCTAssertEqual(try parse(bytes).version, 2)
        XCTAssertEqual(try parse(bytes).metadata["text"], .string("naïve 日本語 😀 \n\t"))
        bytes[4] = 1
        assertThrows(bytes, mentioning: ["version 1"])
        bytes[4] = 4
        assertThrows(bytes, mentioning: ["version 4"])
        bytes[4] = 0; bytes[7] = 3
        assertThrows(bytes, mentioning: ["big-endian"])
    }

    func testWriterIsAtomicAndReadableFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.gguf").path
        var w = GGUFWriter()
        w.set("k", .string("v"))
        try w.addTensor("t", shape: [2, 32], values: (0..<64).map(Float.init))
        try w.write(to: path)
        try w.write(to: path)  // overwrite in place
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["t.gguf"])
        let g = try GGUFFile(path: path)
        XCTAssertEqual(try g.floats("t"), (0..<64).map(Float.init))
        XCTAssertThrowsError(try GGUFFile(path: dir.appendingPathComponent("absent.gguf").path))
        XCTAssertThrowsError(try GGUFFile(path: dir.path))
    }

    func testWriterRejectsBadInput() {
        var w = GGUFWriter()
        XCTAssertThrowsError(try w.addTensor("t", shape: [2, 3], values: [1, 2]))
        XCTAssertThrowsError(try w.addTensor("t", shape: [], values: []))
        XCTAssertThrowsError(try w.addTensor("t", shape: [1], values: [1], type: .q8_0))
        XCTAssertNoThrow(try w.addTensor("t", shape: [1], values: [1]))
        XCTAssertThrowsError(try w.addTensor("t", shape: [1], values: [1]))
        w.set("bad", .array(.int32, [.int32(1), .string("x")]))
        XCTAssertThrowsError(try w.encoded())
    }

    // MARK: malformed files

    func testBadMagicAndTinyFiles() throws {
        assertThrows([], mentioning: ["not a GGUF file"])
        assertThrows(Array("GGU".utf8), mentioning: ["not a GGUF file"])
        assertThrows(Array("GGML\u{3}\0\0\0".utf8) + [UInt8](repeating: 0, count: 16), mentioning: ["bad magic"])
        let dir = FileManager.default.temporaryDirectory
        let empty = dir.appendingPathComponent("empty-\(UUID().uuidString).gguf")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try GGUFFile(path: empty.path))
    }

    /// Header fields at known offsets: magic 0, version 4, tensor count 8, metadata count 16.
    private func patch(_ bytes: [UInt8], at offset: Int, u64 value: UInt64) -> [UInt8] {
        var b = bytes
        withUnsafeBytes(of: value.littleEndian) { for (i, x) in $0.enumerated() { b[offset + i] = x } }
        return b
    }

    func testAbsurdCountsAndLengths() throws {
        let good = try sampleFile()
        assertThrows(patch(good, at: 8, u64: 1 << 60), mentioning: ["tensors"])
        assertThrows(patch(good, at: 16, u64: UInt64.max), mentioning: ["metadata"])
        assertThrows(patch(good, at: 24, u64: 1 << 62), mentioning: ["metadata key #0"])  // first key length
        // First value: key "u8" (8 + 2 bytes), type at 34, value at 38. Make it an array with a huge count.
        var b = good
        b[34] = 9
        b[38] = 0; b[39] = 0; b[40] = 0; b[41] = 0  // element type u8
        assertThrows(b, mentioning: []) // either a count error or a later mismatch, but an error
        b = patch(b, at: 42, u64: 1 << 50)
        assertThrows(b, mentioning: ["u8", "claims"])
        // Unknown value type.
        b = good
        b[34] = 99
        assertThrows(b, mentioning: ["unknown value type 99"])
    }

    /// Builds a file with one tensor whose table entry is chosen by the test.
    private func oneTensor(dims: [UInt64], type: UInt32, offset: UInt64, data: Int = 64, nd: UInt32? = nil) -> [UInt8] {
        var b: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        u32(GGUFFile.magic); u32(3); u64(1); u64(0)
        u64(1); b += Array("t".utf8)
        u32(nd ?? UInt32(dims.count)); for d in dims { u64(d) }
        u32(type); u64(offset)
        while b.count % 32 != 0 { b.append(0) }
        return b + [UInt8](repeating: 0, count: data)
    }

    func testTensorTableErrors() throws {
        XCTAssertNoThrow(try parse(oneTensor(dims: [16], type: 0, offset: 0)))
        XCTAssertEqual(try parse(oneTensor(dims: [16], type: 0, offset: 0)).floats("t"), [Float](repeating: 0, count: 16))
        assertThrows(oneTensor(dims: [17], type: 0, offset: 0), mentioning: ["'t'", "past the end"])
        assertThrows(oneTensor(dims: [16], type: 0, offset: 32), mentioning: ["'t'", "past the end"])
        assertThrows(oneTensor(dims: [16], type: 0, offset: 1 << 62), mentioning: ["'t'"])
        assertThrows(oneTensor(dims: [4], type: 0, offset: 3), mentioning: ["alignment"])
        assertThrows(oneTensor(dims: [1 << 30, 1 << 30], type: 0, offset: 0), mentioning: ["absurdly large"])
        assertThrows(oneTensor(dims: [0], type: 0, offset: 0), mentioning: ["dimension 0"])
        assertThrows(oneTensor(dims: [], type: 0, offset: 0), mentioning: ["0 dimensions"])
        assertThrows(oneTensor(dims: [1, 1, 1, 1, 1], type: 0, offset: 0), mentioning: ["5 dimensions"])
        assertThrows(oneTensor(dims: [2], type: 0, offset: 0, nd: 1 << 31), mentioning: ["dimensions"])
        assertThrows(oneTensor(dims: [48], type: 8, offset: 0), mentioning: ["block size 32"])
        // A type this reader cannot dequantise parses, but reading it names the tensor and type.
        let k = try parse(oneTensor(dims: [256], type: 14, offset: 0, data: 256))
        XCTAssertThrowsError(try k.floats("t")) { e in
            let m = (e as? InstructEditError)?.message ?? ""
            XCTAssertTrue(m.contains("'t'") && m.contains("Q6_K"), m)
        }
        let unknown = try parse(oneTensor(dims: [4], type: 77, offset: 0))
        XCTAssertThrowsError(try unknown.floats("t")) { e in
            XCTAssertTrue(((e as? InstructEditError)?.message ?? "").contains("type code 77"))
        }
    }

    func testDuplicateNamesAreErrors() throws {
        var w = GGUFWriter()
        w.addRawTensor("x", dims: [1], type: .f32, bytes: [0, 0, 0, 0])
        w.addRawTensor("x", dims: [1], type: .f32, bytes: [0, 0, 0, 0])
        assertThrows(Array(try w.encoded()), mentioning: ["'x' appears twice"])
        // Duplicate metadata key: rename key "i8" (second entry) to "u8".
        var b = try sampleFile()
        let keyAt = 24 + 8 + 2 + 4 + 1  // after the first entry: key length, "u8", type, value
        XCTAssertEqual(Array(b[keyAt + 8..<keyAt + 10]), Array("i8".utf8))
        b[keyAt + 8] = UInt8(ascii: "u")
        assertThrows(b, mentioning: ["'u8' appears twice"])
    }

    /// Every prefix of a valid file is an error, never a crash; the same for corrupted bytes.
    func testTruncationAtEveryHeaderByteAndThroughTheData() throws {
        let good = try sampleFile()
        let g = try parse(good)
        var cuts = Array(0..<g.dataOffset)
        let dataEnd = g.tensors.map { $0.fileOffset + ($0.byteCount ?? 0) }.max() ?? good.count
        cuts += stride(from: g.dataOffset, to: dataEnd, by: 3)  // (padding after the last tensor is optional)
        for cut in cuts {
            XCTAssertThrowsError(try parse(Array(good[0..<cut])), "cut at \(cut)")
        }
        XCTAssertNoThrow(try parse(good))
    }

    func testRandomCorruptionNeverCrashes() throws {
        let good = try sampleFile()
        var state: UInt64 = 12345
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var errors = 0
        for _ in 0..<3000 {
            var b = good
            for _ in 0..<(1 + next() % 4) { b[next() % 400] = UInt8(truncatingIfNeeded: next()) }
            do {
                let g = try parse(b)
                for t in g.tensors { _ = try? g.floats(t.name) }
            } catch is InstructEditError { errors += 1 }
        }
        XCTAssertGreaterThan(errors, 100)
    }
}
