/// A bounds-checked little-endian cursor over raw bytes. Every read checks the remaining length
/// first, so a truncated or corrupted file throws instead of reading past the end.
struct BoundedReader {
    let bytes: UnsafeRawBufferPointer
    /// Names the file in error messages.
    let source: String
    private(set) var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer, source: String, offset: Int = 0) {
        self.bytes = bytes; self.source = source; self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes exist; `what` says what was being read.
    func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw InstructEditError("\(source): truncated or corrupt file: \(what()) needs \(count) bytes at offset \(offset), only \(max(remaining, 0)) left")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Reads a u64-length-prefixed UTF-8 string (GGUF's string encoding).
    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let n = try read(UInt64.self, "length of " + what())
        guard n <= UInt64(remaining) else {
            throw InstructEditError("\(source): truncated or corrupt file: \(what()) claims \(n) bytes at offset \(offset), only \(remaining) left")
        }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(n)]), as: UTF8.self)
        offset += Int(n)
        return s
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        try need(count, what())
        offset += count
    }
}
