import Foundation

/// NumPy's .npy format (version 1.0-3.0): a magic string, a header dict giving dtype, order and
/// shape, then the raw data. Reads little-endian float32, float64, int32 and int64 in C order into
/// a Float tensor; writes float32.
public enum Npy {
    /// Reads a .npy file into a tensor.
    public static func load(_ path: String) throws -> Tensor {
        try decode(FileAccess.read(path, what: ".npy file"), name: path)
    }

    /// Parses .npy bytes; `name` appears in error messages.
    public static func decode(_ bytes: Data, name: String = "npy data") throws -> Tensor {
        let b = [UInt8](bytes)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard b.count >= 10, Array(b[0..<6]) == magic else {
            throw InstructEditError("npy: \(name) is not a .npy file (missing the \\x93NUMPY magic)")
        }
        let major = b[6]
        let (headerLength, headerStart): (Int, Int)
        switch major {
        case 1: (headerLength, headerStart) = (Int(b[8]) | Int(b[9]) << 8, 10)
        case 2, 3:
            guard b.count >= 12 else { throw InstructEditError("npy: \(name) is truncated in its header") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            headerStart = 12
        default: throw InstructEditError("npy: \(name) has unsupported format version \(major)")
        }
        guard b.count >= headerStart + headerLength else { throw InstructEditError("npy: \(name) is truncated in its header") }
        guard let header = String(bytes: b[headerStart..<(headerStart + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw InstructEditError("npy: \(name) has an unreadable header")
        }
        let dtype = try field("descr", in: header, name: name)
        let fortran = try field("fortran_order", in: header, name: name)
        let shapeText = try field("shape", in: header, name: name)
        guard fortran == "False" else {
            throw InstructEditError("npy: \(name) is in Fortran order; only C order is supported (save with np.ascontiguousarray)")
        }
        let shape = try parseShape(shapeText, name: name)
        let n = shape.reduce(1, *)
        let dataStart = headerStart + headerLength
        let kinds: [String: Int] = ["<f4": 4, "<f8": 8, "<i4": 4, "<i8": 8, "|f4": 4]
        guard let width = kinds[dtype] else {
            throw InstructEditError("npy: \(name) has dtype '\(dtype)'; supported: <f4 (float32), <f8, <i4, <i8 (little-endian)")
        }
        guard b.count - dataStart >= n * width else {
            throw InstructEditError("npy: \(name) is truncated: shape \(Tensor.describe(shape)) needs \(n * width) data bytes, found \(b.count - dataStart)")
        }
        var values = [Float](repeating: 0, count: n)
        b.withUnsafeBytes { raw in
            let p = raw.baseAddress! + dataStart
            switch dtype {
            case "<f8": for i in 0..<n { values[i] = Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))) }
            case "<i4": for i in 0..<n { values[i] = Float(Int32(littleEndian: p.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))) }
            case "<i8": for i in 0..<n { values[i] = Float(Int64(littleEndian: p.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))) }
            default: for i in 0..<n { values[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            }
        }
        return Tensor(shape: shape, data: values)
    }

    /// Writes `tensor` as a float32 .npy file, atomically.
    public static func save(_ tensor: Tensor, to path: String) throws {
        try FileAccess.write(encode(tensor), to: path, what: ".npy file")
    }

    /// The .npy (version 1.0, `<f4`, C order) bytes of `tensor`.
    public static func encode(_ tensor: Tensor) -> Data {
        let dims = tensor.shape.map(String.init)
        let shape = "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Pad with spaces so the data starts on a 64-byte boundary; the header ends in a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        out.append(contentsOf: Array(header.utf8))
        var le = tensor.data.map { $0.bitPattern.littleEndian }
        out.append(Data(bytes: &le, count: le.count * 4))
        return out
    }

    /// The text of `'key': value` in the header dict, up to the next top-level comma or brace.
    private static func field(_ key: String, in header: String, name: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\""),
              let colon = header[keyRange.upperBound...].firstIndex(of: ":") else {
            throw InstructEditError("npy: \(name) header has no '\(key)' entry: \(header)")
        }
        var depth = 0
        var value = ""
        for c in header[header.index(after: colon)...] {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if depth == 0 && (c == "," || c == "}") { break }
            value.append(c)
            if depth < 0 { break }
        }
        return value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
    }

    private static func parseShape(_ text: String, name: String) throws -> [Int] {
        let inner = text.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if t.isEmpty { continue }
            guard let v = Int(t), v >= 0 else { throw InstructEditError("npy: \(name) has an invalid shape \(text)") }
            shape.append(v)
        }
        return shape
    }
}
