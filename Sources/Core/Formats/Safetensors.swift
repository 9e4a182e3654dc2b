import Foundation

/// A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}}`, then the raw little-endian data. Every
/// entry is checked against the file, so a corrupt file throws instead of reading out of bounds.
final class SafetensorsFile: @unchecked Sendable {
    enum DType: String { case f32 = "F32", f16 = "F16", bf16 = "BF16"
        var size: Int { self == .f32 ? 4 : 2 }
        var ggml: GGMLType { switch self { case .f32: .f32; case .f16: .f16; case .bf16: .bf16 } }
    }

    struct Entry {
        let name: String
        let dtype: DType
        let shape: [Int]
        let fileOffset: Int
        var count: Int { shape.reduce(1, *) }
    }

    let path: String
    let entries: [String: Entry]
    /// The header's `__metadata__` strings.
    let metadata: [String: String]
    private let file: MappedFile

    init(path: String) throws {
        file = try MappedFile(path: path)
        self.path = path
        var r = BoundedReader(file.bytes, source: path)
        let n = try r.read(UInt64.self, "header length")
        guard n >= 2, n <= UInt64(r.remaining), n < 1 << 30 else {
            throw InstructEditError("\(path): not a safetensors file (header length \(n), file has \(file.bytes.count) bytes)")
        }
        let header = Data(UnsafeRawBufferPointer(rebasing: file.bytes[8..<8 + Int(n)]))
        guard let json = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw InstructEditError("\(path): the safetensors header is not a JSON object")
        }
        let start = 8 + Int(n), dataBytes = file.bytes.count - start
        var entries: [String: Entry] = [:]
        for (name, value) in json where name != "__metadata__" {
            func bad(_ what: String) -> InstructEditError { InstructEditError("\(path): tensor '\(name)': \(what)") }
            guard let e = value as? [String: Any], let dt = e["dtype"] as? String,
                  let shape = e["shape"] as? [Int], let offs = e["data_offsets"] as? [Int], offs.count == 2 else {
                throw bad("malformed header entry")
            }
            guard let dtype = DType(rawValue: dt) else {
                throw bad("dtype \(dt) is not supported (F32, F16, BF16)")
            }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }), shape.count <= 8 else { throw bad("bad shape \(shape)") }
            var count = 1
            for d in shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o, p < 1 << 40 else { throw bad("absurd shape \(shape)") }
                count = p
            }
            guard offs[0] >= 0, offs[0] <= offs[1], offs[1] <= dataBytes else {
                throw bad("data \(offs) lies outside the \(dataBytes) data bytes: truncated file?")
            }
            guard offs[1] - offs[0] == count * dtype.size else {
                throw bad("\(offs[1] - offs[0]) bytes of data for shape \(shape) of \(dt)")
            }
            entries[name] = Entry(name: name, dtype: dtype, shape: shape, fileOffset: start + offs[0])
        }
        self.entries = entries
        metadata = json["__metadata__"] as? [String: String] ?? [:]
    }

    func data(_ e: Entry) -> UnsafeRawPointer { file.bytes.baseAddress! + e.fileOffset }

    /// A tensor as Float32, row-major.
    func floats(_ name: String) throws -> [Float] {
        guard let e = entries[name] else { throw InstructEditError("\(path): no tensor named '\(name)'") }
        return [Float](unsafeUninitializedCapacity: e.count) { buf, n in
            if e.count > 0 { Dequantize.run(e.dtype.ggml, data(e), buf.baseAddress!, count: e.count) }
            n = e.count
        }
    }

    /// Encodes named row-major tensors as a safetensors file (written atomically).
    static func write(_ tensors: [(name: String, shape: [Int], values: [Float], dtype: DType)], to path: String,
                      metadata: [String: String] = [:]) throws {
        var header: [String: Any] = metadata.isEmpty ? [:] : ["__metadata__": metadata]
        var body = Data()
        for t in tensors {
            guard t.shape.reduce(1, *) == t.values.count else {
                throw InstructEditError("safetensors: tensor '\(t.name)' has shape \(t.shape) but \(t.values.count) values")
            }
            let begin = body.count
            for v in t.values {
                switch t.dtype {
                case .f32: withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) }
                case .f16: withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { body.append(contentsOf: $0) }
                case .bf16:  // round to nearest even
                    let b = v.bitPattern
                    let r = UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16)
                    withUnsafeBytes(of: r.littleEndian) { body.append(contentsOf: $0) }
                }
            }
            header[t.name] = ["dtype": t.dtype.rawValue, "shape": t.shape, "data_offsets": [begin, body.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        do { try out.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw InstructEditError("cannot write \(path): \(FileAccess.reason(error))")
        }
    }
}
