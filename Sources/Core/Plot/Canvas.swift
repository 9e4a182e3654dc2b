/// A point in figure coordinates: pixels at 1x, origin top left, y down.
struct Point: Sendable {
    var x: Double, y: Double
}

struct Rect: Sendable {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    func contains(_ p: Point) -> Bool { p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY }
    func inset(by d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

enum TextAnchor: Sendable { case start, middle, end }

/// The drawing operations a chart is made of. The renderer draws a scene once onto a canvas; the SVG
/// canvas writes elements, the raster canvas paints pixels, so both files show the same figure.
protocol Canvas {
    /// Subsequent drawing is clipped to `rect` (nil: the whole figure).
    mutating func clip(to rect: Rect?)
    mutating func fillRect(_ rect: Rect, _ color: Color, opacity: Double)
    mutating func strokeRect(_ rect: Rect, _ color: Color, width: Double)
    mutating func polyline(_ points: [Point], _ color: Color, width: Double)
    mutating func circle(_ center: Point, radius: Double, fill: Color, opacity: Double, edge: Color?)
    /// Text with its baseline at `at.y`; `vertical` turns it 90° counter-clockwise (reading upwards).
    mutating func text(_ s: String, at: Point, size: Double, color: Color, anchor: TextAnchor, vertical: Bool)
}

/// Text metrics shared by the layout and both canvases (the embedded font's advances).
enum TextMetrics {
    static func width(_ s: String, size: Double) -> Double { BitmapFont.dejaVuSans.width(s, size: size) }
    /// Height of capital letters, for centring text vertically on a point.
    static func capHeight(size: Double) -> Double { 0.73 * size }
}
