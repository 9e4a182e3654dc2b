import Foundation

/// Writes the drawing operations as SVG elements.
struct SVGCanvas: Canvas {
    private(set) var body: [String] = []
    private var clipCount = 0
    private var clipOpen = false
    let width: Double, height: Double

    init(width: Double, height: Double) {
        (self.width, self.height) = (width, height)
    }

    var document: String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, sans-serif\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"]
        lines += body
        if clipOpen { lines.append("</g>") }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    mutating func clip(to rect: Rect?) {
        if clipOpen { body.append("</g>"); clipOpen = false }
        guard let rect else { return }
        clipCount += 1
        body.append("<clipPath id=\"clip\(clipCount)\"><rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\"/></clipPath>")
        body.append("<g clip-path=\"url(#clip\(clipCount))\">")
        clipOpen = true
    }

    mutating func fillRect(_ r: Rect, _ color: Color, opacity: Double) {
        body.append("<rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\" fill=\"\(color.hexString)\"\(opacityAttr("fill-opacity", opacity)) shape-rendering=\"crispEdges\"/>")
    }

    mutating func strokeRect(_ r: Rect, _ color: Color, width: Double) {
        body.append("<rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\" fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(n(width))\"/>")
    }

    mutating func polyline(_ points: [Point], _ color: Color, width: Double) {
        guard points.count >= 2 else { return }
        let coords = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        body.append("<polyline points=\"\(coords)\" fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>")
    }

    mutating func circle(_ c: Point, radius: Double, fill: Color, opacity: Double, edge: Color?) {
        let stroke = edge.map { " stroke=\"\($0.hexString)\" stroke-width=\"0.6\"" } ?? ""
        body.append("<circle cx=\"\(n(c.x))\" cy=\"\(n(c.y))\" r=\"\(n(radius))\" fill=\"\(fill.hexString)\"\(opacityAttr("fill-opacity", opacity))\(stroke)/>")
    }

    mutating func text(_ s: String, at p: Point, size: Double, color: Color, anchor: TextAnchor, vertical: Bool) {
        let a = ["start", "middle", "end"][anchor == .start ? 0 : anchor == .middle ? 1 : 2]
        let rotate = vertical ? " transform=\"rotate(-90 \(n(p.x)) \(n(p.y)))\"" : ""
        body.append("<text x=\"\(n(p.x))\" y=\"\(n(p.y))\" font-size=\"\(n(size))\" fill=\"\(color.hexString)\" text-anchor=\"\(a)\"\(rotate)>\(escape(s))</text>")
    }

    private func opacityAttr(_ name: String, _ v: Double) -> String { v < 1 ? " \(name)=\"\(n(v))\"" : "" }

    /// Numbers with at most two decimals and no trailing zeros.
    private func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.2f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
