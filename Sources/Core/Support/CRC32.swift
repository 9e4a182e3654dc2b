import CZlib
import Foundation

/// CRC-32 (IEEE 802.3): the checksum of editor checkpoints and PNG chunks, computed by zlib.
enum CRC32 {
    static func checksum(_ d: Data) -> UInt32 {
        d.withUnsafeBytes { raw in
            var crc = crc32(0, nil, 0)
            var p = raw.bindMemory(to: Bytef.self).baseAddress
            var left = raw.count
            // zlib takes a 32-bit length: feed larger inputs in pieces.
            while left > 0, let base = p {
                let n = min(left, 1 << 30)
                crc = crc32(crc, base, uInt(n))
                p = base + n
                left -= n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
