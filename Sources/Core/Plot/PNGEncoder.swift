import CZlib
import Foundation

/// Encodes 8-bit RGB images as PNG: each row filtered with the PNG filter that minimises the sum of
/// absolute residuals, then zlib-compressed (`Deflate`), with CRC-32 per chunk and Adler-32 over the
/// raw data.
enum PNGEncoder {
    static func encode(rgb: [UInt8], width: Int, height: Int) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits per channel, RGB, deflate, adaptive filters, no interlace
        chunk("IHDR", header, into: &png)
        chunk("IDAT", zlib(filtered(rgb, width: width, height: height)), into: &png)
        chunk("IEND", [], into: &png)
        return png
    }

    /// Rows prefixed with their filter type (0 none, 1 sub, 2 up, 4 Paeth).
    static func filtered(_ rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        let stride = width * 3
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * height)
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = candidate
        rgb.withUnsafeBufferPointer { p in
            for y in 0..<height {
                let row = y * stride, prev = row - stride
                var bestType: UInt8 = 0, bestCost = Int.max
                for type: UInt8 in [0, 1, 2, 4] {
                    var cost = 0
                    for x in 0..<stride {
                        let a = x >= 3 ? Int(p[row + x - 3]) : 0
                        let b = y > 0 ? Int(p[prev + x]) : 0
                        let c = x >= 3 && y > 0 ? Int(p[prev + x - 3]) : 0
                        let predictor: Int
                        switch type {
                        case 1: predictor = a
                        case 2: predictor = b
                        case 4: predictor = paeth(a, b, c)
                        default: predictor = 0
                        }
                        let v = UInt8(truncatingIfNeeded: Int(p[row + x]) - predictor)
                        candidate[x] = v
                        cost += v < 128 ? Int(v) : 256 - Int(v)
                    }
                    if cost < bestCost { (bestCost, bestType, best) = (cost, type, candidate) }
                }
                out.append(bestType)
                out.append(contentsOf: best)
            }
        }
        return out
    }

    private static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }

    /// A zlib stream (header, deflate data, Adler-32), from zlib itself. Fixed Huffman codes only:
    /// plots are mostly flat colour, so they already shrink many times over, and the stream stays
    /// readable by the tests' small independent inflater.
    static func zlib(_ raw: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard raw.count < Int(UInt32.max / 2), ie_deflate_init2(&stream, Z_BEST_SPEED, Z_FIXED) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(raw.count))))
        var input = raw
        let status = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return [] }
        return Array(out.prefix(Int(stream.total_out)))
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        UInt32(truncatingIfNeeded: bytes.withUnsafeBufferPointer { CZlib.adler32(CZlib.adler32(0, nil, 0), $0.baseAddress, uInt($0.count)) })
    }

    private static func chunk(_ type: String, _ payload: [UInt8], into png: inout Data) {
        let typed = Array(type.utf8) + payload
        png.append(contentsOf: bigEndian(UInt32(payload.count)))
        png.append(contentsOf: typed)
        png.append(contentsOf: bigEndian(CRC32.checksum(Data(typed))))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
}
