import Foundation

/// Writes GGUF version 3 files: metadata of every value type and F32 or F16 tensors. Used to make
/// tiny test models and to save models; the file is written atomically.
public struct GGUFWriter {
    private var keys: [String] = []
    private var values: [String: GGUFValue] = [:]
    private var tensors: [(name: String, dims: [Int], type: GGMLType, data: [UInt8])] = []
    public let alignment: Int

    public init(alignment: Int = 32) {
        self.alignment = alignment
    }

    /// Sets a metadata value (a second call with the same key replaces the value, keeping its place).
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    /// Adds a tensor from row-major `values` of `shape` (PyTorch order, e.g. [out, in]), stored as
    /// F32 or F16.
    public mutating func addTensor(_ name: String, shape: [Int], values data: [Float], type: GGMLType = .f32) throws {
        guard !shape.isEmpty, shape.count <= GGUFFile.maxDims, shape.allSatisfy({ $0 > 0 }) else {
            throw InstructEditError("GGUFWriter: tensor '\(name)' has invalid shape \(shape)")
        }
        guard shape.reduce(1, *) == data.count else {
            throw InstructEditError("GGUFWriter: tensor '\(name)' has shape \(shape) but \(data.count) values")
        }
        guard !tensors.contains(where: { $0.name == name }) else {
            throw InstructEditError("GGUFWriter: tensor '\(name)' added twice")
        }
        var bytes: [UInt8] = []
        switch type {
        case .f32:
            bytes.reserveCapacity(data.count * 4)
            for v in data { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        case .f16:
            bytes.reserveCapacity(data.count * 2)
            for v in data { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        default:
            throw InstructEditError("GGUFWriter: tensor '\(name)': only F32 and F16 can be written, not \(type.name)")
        }
        tensors.append((name, shape.reversed(), type, bytes))
    }

    /// Adds already-encoded tensor data (`dims` in GGML order, ne0 first); tests use it to make
    /// quantised and malformed files.
    mutating func addRawTensor(_ name: String, dims: [Int], type: GGMLType, bytes: [UInt8]) {
        tensors.append((name, dims, type, bytes))
    }

    /// The complete file contents.
    public func encoded() throws -> Data {
        var out = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); out.append(contentsOf: Array(s.utf8)) }
        func value(_ v: GGUFValue, key: String) throws {
            switch v {
            case .uint8(let x): out.append(x)
            case .int8(let x): out.append(UInt8(bitPattern: x))
            case .uint16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .int16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .uint32(let x): u32(x)
            case .int32(let x): u32(UInt32(bitPattern: x))
            case .uint64(let x): u64(x)
            case .int64(let x): u64(UInt64(bitPattern: x))
            case .float32(let x): u32(x.bitPattern)
            case .float64(let x): u64(x.bitPattern)
            case .bool(let x): out.append(x ? 1 : 0)
            case .string(let s): str(s)
            case .array(let t, let items):
                u32(t.rawValue)
                u64(UInt64(items.count))
                for item in items {
                    guard item.type == t else {
                        throw InstructEditError("GGUFWriter: array '\(key)' declared \(t) holds a \(item.type)")
                    }
                    try value(item, key: key)
                }
            }
        }
        func pad() { out.append(contentsOf: [UInt8](repeating: 0, count: (alignment - out.count % alignment) % alignment)) }

        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw InstructEditError("GGUFWriter: alignment \(alignment) is not a power of two")
        }
        if let a = values["general.alignment"], a.int != alignment {
            throw InstructEditError("GGUFWriter: general.alignment \(a) differs from the writer's alignment \(alignment)")
        }
        u32(GGUFFile.magic)
        u32(3)
        u64(UInt64(tensors.count))
        var meta = keys
        if values["general.alignment"] == nil && alignment != 32 { meta.append("general.alignment") }
        u64(UInt64(meta.count))
        for k in meta {
            let v = values[k] ?? .uint32(UInt32(alignment))
            str(k)
            u32(v.type.rawValue)
            try value(v, key: k)
        }
        var offset = 0
        for t in tensors {
            str(t.name)
            u32(UInt32(t.dims.count))
            for d in t.dims { u64(UInt64(d)) }
            u32(t.type.rawValue)
            u64(UInt64(offset))
            offset += (t.data.count + alignment - 1) / alignment * alignment
        }
        pad()
        for t in tensors {
            out.append(contentsOf: t.data)
            pad()
        }
        return out
    }

    /// Writes the file atomically (temporary file in the same folder, then rename).
    public func write(to path: String) throws {
        let data = try encoded()
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InstructEditError("cannot write \(path): \(FileAccess.reason(error))")
        }
    }
}
