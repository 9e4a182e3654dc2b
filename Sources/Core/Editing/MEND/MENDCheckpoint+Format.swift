import Foundation

#if _endian(big)
#error("editor checkpoints store raw little-endian floats; a big-endian host needs byte swapping")
#endif

/// The container of an editor checkpoint (all integers and floats little-endian):
///
///     magic     8 bytes   "IEMENDCK"
///     version   UInt32    MENDCheckpoint.formatVersion
///     length    UInt32    byte length of the JSON header
///     header    JSON      CheckpointHeader, padded with spaces to a multiple of 8 bytes
///     payload   raw       the blocks the header lists, each at its offset from the payload start
///     checksum  UInt32    CRC-32 (IEEE) of every byte before it
struct CheckpointContainer {
    static let magic = Array("IEMENDCK".utf8)

    struct Block: Codable, Equatable {
        var name: String
        var type: String   // "f16", "f32" or "f64"
        var count: Int
        var offset: Int
        var byteCount: Int { count * (type == "f64" ? 8 : type == "f16" ? 2 : 4) }
    }

    /// Serialises `header` (whose blocks must already carry offsets) and `payload`.
    static func encode(header: Data, version: UInt32, payload: [Data]) -> Data {
        var h = header
        while h.count % 8 != 0 { h.append(0x20) }
        var out = Data(capacity: 16 + h.count + payload.reduce(0) { $0 + $1.count } + 4)
        out.append(contentsOf: magic)
        appendLE(&out, version)
        appendLE(&out, UInt32(h.count))
        out.append(h)
        for p in payload { out.append(p) }
        appendLE(&out, CRC32.checksum(out))
        return out
    }

    /// Checks magic, version and checksum; returns the header bytes and the payload range.
    static func decode(_ data: Data, version expected: UInt32, path: String) throws
        -> (header: Data, payload: Range<Int>) {
        let bytes = [UInt8](data.prefix(16))
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else {
            throw InstructEditError("'\(path)' is not an editor checkpoint (it does not start with the IEMENDCK marker)")
        }
        guard bytes.count == 16 else {
            throw InstructEditError("editor checkpoint '\(path)' is truncated (\(data.count) bytes)")
        }
        let version = readLE(bytes, at: 8)
        guard version == expected else {
            throw InstructEditError("editor checkpoint '\(path)' has format version \(version); this build reads version \(expected)")
        }
        let headerLength = Int(readLE(bytes, at: 12))
        guard data.count >= 16 + headerLength + 4 else {
            throw InstructEditError("editor checkpoint '\(path)' is truncated (\(data.count) bytes, its header alone needs \(16 + headerLength + 4))")
        }
        let body = data.count - 4
        let stored = readLE([UInt8](data.suffix(4)), at: 0)
        guard CRC32.checksum(data.prefix(body)) == stored else {
            throw InstructEditError("editor checkpoint '\(path)' is truncated or corrupted (checksum mismatch)")
        }
        let start = data.startIndex
        return (data.subdata(in: (start + 16)..<(start + 16 + headerLength)),
                (16 + headerLength)..<body)
    }

    static func appendLE(_ d: inout Data, _ x: UInt32) {
        withUnsafeBytes(of: x.littleEndian) { d.append(contentsOf: $0) }
    }

    static func readLE(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// Copies block `b` into `dest` (which holds exactly `b.count` values).
    static func read<T>(_ b: Block, from data: Data, payload: Range<Int>, into dest: UnsafeMutableBufferPointer<T>) {
        let lo = payload.lowerBound + b.offset
        data.withUnsafeBytes { raw in
            UnsafeMutableRawBufferPointer(dest).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[lo..<(lo + b.byteCount)]))
        }
    }
}
