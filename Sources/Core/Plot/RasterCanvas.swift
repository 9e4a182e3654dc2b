import Foundation

/// Paints the drawing operations into an RGB pixel buffer with anti-aliasing: coverage of every
/// pixel is computed from its distance to the shape (lines, circles) or its overlap (rectangles),
/// and text is resampled from the embedded font.
struct RasterCanvas: Canvas {
    let width: Int, height: Int  // in pixels
    let scale: Double            // pixels per figure unit
    private(set) var pixels: [Float]  // RGB, row-major, 0...1
    private var coverage: [Float]     // scratch for polylines
    private var clipRect: (x0: Int, y0: Int, x1: Int, y1: Int)

    init(width: Double, height: Double, scale: Double) {
        self.scale = scale
        self.width = Int((width * scale).rounded())
        self.height = Int((height * scale).rounded())
        pixels = [Float](repeating: 1, count: self.width * self.height * 3)
        coverage = [Float](repeating: 0, count: self.width * self.height)
        clipRect = (0, 0, self.width, self.height)
    }

    /// The image as 8-bit RGB rows.
    var rgbBytes: [UInt8] { pixels.map { UInt8((Swift.min(Swift.max($0, 0), 1) * 255).rounded()) } }

    mutating func clip(to rect: Rect?) {
        guard let r = rect else { clipRect = (0, 0, width, height); return }
        clipRect = (Swift.max(0, Int((r.x * scale).rounded())), Swift.max(0, Int((r.y * scale).rounded())),
                    Swift.min(width, Int((r.maxX * scale).rounded())), Swift.min(height, Int((r.maxY * scale).rounded())))
    }

    mutating func fillRect(_ r: Rect, _ color: Color, opacity: Double) {
        let (x0, y0, x1, y1) = (r.x * scale, r.y * scale, r.maxX * scale, r.maxY * scale)
        let (c, o) = (components(color), Float(opacity))
        for py in clampedRange(Int(y0.rounded(.down)), Int(y1.rounded(.up)), vertical: true) {
            let fy = overlap(Double(py), y0, y1)
            for px in clampedRange(Int(x0.rounded(.down)), Int(x1.rounded(.up)), vertical: false) {
                blend(px, py, c, Float(fy * overlap(Double(px), x0, x1)) * o)
            }
        }
    }

    mutating func strokeRect(_ r: Rect, _ color: Color, width w: Double) {
        let h = w / 2
        fillRect(Rect(x: r.x - h, y: r.y - h, width: r.width + w, height: w), color, opacity: 1)
        fillRect(Rect(x: r.x - h, y: r.maxY - h, width: r.width + w, height: w), color, opacity: 1)
        fillRect(Rect(x: r.x - h, y: r.y + h, width: w, height: r.height - w), color, opacity: 1)
        fillRect(Rect(x: r.maxX - h, y: r.y + h, width: w, height: r.height - w), color, opacity: 1)
    }

    mutating func polyline(_ points: [Point], _ color: Color, width w: Double) {
        guard points.count >= 2 else { return }
        // Coverage is the maximum over segments, so joints are not painted twice.
        let lw = Swift.max(w * scale, 1), gain = Float(Swift.min(w * scale, 1))
        let reach = lw / 2 + 1
        var bx0 = Int.max, by0 = Int.max, bx1 = Int.min, by1 = Int.min
        for k in 1..<points.count {
            let a = Point(x: points[k - 1].x * scale, y: points[k - 1].y * scale)
            let b = Point(x: points[k].x * scale, y: points[k].y * scale)
            guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
            let xs = clampedRange(Int((Swift.min(a.x, b.x) - reach).rounded(.down)), Int((Swift.max(a.x, b.x) + reach).rounded(.up)), vertical: false)
            let ys = clampedRange(Int((Swift.min(a.y, b.y) - reach).rounded(.down)), Int((Swift.max(a.y, b.y) + reach).rounded(.up)), vertical: true)
            guard !xs.isEmpty, !ys.isEmpty else { continue }
            (bx0, by0, bx1, by1) = (Swift.min(bx0, xs.lowerBound), Swift.min(by0, ys.lowerBound), Swift.max(bx1, xs.upperBound), Swift.max(by1, ys.upperBound))
            let (dx, dy) = (b.x - a.x, b.y - a.y)
            let len2 = dx * dx + dy * dy
            for py in ys {
                for px in xs {
                    let (cx, cy) = (Double(px) + 0.5 - a.x, Double(py) + 0.5 - a.y)
                    let t = len2 > 0 ? Swift.min(Swift.max((cx * dx + cy * dy) / len2, 0), 1) : 0
                    let (ex, ey) = (cx - t * dx, cy - t * dy)
                    let cov = Float(Swift.min(Swift.max(lw / 2 + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1)) * gain
                    let i = py * width + px
                    if cov > coverage[i] { coverage[i] = cov }
                }
            }
        }
        guard bx0 < bx1 else { return }
        let c = components(color)
        for py in by0..<by1 {
            for px in bx0..<bx1 {
                let i = py * width + px
                if coverage[i] > 0 { blend(px, py, c, coverage[i]); coverage[i] = 0 }
            }
        }
    }

    mutating func circle(_ center: Point, radius: Double, fill: Color, opacity: Double, edge: Color?) {
        let (cx, cy, r) = (center.x * scale, center.y * scale, radius * scale)
        let (f, e, o) = (components(fill), edge.map(components), Float(opacity))
        let ew = 0.6 * scale
        for py in clampedRange(Int((cy - r - 2).rounded(.down)), Int((cy + r + 2).rounded(.up)), vertical: true) {
            for px in clampedRange(Int((cx - r - 2).rounded(.down)), Int((cx + r + 2).rounded(.up)), vertical: false) {
                let d = ((Double(px) + 0.5 - cx) * (Double(px) + 0.5 - cx) + (Double(py) + 0.5 - cy) * (Double(py) + 0.5 - cy)).squareRoot()
                let inside = Float(Swift.min(Swift.max(r + 0.5 - d, 0), 1))
                if inside > 0 { blend(px, py, f, inside * o) }
                if let e {
                    let ring = Float(Swift.min(Swift.max(ew / 2 + 0.5 - Swift.abs(d - r), 0), 1))
                    if ring > 0 { blend(px, py, e, ring) }
                }
            }
        }
    }

    mutating func text(_ s: String, at p: Point, size: Double, color: Color, anchor: TextAnchor, vertical: Bool) {
        let font = BitmapFont.dejaVuSans
        let k = size * scale / font.pixelSize  // pixels per atlas pixel
        let ascent = (font.ascent * k).rounded(.up), descent = (font.descent * k).rounded(.up)
        let textWidth = font.width(s, size: size) * scale
        let bw = Int(textWidth.rounded(.up)) + 2, bh = Int(ascent + descent) + 2
        guard bw > 2, bh > 2 else { return }
        // Set the text horizontally into a coverage buffer whose baseline is at row `ascent + 1`.
        var buffer = [Float](repeating: 0, count: bw * bh)
        var pen = 1.0
        let samples = Swift.max(2, Int((1 / k).rounded(.up)) + 1)
        for ch in s {
            guard let g = font.glyph(ch) else { continue }
            let gx = pen + Double(g.left) * k, gy = ascent + 1 + Double(g.top) * k
            let x0 = Swift.max(0, Int(gx.rounded(.down))), x1 = Swift.min(bw, Int((gx + Double(g.width) * k).rounded(.up)) + 1)
            let y0 = Swift.max(0, Int(gy.rounded(.down))), y1 = Swift.min(bh, Int((gy + Double(g.height) * k).rounded(.up)) + 1)
            if g.width > 0 && g.height > 0 && x0 < x1 && y0 < y1 {
                for py in y0..<y1 {
                    for px in x0..<x1 {
                        var acc: Float = 0
                        for sy in 0..<samples {
                            let v = (Double(py) + (Double(sy) + 0.5) / Double(samples) - gy) / k - 0.5
                            for sx in 0..<samples {
                                let u = (Double(px) + (Double(sx) + 0.5) / Double(samples) - gx) / k - 0.5
                                acc += bilinear(g, u, v)
                            }
                        }
                        let i = py * bw + px
                        buffer[i] = Swift.min(1, buffer[i] + acc / Float(samples * samples))
                    }
                }
            }
            pen += g.advance * k
        }
        let shift = anchor == .start ? 0 : anchor == .middle ? textWidth / 2 : textWidth
        let c = components(color)
        let (ox, oy) = (p.x * scale, p.y * scale)
        for by in 0..<bh {
            for bx in 0..<bw where buffer[by * bw + bx] > 0 {
                // u runs along the baseline, v below it; vertical text turns u upwards and v to the right.
                let u = Double(bx) - 1 - shift, v = Double(by) - 1 - ascent
                let (X, Y) = vertical ? (ox + v, oy - u - 1) : (ox + u, oy + v)
                let (px, py) = (Int(X.rounded()), Int(Y.rounded()))
                if px >= clipRect.x0 && px < clipRect.x1 && py >= clipRect.y0 && py < clipRect.y1 {
                    blend(px, py, c, buffer[by * bw + bx])
                }
            }
        }
    }

    // MARK: - Pixels

    private func bilinear(_ g: BitmapFont.Glyph, _ u: Double, _ v: Double) -> Float {
        let (iu, iv) = (Int(u.rounded(.down)), Int(v.rounded(.down)))
        let (fu, fv) = (Float(u - Double(iu)), Float(v - Double(iv)))
        func at(_ x: Int, _ y: Int) -> Float {
            x >= 0 && y >= 0 && x < g.width && y < g.height ? Float(g.alpha[y * g.width + x]) / 255 : 0
        }
        let top = at(iu, iv) * (1 - fu) + at(iu + 1, iv) * fu
        let bottom = at(iu, iv + 1) * (1 - fu) + at(iu + 1, iv + 1) * fu
        return top * (1 - fv) + bottom * fv
    }

    private func components(_ c: Color) -> (Float, Float, Float) { (Float(c.r), Float(c.g), Float(c.b)) }

    /// Length of [p, p + 1] ∩ [lo, hi].
    private func overlap(_ p: Double, _ lo: Double, _ hi: Double) -> Double {
        Swift.max(0, Swift.min(p + 1, hi) - Swift.max(p, lo))
    }

    private func clampedRange(_ lo: Int, _ hi: Int, vertical: Bool) -> Range<Int> {
        let (a, b) = vertical ? (clipRect.y0, clipRect.y1) : (clipRect.x0, clipRect.x1)
        let l = Swift.max(lo, a), h = Swift.min(hi, b)
        return l < h ? l..<h : a..<a
    }

    private mutating func blend(_ x: Int, _ y: Int, _ c: (Float, Float, Float), _ a: Float) {
        guard a > 0 else { return }
        let i = (y * width + x) * 3
        pixels[i] += (c.0 - pixels[i]) * a
        pixels[i + 1] += (c.1 - pixels[i + 1]) * a
        pixels[i + 2] += (c.2 - pixels[i + 2]) * a
    }
}
