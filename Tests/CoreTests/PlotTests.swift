import XCTest
@testable import Core

final class PlotTests: XCTestCase {
    // MARK: PNG and DEFLATE

    func testDeflateRoundTripsThroughAnIndependentInflater() throws {
        var rng = TensorRNG(seed: 2)
        let noise = (0..<5000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let text = Array(String(repeating: "the capital of France is Paris. ", count: 300).utf8)
        let runs = [UInt8](repeating: 255, count: 70_000) + [1, 2, 3] + [UInt8](repeating: 0, count: 300)
        for input in [[], [7], noise, text, runs, noise + runs + text] {
            let z = PNGEncoder.zlib(input)
            XCTAssertEqual(try Inflater.zlib(z), input)
        }
        XCTAssertLessThan(PNGEncoder.zlib(runs).count, 1000)
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(CRC32.checksum(Data("123456789".utf8)), 0xCBF4_3926)
    }

    func testPNGDecodesToTheRenderedPixels() throws {
        var canvas = RasterCanvas(width: 40, height: 30, scale: 1)
        canvas.fillRect(Rect(x: 5, y: 5, width: 10, height: 10), Palette.category(0), opacity: 1)
        canvas.circle(Point(x: 28, y: 15), radius: 6, fill: Palette.category(1), opacity: 1, edge: nil)
        let rgb = canvas.rgbBytes
        let png = PNGEncoder.encode(rgb: rgb, width: 40, height: 30)
        let image = try Inflater.png(png)
        XCTAssertEqual(image.width, 40)
        XCTAssertEqual(image.height, 30)
        XCTAssertEqual(image.rgb, rgb)
    }

    // MARK: Rasteriser

    private func pixel(_ c: RasterCanvas, _ x: Int, _ y: Int) -> (Float, Float, Float) {
        let i = (y * c.width + x) * 3
        return (c.pixels[i], c.pixels[i + 1], c.pixels[i + 2])
    }

    func testRasterShapesAreAntiAliased() throws {
        var c = RasterCanvas(width: 60, height: 40, scale: 2)
        let blue = Palette.category(0)
        c.circle(Point(x: 15, y: 15), radius: 5, fill: blue, opacity: 1, edge: nil)
        XCTAssertEqual(pixel(c, 30, 30).0, Float(blue.r), accuracy: 1e-6)   // centre
        XCTAssertEqual(pixel(c, 30, 50).0, 1)                                // outside
        let rim = (0..<120).map { pixel(c, $0, 30).0 }.filter { $0 > Float(blue.r) + 0.01 && $0 < 0.99 }
        XCTAssertFalse(rim.isEmpty, "edge pixels are blended")
        c.fillRect(Rect(x: 40.25, y: 5, width: 10, height: 10), .black, opacity: 1)
        XCTAssertEqual(pixel(c, 80, 14).0, 0.5, accuracy: 1e-6)            // half-covered column
        XCTAssertEqual(pixel(c, 90, 14).0, 0)
        c.polyline([Point(x: 2, y: 35), Point(x: 58, y: 35)], .black, width: 1)
        XCTAssertEqual(pixel(c, 60, 70).0, 0, accuracy: 0.01)
        XCTAssertEqual(pixel(c, 60, 66).0, 1)
    }

    func testTextLeavesInkWhereItIsAnchored() throws {
        var c = RasterCanvas(width: 200, height: 60, scale: 1)
        c.text("Reliability", at: Point(x: 100, y: 30), size: 14, color: .black, anchor: .middle, vertical: false)
        let width = TextMetrics.width("Reliability", size: 14)
        var inked: [Int] = []
        for y in 0..<60 { for x in 0..<200 where pixel(c, x, y).0 < 0.5 { inked.append(x) } }
        XCTAssertGreaterThan(inked.count, 40)
        XCTAssertEqual(Double(inked.min()!), 100 - width / 2, accuracy: 3)
        XCTAssertEqual(Double(inked.max()!), 100 + width / 2, accuracy: 3)
        var v = RasterCanvas(width: 60, height: 200, scale: 1)
        v.text("loss", at: Point(x: 30, y: 100), size: 14, color: .black, anchor: .middle, vertical: true)
        var rows: [Int] = []
        for y in 0..<200 { for x in 0..<60 where pixel(v, x, y).0 < 0.5 { rows.append(y) } }
        XCTAssertGreaterThan(rows.max()! - rows.min()!, 20, "vertical text runs along y")
    }

    func testBuiltInFontCoversPrintableASCII() {
        let font = BitmapFont.dejaVuSans
        for c in (32...126).map({ Character(UnicodeScalar(UInt8($0))) }) + ["é", "λ", "∇", "≤", "—"] {
            XCTAssertNotNil(font.glyphs[c.unicodeScalars.first!.value], "\(c)")
        }
        XCTAssertEqual(font.width("\u{4E2D}", size: 32), font.width("?", size: 32))  // missing: drawn as "?"
        XCTAssertGreaterThan(font.width("W", size: 32), font.width("i", size: 32))
        XCTAssertEqual(font.width("ab", size: 16), (font.width("a", size: 16) + font.width("b", size: 16)), accuracy: 1e-9)
        XCTAssertTrue(font.glyph("A")!.alpha.contains(255))
    }

    // MARK: Scales

    func testNiceTicks() {
        XCTAssertEqual(Ticks(lo: 0, hi: 1).values, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        XCTAssertEqual(Ticks(lo: 0, hi: 1).labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(Ticks(lo: -3.1, hi: 7.4).labels, ["-2", "0", "2", "4", "6"])
        XCTAssertEqual(Ticks(lo: 0, hi: 10).labels, ["0", "2", "4", "6", "8", "10"])
        XCTAssertEqual(Ticks(lo: -4.3, hi: 7.6).labels, ["-4", "-2", "0", "2", "4", "6"])
        XCTAssertEqual(Ticks(lo: 0.15, hi: 3.77).labels, ["0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5"])
        XCTAssertEqual(Ticks(lo: 0, hi: 3e-4).labels, ["0", "0.5e-4", "1.0e-4", "1.5e-4", "2.0e-4", "2.5e-4", "3.0e-4"])
        XCTAssertEqual(Ticks(lo: 0, hi: 2e6).labels, ["0", "0.5e6", "1.0e6", "1.5e6", "2.0e6"])
        for (lo, hi) in [(0.0, 1e-9), (-1e12, 1e12), (3.3, 3.4), (0, 97)] {
            let t = Ticks(lo: lo, hi: hi)
            XCTAssertGreaterThanOrEqual(t.values.count, 3, "\(lo)...\(hi)")
            XCTAssertLessThanOrEqual(t.values.count, 11)
            XCTAssertTrue(t.values.allSatisfy { $0 >= lo - 1e-9 * Swift.abs(hi - lo) && $0 <= hi + 1e-9 * Swift.abs(hi - lo) })
            XCTAssertEqual(Set(t.labels).count, t.labels.count, "distinct labels for \(lo)...\(hi)")
        }
    }

    // MARK: Scenes

    func testSVGDescribesTheScene() throws {
        let chart = Chart(.scatter(ScatterPoints(x: [1, 2, 3, 4], y: [1, 4, 9, 16], groups: ["a&b", "a&b", "c", "c"])),
                          title: "Squares <n>", xLabel: "n", yLabel: "n²")
        let svg = try Plot.svg(PlotScene(chart))
        XCTAssertTrue(svg.contains(">Squares &lt;n&gt;</text>"))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 4 + 2)  // points + legend markers
        XCTAssertTrue(svg.contains(">a&amp;b</text>"))
        XCTAssertTrue(svg.contains(Palette.category(1).hexString))
        XCTAssertTrue(svg.contains("rotate(-90"))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    func testWriteCreatesBothFilesAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let scene = PlotScene(Chart(.lines([LineSeries(name: "y", y: [3, 1, 2])])), width: 400, height: 300)
        let (svg, png) = try Plot.write(scene, to: dir.appendingPathComponent("sub/fig.png").path)
        XCTAssertEqual(svg, dir.appendingPathComponent("sub/fig.svg").path)
        XCTAssertEqual(png, dir.appendingPathComponent("sub/fig.png").path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path).sorted(), ["fig.png", "fig.svg"])
        let image = try Inflater.png(Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertEqual(image.width, 800)   // rendered at 2x
        XCTAssertEqual(image.height, 600)
        // The line's colour appears in the image.
        let blue = Palette.category(0)
        let target = [UInt8(blue.r * 255), UInt8(blue.g * 255), UInt8(blue.b * 255)].map(Int.init)
        let found = stride(from: 0, to: image.rgb.count, by: 3).contains { i in
            (0..<3).allSatisfy { Swift.abs(Int(image.rgb[i + $0]) - target[$0]) <= 2 }
        }
        XCTAssertTrue(found)
    }

    func testBadScenesThrowClearErrors() {
        func message(_ chart: Chart) -> String {
            do { _ = try Plot.svg(PlotScene(chart)); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(Chart(.lines([LineSeries(name: "s", x: [1, 2], y: [1])]))).contains("series 's' has 2 x values and 1 y values"))
        XCTAssertTrue(message(Chart(.scatter(ScatterPoints(x: [1], y: [1], groups: ["a", "b"])))).contains("2 group labels for 1 points"))
        XCTAssertTrue(message(Chart(.bars(BarGroups(categories: ["a"], series: [.init(name: "s", values: [1, 2])])))).contains("2 values for 1 categories"))
        XCTAssertTrue(message(Chart(.heatmap(Heatmap(values: [1, 2, 3], rows: 2, columns: 2)))).contains("do not fill 2 rows"))
        XCTAssertTrue(message(Chart(.scatter(ScatterPoints(x: [.nan], y: [1])))).contains("no finite points"))
        XCTAssertThrowsError(try Plot.png(PlotScene(Chart(.lines([LineSeries(name: "", y: [1, 2])]))), scale: 0))
        XCTAssertThrowsError(try Heatmap(Tensor([1, 2])))
    }
}

/// A minimal zlib/PNG reader for the tests (stored and fixed-Huffman blocks, which is what the
/// encoder writes), independent of the encoder's tables.
enum Inflater {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func png(_ data: Data) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let b = [UInt8](data)
        guard Array(b.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure(description: "signature") }
        func be32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        var pos = 8, width = 0, height = 0
        var idat: [UInt8] = []
        while pos < b.count {
            let length = be32(pos), type = String(bytes: b[(pos + 4)..<(pos + 8)], encoding: .ascii) ?? ""
            let body = Array(b[(pos + 8)..<(pos + 8 + length)])
            guard UInt32(be32(pos + 8 + length)) == CRC32.checksum(Data(b[(pos + 4)..<(pos + 8 + length)])) else {
                throw Failure(description: "CRC of \(type)")
            }
            if type == "IHDR" { (width, height) = (be32(pos + 8), be32(pos + 12)) }
            if type == "IDAT" { idat += body }
            pos += 12 + length
        }
        let raw = try zlib(idat)
        let stride = width * 3
        guard raw.count == (stride + 1) * height else { throw Failure(description: "size") }
        var out = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= 3 ? Int(out[y * stride + x - 3]) : 0
                let up = y > 0 ? Int(out[(y - 1) * stride + x]) : 0
                let c = x >= 3 && y > 0 ? Int(out[(y - 1) * stride + x - 3]) : 0
                var p = 0
                switch filter {
                case 0: p = 0
                case 1: p = a
                case 2: p = up
                case 3: p = (a + up) / 2
                case 4:
                    let e = a + up - c
                    let (pa, pb, pc) = (Swift.abs(e - a), Swift.abs(e - up), Swift.abs(e - c))
                    p = pa <= pb && pa <= pc ? a : pb <= pc ? up : c
                default: throw Failure(description: "filter \(filter)")
                }
                out[y * stride + x] = UInt8((v + p) & 0xFF)
            }
        }
        return (width, height, out)
    }

    static func zlib(_ z: [UInt8]) throws -> [UInt8] {
        guard z.count >= 6, (Int(z[0]) << 8 | Int(z[1])) % 31 == 0, z[0] & 0x0F == 8 else { throw Failure(description: "zlib header") }
        var bitPos = 16
        func bit() throws -> Int {
            guard bitPos / 8 < z.count - 4 else { throw Failure(description: "out of data") }
            defer { bitPos += 1 }
            return Int(z[bitPos / 8] >> (bitPos % 8)) & 1
        }
        func bits(_ n: Int) throws -> Int { var v = 0; for i in 0..<n { v |= try bit() << i }; return v }
        func huffman(_ n: Int) throws -> Int { var v = 0; for _ in 0..<n { v = v << 1 | (try bit()) }; return v }
        // Fixed literal/length code: read 7 bits, extend to 8 or 9 as the ranges require.
        func literal() throws -> Int {
            var v = try huffman(7)
            if v <= 0b0010111 { return 256 + v }
            v = v << 1 | (try bit())
            if v >= 0b00110000 && v <= 0b10111111 { return v - 0b00110000 }
            if v >= 0b11000000 && v <= 0b11000111 { return 280 + v - 0b11000000 }
            v = v << 1 | (try bit())
            return 144 + v - 0b110010000
        }
        let lbase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let lext = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        var out: [UInt8] = []
        var final = 0
        repeat {
            final = try bits(1)
            let type = try bits(2)
            if type == 0 {
                bitPos = (bitPos + 7) / 8 * 8
                let len = try bits(16)
                _ = try bits(16)
                for _ in 0..<len { out.append(UInt8(try bits(8))) }
            } else if type == 1 {
                while true {
                    let s = try literal()
                    if s < 256 { out.append(UInt8(s)); continue }
                    if s == 256 { break }
                    let length = lbase[s - 257] + (try bits(lext[s - 257]))
                    let dc = try huffman(5)
                    // Distance base and extra bits follow a doubling pattern from code 4 on.
                    let extra = dc < 4 ? 0 : dc / 2 - 1
                    let base = dc < 4 ? dc + 1 : (1 << (extra + 1)) + 1 + (dc % 2) * (1 << extra)
                    let distance = base + (try bits(extra))
                    guard distance <= out.count else { throw Failure(description: "distance") }
                    for _ in 0..<length { out.append(out[out.count - distance]) }
                }
            } else {
                throw Failure(description: "block type \(type)")
            }
        } while final == 0
        let tail = z.suffix(4).reduce(0) { $0 << 8 | UInt32($1) }
        guard tail == PNGEncoder.adler32(out) else { throw Failure(description: "adler") }
        return out
    }
}
