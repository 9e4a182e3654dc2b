import Foundation

/// CRC-32 (IEEE 802.3, as zlib computes it): the checksum of editor checkpoints and PNG chunks.
enum CRC32 {
    /// CRC-32 tables for slicing by 8: table k (at k·256) advances a byte by k further bytes.
    private static let crcTables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 { t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[Int(t[(k - 1) * 256 + n] & 0xFF)] }
        }
        return t
    }()

    /// CRC-32 (IEEE 802.3, as zlib computes it), eight bytes per step.
    static func checksum(_ d: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        crcTables.withUnsafeBufferPointer { tp in
            d.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                guard let base = raw.baseAddress else { return }
                let t = tp.baseAddress!
                var i = 0
                while i + 8 <= raw.count {
                    let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(c)
                    c = t[7 * 256 + Int(x & 0xFF)] ^ t[6 * 256 + Int((x >> 8) & 0xFF)]
                      ^ t[5 * 256 + Int((x >> 16) & 0xFF)] ^ t[4 * 256 + Int((x >> 24) & 0xFF)]
                      ^ t[3 * 256 + Int((x >> 32) & 0xFF)] ^ t[2 * 256 + Int((x >> 40) & 0xFF)]
                      ^ t[256 + Int((x >> 48) & 0xFF)] ^ t[Int(x >> 56)]
                    i += 8
                }
                while i < raw.count {
                    c = t[Int((c ^ UInt32(raw[i])) & 0xFF)] ^ (c >> 8)
                    i += 1
                }
            }
        }
        return c ^ 0xFFFF_FFFF
    }
}
