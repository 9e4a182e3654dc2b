import Foundation

/// Inline images for terminals that show them: the kitty graphics protocol (a PNG, base64 in
/// chunks) and DEC sixel (a palette image, six pixel rows per band).
public enum TerminalImage {
    /// The escape sequences that show `png` at the cursor, `columns` cells wide (kitty, WezTerm,
    /// Ghostty). Chunks are at most 4096 base64 characters, as the protocol requires.
    public static func kitty(png: Data, columns: Int) -> String {
        let encoded = Array(png.base64EncodedString().utf8)
        var out = ""
        var start = 0
        repeat {
            let end = Swift.min(start + 4096, encoded.count)
            let more = end < encoded.count ? 1 : 0
            let control = start == 0 ? "a=T,f=100,c=\(Swift.max(columns, 1)),m=\(more)" : "m=\(more)"
            out += "\u{1B}_G\(control);" + String(decoding: encoded[start..<end], as: UTF8.self) + "\u{1B}\\"
            start = end
        } while start < encoded.count
        return out + "\n"
    }

    /// The scene as a sixel image `pixelWidth` pixels wide (its height from the scene's aspect).
    public static func sixel(_ scene: PlotScene, pixelWidth: Int = 800) throws -> String {
        let scale = Swift.max(0.25, Swift.min(4, Double(pixelWidth) / scene.width))
        let (rgb, width, height) = try Plot.raster(scene, scale: scale)
        return sixel(rgb: rgb, width: width, height: height)
    }

    /// RGB bytes (row-major) as sixel, in the 216 colours of a 6×6×6 cube.
    static func sixel(rgb: [UInt8], width: Int, height: Int) -> String {
        func level(_ v: UInt8) -> Int { (Int(v) * 5 + 127) / 255 }
        var index = [UInt8](repeating: 0, count: width * height)
        var used = [Bool](repeating: false, count: 216)
        for i in 0..<(width * height) {
            let c = 36 * level(rgb[3 * i]) + 6 * level(rgb[3 * i + 1]) + level(rgb[3 * i + 2])
            index[i] = UInt8(c)
            used[c] = true
        }
        // DCS with square pixels (aspect 1:1), the raster size, then the palette in percent.
        var out = "\u{1B}P0;1;0q\"1;1;\(width);\(height)"
        for c in 0..<216 where used[c] {
            out += "#\(c);2;\(c / 36 * 20);\(c / 6 % 6 * 20);\(c % 6 * 20)"
        }
        for band in stride(from: 0, to: height, by: 6) {
            let rows = Swift.min(6, height - band)
            var present = Set<Int>()
            for y in band..<(band + rows) { for x in 0..<width { present.insert(Int(index[y * width + x])) } }
            for (n, c) in present.sorted().enumerated() {
                if n > 0 { out += "$" }
                out += "#\(c)"
                var run: (character: Character, count: Int)?
                func flush() {
                    guard let r = run else { return }
                    out += r.count > 3 ? "!\(r.count)\(r.character)" : String(repeating: r.character, count: r.count)
                }
                for x in 0..<width {
                    var bits = 0
                    for dy in 0..<rows where Int(index[(band + dy) * width + x]) == c { bits |= 1 << dy }
                    let ch = Character(Unicode.Scalar(UInt8(63 + bits)))
                    if let r = run, r.character == ch { run = (ch, r.count + 1) } else { flush(); run = (ch, 1) }
                }
                flush()
            }
            out += "-"
        }
        return out + "\u{1B}\\"
    }
}
