/// One tensor's entry in a GGUF file's tensor table.
public struct GGUFTensorInfo: Sendable {
    public let name: String
    /// GGML's dimensions, fastest-varying first (ne0 = row length).
    public let dims: [Int]
    /// The raw type code; `type` is nil for codes this reader does not know.
    public let typeCode: UInt32
    public var type: GGMLType? { GGMLType(rawValue: typeCode) }
    /// Byte offset of the data from the start of the file.
    public let fileOffset: Int
    /// Bytes of data, when the type's block layout is known.
    public let byteCount: Int?

    /// Row-major (PyTorch) shape: `dims` reversed, e.g. [out, in] for a matrix.
    public var shape: [Int] { dims.reversed() }
    public var elementCount: Int { dims.reduce(1, *) }
    public var typeName: String { type?.name ?? "type code \(typeCode)" }
}

/// A parsed GGUF file (versions 2 and 3): metadata, tensor table and memory-mapped tensor data.
/// Parsing checks every length, count and offset against the file, so a truncated or corrupted file
/// throws `InstructEditError` rather than crashing.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensor table in file order.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Byte offset of the tensor data section.
    public let dataOffset: Int
    let file: MappedFile
    private let tensorIndex: [String: Int]

    static let magic: UInt32 = 0x4655_4747  // "GGUF" read little-endian
    static let maxDims = 4
    /// Nesting limit for arrays, so a crafted file cannot recurse without bound.
    static let maxArrayDepth = 8

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    init(file: MappedFile) throws {
        self.file = file
        path = file.path
        var r = BoundedReader(file.bytes, source: file.path)
        guard r.remaining >= 4 else { throw InstructEditError("\(path): not a GGUF file (only \(r.remaining) bytes)") }
        let m = try r.read(UInt32.self, "magic")
        guard m == Self.magic else { throw InstructEditError("\(path): not a GGUF file (bad magic)") }
        version = try r.read(UInt32.self, "version")
        guard version.byteSwapped != 2 && version.byteSwapped != 3 else {
            throw InstructEditError("\(path): big-endian GGUF files are not supported")
        }
        guard version == 2 || version == 3 else {
            throw InstructEditError("\(path): GGUF version \(version) is not supported (only 2 and 3)")
        }
        let tensorCount = try r.read(UInt64.self, "tensor count")
        let kvCount = try r.read(UInt64.self, "metadata count")
        // Each entry takes at least 8+4 (metadata) or 8+4+8+4+8 (tensor) bytes: reject counts the
        // file cannot possibly hold before reserving anything.
        guard kvCount <= UInt64(r.remaining / 13) else {
            throw InstructEditError("\(path): corrupt header: \(kvCount) metadata entries cannot fit in the file")
        }
        guard tensorCount <= UInt64(r.remaining / 32) else {
            throw InstructEditError("\(path): corrupt header: \(tensorCount) tensors cannot fit in the file")
        }

        var keys: [String] = []
        var md: [String: GGUFValue] = [:]
        for i in 0..<Int(kvCount) {
            let key = try r.readString("metadata key #\(i)")
            let code = try r.read(UInt32.self, "type of metadata '\(key)'")
            guard let t = GGUFValueType(rawValue: code) else {
                throw InstructEditError("\(path): metadata '\(key)' has unknown value type \(code)")
            }
            let v = try Self.readValue(&r, type: t, key: key, depth: 0)
            guard md.updateValue(v, forKey: key) == nil else {
                throw InstructEditError("\(path): metadata key '\(key)' appears twice")
            }
            keys.append(key)
        }
        metadataKeys = keys
        metadata = md

        var align = 32
        if let a = md["general.alignment"] {
            guard let n = a.int, n > 0, n & (n - 1) == 0, n <= 1 << 20 else {
                throw InstructEditError("\(path): general.alignment must be a power of two, got \(a)")
            }
            align = n
        }
        alignment = align

        var infos: [(name: String, dims: [Int], code: UInt32, rel: UInt64)] = []
        infos.reserveCapacity(Int(tensorCount))
        for i in 0..<Int(tensorCount) {
            let name = try r.readString("name of tensor #\(i)")
            let nd = try r.read(UInt32.self, "dimension count of tensor '\(name)'")
            guard nd >= 1, nd <= Self.maxDims else {
                throw InstructEditError("\(path): tensor '\(name)' has \(nd) dimensions (1 to \(Self.maxDims) allowed)")
            }
            var dims: [Int] = []
            var total = 1
            for d in 0..<Int(nd) {
                let n = try r.read(UInt64.self, "dimension \(d) of tensor '\(name)'")
                guard n >= 1, n < 1 << 40 else { throw InstructEditError("\(path): tensor '\(name)' has dimension \(d) = \(n)") }
                let (p, overflow) = total.multipliedReportingOverflow(by: Int(n))
                guard !overflow, p < 1 << 40 else { throw InstructEditError("\(path): tensor '\(name)' is absurdly large") }
                total = p
                dims.append(Int(n))
            }
            let code = try r.read(UInt32.self, "type of tensor '\(name)'")
            let rel = try r.read(UInt64.self, "data offset of tensor '\(name)'")
            infos.append((name, dims, code, rel))
        }

        // The data section starts at the next multiple of the alignment after the header.
        let start = (r.offset + align - 1) / align * align
        guard start <= file.bytes.count else {
            throw InstructEditError("\(path): truncated file: tensor data would start at \(start), file has \(file.bytes.count) bytes")
        }
        dataOffset = start
        let dataBytes = file.bytes.count - start

        var list: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for info in infos {
            var byteCount: Int? = nil
            if let t = GGMLType(rawValue: info.code), let (be, bb) = t.blockLayout {
                guard info.dims[0] % be == 0 else {
                    throw InstructEditError("\(path): tensor '\(info.name)' of type \(t.name) has row length \(info.dims[0]), not a multiple of its block size \(be)")
                }
                byteCount = info.dims.reduce(1, *) / be * bb
            }
            guard info.rel % UInt64(align) == 0 else {
                throw InstructEditError("\(path): tensor '\(info.name)' data offset \(info.rel) is not a multiple of the alignment \(align)")
            }
            guard info.rel <= UInt64(dataBytes), (byteCount ?? 0) <= dataBytes - Int(info.rel) else {
                throw InstructEditError("\(path): tensor '\(info.name)' data (offset \(info.rel), \(byteCount ?? 0) bytes) lies past the end of the file (\(dataBytes) data bytes): truncated file?")
            }
            guard index.updateValue(list.count, forKey: info.name) == nil else {
                throw InstructEditError("\(path): tensor '\(info.name)' appears twice")
            }
            list.append(GGUFTensorInfo(name: info.name, dims: info.dims, typeCode: info.code,
                                       fileOffset: start + Int(info.rel), byteCount: byteCount))
        }
        tensors = list
        tensorIndex = index
    }

    private static func readValue(_ r: inout BoundedReader, type: GGUFValueType, key: String, depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try r.read(UInt8.self, "value of '\(key)'"))
        case .int8: return .int8(try r.read(Int8.self, "value of '\(key)'"))
        case .uint16: return .uint16(try r.read(UInt16.self, "value of '\(key)'"))
        case .int16: return .int16(try r.read(Int16.self, "value of '\(key)'"))
        case .uint32: return .uint32(try r.read(UInt32.self, "value of '\(key)'"))
        case .int32: return .int32(try r.read(Int32.self, "value of '\(key)'"))
        case .uint64: return .uint64(try r.read(UInt64.self, "value of '\(key)'"))
        case .int64: return .int64(try r.read(Int64.self, "value of '\(key)'"))
        case .float32: return .float32(try r.readFloat("value of '\(key)'"))
        case .float64: return .float64(try r.readDouble("value of '\(key)'"))
        case .bool:
            let b = try r.read(UInt8.self, "value of '\(key)'")
            guard b <= 1 else { throw InstructEditError("\(r.source): metadata '\(key)' has bool value \(b)") }
            return .bool(b == 1)
        case .string: return .string(try r.readString("value of '\(key)'"))
        case .array:
            guard depth < maxArrayDepth else {
                throw InstructEditError("\(r.source): metadata '\(key)' nests arrays deeper than \(maxArrayDepth)")
            }
            let code = try r.read(UInt32.self, "element type of '\(key)'")
            guard let et = GGUFValueType(rawValue: code) else {
                throw InstructEditError("\(r.source): metadata '\(key)' is an array of unknown type \(code)")
            }
            let n = try r.read(UInt64.self, "length of '\(key)'")
            // Strings and arrays take at least 8 bytes each (their length field).
            let minSize = et.fixedSize ?? (et == .string ? 8 : 12)
            guard n <= UInt64(r.remaining / minSize) else {
                throw InstructEditError("\(r.source): truncated or corrupt file: array '\(key)' claims \(n) elements, more than the \(r.remaining) bytes left can hold")
            }
            var items: [GGUFValue] = []
            items.reserveCapacity(Int(n))
            for _ in 0..<Int(n) { items.append(try readValue(&r, type: et, key: key, depth: depth + 1)) }
            return .array(et, items)
        }
    }

    public func tensor(named name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// The raw bytes of a tensor's data (bounds were checked when the file was parsed).
    func data(_ t: GGUFTensorInfo) -> UnsafeRawPointer { file.bytes.baseAddress! + t.fileOffset }

    /// The type of `t`, or an error naming the tensor if it cannot be dequantised.
    func dequantizableType(_ t: GGUFTensorInfo) throws -> GGMLType {
        guard let type = t.type, type.canDequantize else {
            throw InstructEditError("\(path): tensor '\(t.name)' has type \(t.typeName), which cannot be dequantised (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1)")
        }
        return type
    }

    /// The tensor as Float32 in stored (GGUF) order, row-major over `shape`.
    public func floats(_ name: String) throws -> [Float] {
        guard let t = tensor(named: name) else { throw InstructEditError("\(path): no tensor named '\(name)'") }
        let type = try dequantizableType(t)
        return [Float](unsafeUninitializedCapacity: t.elementCount) { buf, n in
            Dequantize.run(type, data(t), buf.baseAddress!, count: t.elementCount)
            n = t.elementCount
        }
    }

    // Typed metadata access with errors that name the key.

    public func int(_ key: String) throws -> Int {
        guard let v = metadata[key] else { throw InstructEditError("\(path): required metadata '\(key)' is missing") }
        guard let i = v.int else { throw InstructEditError("\(path): metadata '\(key)' should be an integer, got \(v)") }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int? { metadata[key] == nil ? nil : try int(key) }

    public func optionalDouble(_ key: String) throws -> Double? {
        guard let v = metadata[key] else { return nil }
        guard let d = v.double ?? v.int.map(Double.init) else {
            throw InstructEditError("\(path): metadata '\(key)' should be a number, got \(v)")
        }
        return d
    }

    public func string(_ key: String) throws -> String {
        guard let v = metadata[key] else { throw InstructEditError("\(path): required metadata '\(key)' is missing") }
        guard let s = v.string else { throw InstructEditError("\(path): metadata '\(key)' should be a string, got \(v)") }
        return s
    }
}
