/// A small DEFLATE compressor (RFC 1951): LZ77 matching over a 32 KiB window with hash chains,
/// coded with the fixed Huffman tables. Plots are mostly flat colour, so this already shrinks
/// them many times over without the bookkeeping of dynamic tables.
enum Deflate {
    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                     67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                        11, 11, 12, 12, 13, 13]
    /// Code index for each match length 3...258 and each distance 1...32768.
    private static let lengthCode: [UInt8] = (0...258).map { len in
        UInt8(len < 3 ? 0 : (lengthBase.lastIndex { $0 <= len } ?? 0))
    }
    private static let distanceCode: [UInt8] = (0...32768).map { d in
        UInt8(d < 1 ? 0 : (distanceBase.lastIndex { $0 <= d } ?? 0))
    }

    static func compress(_ input: [UInt8]) -> [UInt8] {
        var w = BitWriter()
        w.write(1, bits: 1)  // final block
        w.write(1, bits: 2)  // fixed Huffman codes
        let n = input.count
        let window = 32768, hashSize = 1 << 15, maxChain = 16
        var head = [Int32](repeating: -1, count: hashSize)
        var prev = [Int32](repeating: -1, count: window)
        input.withUnsafeBufferPointer { p in
            func hash(_ i: Int) -> Int {
                (Int(p[i]) << 10 ^ Int(p[i + 1]) << 5 ^ Int(p[i + 2])) & (hashSize - 1)
            }
            func insert(_ i: Int) {
                guard i + 2 < n else { return }
                let h = hash(i)
                prev[i & (window - 1)] = head[h]
                head[h] = Int32(i)
            }
            var i = 0
            while i < n {
                var bestLength = 0, bestDistance = 0
                if i + 2 < n {
                    var candidate = Int(head[hash(i)])
                    var chain = 0
                    let limit = Swift.min(258, n - i)
                    while candidate >= 0 && i - candidate <= window && chain < maxChain {
                        if p[candidate + bestLength] == p[i + bestLength] || bestLength == 0 {
                            var l = 0
                            while l < limit && p[candidate + l] == p[i + l] { l += 1 }
                            if l > bestLength { (bestLength, bestDistance) = (l, i - candidate) }
                            if l == limit { break }
                        }
                        let next = Int(prev[candidate & (window - 1)])
                        if next >= candidate { break }
                        candidate = next
                        chain += 1
                    }
                }
                if bestLength >= 3 {
                    let lc = Int(lengthCode[bestLength])
                    writeLiteral(257 + lc, &w)
                    w.write(UInt32(bestLength - lengthBase[lc]), bits: lengthExtra[lc])
                    let dc = Int(distanceCode[bestDistance])
                    w.writeReversed(UInt32(dc), bits: 5)
                    w.write(UInt32(bestDistance - distanceBase[dc]), bits: distanceExtra[dc])
                    for j in i..<(i + bestLength) { insert(j) }
                    i += bestLength
                } else {
                    writeLiteral(Int(p[i]), &w)
                    insert(i)
                    i += 1
                }
            }
        }
        writeLiteral(256, &w)  // end of block
        return w.finish()
    }

    /// Writes literal/length symbol `s` with the fixed Huffman code.
    private static func writeLiteral(_ s: Int, _ w: inout BitWriter) {
        switch s {
        case 0...143: w.writeReversed(UInt32(0x30 + s), bits: 8)
        case 144...255: w.writeReversed(UInt32(0x190 + s - 144), bits: 9)
        case 256...279: w.writeReversed(UInt32(s - 256), bits: 7)
        default: w.writeReversed(UInt32(0xC0 + s - 280), bits: 8)
        }
    }
}

/// Packs bits least-significant first, as DEFLATE stores them.
private struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    /// `bits` low bits of `value`, least significant first (extra bits, header fields).
    mutating func write(_ value: UInt32, bits: Int) {
        guard bits > 0 else { return }
        buffer |= UInt64(value & ((1 << bits) - 1)) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            count -= 8
        }
    }

    /// A Huffman code, which DEFLATE stores most significant bit first.
    mutating func writeReversed(_ code: UInt32, bits: Int) {
        var r: UInt32 = 0
        for b in 0..<bits { r |= (code >> b & 1) << (bits - 1 - b) }
        write(r, bits: bits)
    }

    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(buffer & 0xFF)) }
        return bytes
    }
}
