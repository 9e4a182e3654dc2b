/// GPT-2's byte ↔ character table: every byte gets a printable character (printable Latin-1 bytes
/// map to themselves, the rest to U+0100 onwards), so byte-level BPE tokens are readable strings
/// such as "Ġcapital" (Ġ = space).
enum ByteLevel {
    /// Character for each byte value.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// Inverse of `byteToScalar`, indexed by scalar value (all are below 0x144).
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (b, s) in byteToScalar.enumerated() { table[Int(s.value)] = Int16(b) }
        return table
    }()

    /// The token-string form of raw bytes.
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(byteToScalar[Int(b)]) }
        return String(s)
    }

    /// The bytes a token string stands for; nil if it holds a character outside the table.
    static func decode(_ token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard Int(s.value) < scalarToByte.count, scalarToByte[Int(s.value)] >= 0 else { return nil }
            out.append(UInt8(scalarToByte[Int(s.value)]))
        }
        return out
    }
}
