import XCTest
@testable import Core

/// Dequantisation of each storage type on hand-made blocks, and quantise → dequantise round trips.
final class GGUFQuantTests: XCTestCase {
    private func dequant(_ type: GGMLType, _ bytes: [UInt8], count: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { Dequantize.run(type, src.baseAddress!, $0.baseAddress!, count: count) }
        }
        return out
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }

    func testHalfConversionIsExact() {
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
            (0x0400, 0x1p-14), (0x3555, 0.333251953125), (0x8000, -0.0), (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, v) in cases {
            XCTAssertEqual(Dequantize.halfToFloat(bits), v, "0x\(String(bits, radix: 16))")
            XCTAssertEqual(Dequantize.halfToFloat(bits).sign, v.sign)
        }
        XCTAssertTrue(Dequantize.halfToFloat(0x7E00).isNaN)
        // Every finite half agrees with Swift's own conversion.
        for bits in UInt16(0)...UInt16.max where Float16(bitPattern: bits).isFinite {
            XCTAssertEqual(Dequantize.halfTable[Int(bits)], Float(Float16(bitPattern: bits)))
        }
    }

    func testF32F16BF16() {
        let f: [Float] = [1.5, -0.0, 3.0e38, -7.25]
        XCTAssertEqual(dequant(.f32, f.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }, count: 4), f)
        XCTAssertEqual(dequant(.f16, le16(0x3C00) + le16(0xC500) + le16(0x0001) + le16(0x7BFF), count: 4),
                       [1, -5, 0x1p-24, 65504])
        // bf16 is the top half of a float32.
        XCTAssertEqual(dequant(.bf16, le16(0x3F80) + le16(0xC0A0) + le16(0x4049) + le16(0x0000), count: 4),
                       [1, -5, Float(bitPattern: 0x4049_0000), 0])
    }

    func testQ8_0HandMadeBlocks() {
        // Block 1: d = 0.5, q = -16…15; block 2: d = -2, q = 127, -128, then zeros.
        var b = le16(0x3800) + (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        b += le16(0xC000) + [127, 128] + [UInt8](repeating: 0, count: 30)
        let x = dequant(.q8_0, b, count: 64)
        XCTAssertEqual(Array(x[0..<32]), (0..<32).map { 0.5 * Float($0 - 16) })
        XCTAssertEqual(Array(x[32..<34]), [-254, 256])
        XCTAssertEqual(Array(x[34...]), [Float](repeating: 0, count: 30).map { -2 * $0 })
    }

    func testQ4_0HandMadeBlock() {
        // d = 0.25; byte j holds value j in its low nibble (element j) and 15 - j in its high nibble (element j + 16).
        let b = le16(0x3400) + (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let x = dequant(.q4_0, b, count: 32)
        XCTAssertEqual(Array(x[0..<16]), (0..<16).map { 0.25 * Float($0 - 8) })
        XCTAssertEqual(Array(x[16..<32]), (0..<16).map { 0.25 * Float(15 - $0 - 8) })
    }

    func testQ4_1HandMadeBlock() {
        // d = 0.125, min = -1: x = q/8 - 1.
        let b = le16(0x3000) + le16(0xBC00) + (0..<16).map { UInt8($0) | UInt8(($0 * 7) % 16) << 4 }
        let x = dequant(.q4_1, b, count: 32)
        XCTAssertEqual(Array(x[0..<16]), (0..<16).map { Float($0) * 0.125 - 1 })
        XCTAssertEqual(Array(x[16..<32]), (0..<16).map { Float(($0 * 7) % 16) * 0.125 - 1 })
    }

    /// Simple quantisers: the round trip stays within one quantisation step.
    func testQuantiseDequantiseRoundTrips() {
        var s: UInt64 = 7
        let values: [Float] = (0..<256).map { _ in
            s = s &* 6364136223846793005 &+ 1; return Float(Int64(bitPattern: s) >> 40) / Float(1 << 22)
        }
        for type in [GGMLType.q8_0, .q4_0, .q4_1] {
            var bytes: [UInt8] = []
            var steps: [Float] = []
            for blk in stride(from: 0, to: values.count, by: 32) {
                let v = Array(values[blk..<blk + 32])
                let (b, step) = Self.quantise(v, type)
                bytes += b; steps.append(step)
            }
            let x = dequant(type, bytes, count: values.count)
            for i in values.indices {
                XCTAssertEqual(x[i], values[i], accuracy: steps[i / 32] + 1e-3 * abs(values[i]) + 1e-6, "\(type) #\(i)")
            }
        }
    }

    /// One block of `type` for 32 values, and its quantisation step.
    static func quantise(_ v: [Float], _ type: GGMLType) -> ([UInt8], Float) {
        func h(_ x: Float) -> [UInt8] { let b = Float16(x).bitPattern; return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        switch type {
        case .q8_0:
            let d = (v.map(abs).max() ?? 0) / 127
            let dd = Float(Float16(d))
            return (h(d) + v.map { UInt8(bitPattern: Int8(max(-127, min(127, ($0 / dd).rounded())))) }, dd)
        case .q4_0:
            let m = v.max(by: { abs($0) < abs($1) }) ?? 0
            let d = m / -8, dd = Float(Float16(d))
            let q = v.map { UInt8(max(0, min(15, ($0 / dd).rounded() + 8))) }
            return (h(d) + (0..<16).map { q[$0] | q[$0 + 16] << 4 }, abs(dd))
        default:
            let lo = v.min() ?? 0, hi = v.max() ?? 0
            let d = (hi - lo) / 15, dd = Float(Float16(d)), mm = Float(Float16(lo))
            let q = v.map { UInt8(max(0, min(15, (($0 - mm) / dd).rounded()))) }
            return (h(d) + h(lo) + (0..<16).map { q[$0] | q[$0 + 16] << 4 }, dd)
        }
    }
}
