import Foundation

/// The plots' built-in font: DejaVu Sans rasterised once at 32 px into 4-bit coverage bitmaps and
/// shipped as a resource file, so PNGs show text without any font on the machine. It covers printable ASCII,
/// Latin-1, Greek letters and a few symbols (– — ‘ ’ “ ” • … ← → ∇ − √ ∞ ≈ ≠ ≤ ≥ ∑ ∂); anything
/// else is drawn as "?".
///
/// Provenance: generated from /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (Debian package
/// fonts-dejavu-core; Bitstream Vera license with DejaVu changes in the public domain, which allow
/// embedding) with Pillow:
///
///     font = ImageFont.truetype('DejaVuSans.ttf', 32); ascent, descent = font.getmetrics()
///     blob = pack('<BBBH', 32, ascent, descent, len(codes))
///     for code in codes:
///         ch = chr(code); l, t, r, b = font.getbbox(ch, anchor='ls'); w, h = r - l, b - t
///         img = Image.new('L', (w, h)); Draw(img).text((-l, -t), ch, font=font, fill=255, anchor='ls')
///         blob += pack('<HHbbBB', code, round(font.getlength(ch) * 16), l, t, w, h)
///         blob += the pixels quantised to 0...15, two per byte, high nibble first
///
/// The blob is `Resources/fonts/dejavu-sans-32.atlas`; without it (a build missing its resources)
/// text is measured but not drawn.
struct BitmapFont: Sendable {
    struct Glyph: Sendable {
        var advance: Double      // in atlas pixels
        var left: Int, top: Int  // bitmap offset from the pen position on the baseline (top < 0 is above)
        var width: Int, height: Int
        var alpha: [UInt8]       // width × height coverage, 0...255
    }

    let pixelSize: Double
    let ascent: Double
    let descent: Double
    let glyphs: [UInt32: Glyph]

    /// The shipped DejaVu Sans atlas.
    static let dejaVuSans: BitmapFont = BitmapFont(bytes: [UInt8]((try? ResourceFolder.root()).flatMap {
        FileManager.default.contents(atPath: $0 + "/fonts/dejavu-sans-32.atlas")
    } ?? Data()))

    init(base64: String) {
        self.init(bytes: [UInt8](Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data()))
    }

    init(bytes: [UInt8]) {
        var pos = 0
        func u8() -> Int { defer { pos += 1 }; return Int(bytes[pos]) }
        func u16() -> Int { u8() | u8() << 8 }
        func i8() -> Int { Int(Int8(bitPattern: UInt8(u8()))) }
        var glyphs: [UInt32: Glyph] = [:]
        guard bytes.count >= 5 else {
            (pixelSize, ascent, descent, self.glyphs) = (32, 30, 8, [:])
            return
        }
        (pixelSize, ascent, descent) = (Double(u8()), Double(u8()), Double(u8()))
        let count = u16()
        while pos + 8 <= bytes.count && glyphs.count < count {
            let code = UInt32(u16())
            let advance = Double(u16()) / 16
            let (left, top, w, h) = (i8(), i8(), u8(), u8())
            guard pos + (w * h + 1) / 2 <= bytes.count else { break }
            var alpha = [UInt8](repeating: 0, count: w * h)
            for i in 0..<(w * h) {
                let byte = bytes[pos + i / 2]
                alpha[i] = (i % 2 == 0 ? byte >> 4 : byte & 15) * 17
            }
            pos += (w * h + 1) / 2
            glyphs[code] = Glyph(advance: advance, left: left, top: top, width: w, height: h, alpha: alpha)
        }
        self.glyphs = glyphs
    }

    /// The glyph for `c`; characters the font lacks show as "?".
    func glyph(_ c: Character) -> Glyph? {
        guard c.unicodeScalars.count == 1, let s = c.unicodeScalars.first, let g = glyphs[s.value] else { return glyphs[63] }
        return g
    }

    /// Width of `text` set at `size` pixels.
    func width(_ text: String, size: Double) -> Double {
        text.reduce(0) { $0 + (glyph($1)?.advance ?? pixelSize * 0.6) } * size / pixelSize
    }
}
