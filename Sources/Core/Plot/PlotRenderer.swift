import Foundation

/// Lays out and draws a scene onto a canvas: for each chart its title, axes with round ticks, grid,
/// data, legend (in the corner that hides the least data) and, for heatmaps, a colour bar.
enum PlotRenderer {
    static let ink = Color(hex: 0x262626)
    static let gridColor = Color(hex: 0xE6E6E6)
    static let (titleSize, labelSize, tickSize, legendSize, noteSize) = (15.0, 13.0, 11.0, 11.0, 9.5)
    static let pad = 10.0

    static func draw<C: Canvas>(_ scene: PlotScene, on canvas: inout C) {
        var top = 0.0
        if !scene.title.isEmpty {
            canvas.text(scene.title, at: Point(x: scene.width / 2, y: pad + 16), size: 16, color: ink, anchor: .middle, vertical: false)
            top = 30
        }
        let columns = Swift.min(scene.columns, Swift.max(scene.charts.count, 1))
        let rows = (scene.charts.count + columns - 1) / columns
        let cw = scene.width / Double(columns), ch = (scene.height - top) / Double(Swift.max(rows, 1))
        for (i, chart) in scene.charts.enumerated() {
            let cell = Rect(x: Double(i % columns) * cw, y: top + Double(i / columns) * ch, width: cw, height: ch)
            ChartLayout(chart, in: cell).draw(on: &canvas)
        }
    }
}

/// One chart's geometry: where the plot area is and how data maps onto it.
private struct ChartLayout {
    let chart: Chart
    let cell: Rect
    var plot = Rect(x: 0, y: 0, width: 1, height: 1)
    var xLimits = (0.0, 1.0), yLimits = (0.0, 1.0)
    var xTicks = Ticks(lo: 0, hi: 1), yTicks = Ticks(lo: 0, hi: 1)
    /// Category axes (bars, heatmaps) label slots instead of numbers.
    var xCategories: [String]?, yCategories: [String]?
    var verticalXLabels = false
    var colorBar: (lo: Double, hi: Double, ticks: Ticks)?

    typealias R = PlotRenderer

    init(_ chart: Chart, in cell: Rect) {
        self.chart = chart
        self.cell = cell
        fitLimits()
        placePlotArea()
    }

    func x(_ v: Double) -> Double { plot.x + (v - xLimits.0) / (xLimits.1 - xLimits.0) * plot.width }
    func y(_ v: Double) -> Double { plot.maxY - (v - yLimits.0) / (yLimits.1 - yLimits.0) * plot.height }

    // MARK: Layout

    private mutating func fitLimits() {
        func limits(_ values: [Double], fixed: ClosedRange<Double>?) -> (Double, Double) {
            if let fixed { return (fixed.lowerBound, fixed.upperBound) }
            let finite = values.filter(\.isFinite)
            return Ticks.padded(finite.min() ?? 0, finite.max() ?? 1)
        }
        switch chart.content {
        case .lines(let series):
            let finite = series.flatMap { s in s.x.indices.filter { s.x[$0].isFinite && s.y[$0].isFinite }.map { (s.x[$0], s.y[$0]) } }
            xLimits = limits(finite.map(\.0), fixed: chart.xRange)
            yLimits = limits(finite.map(\.1), fixed: chart.yRange)
        case .scatter(let p):
            let ok = p.x.indices.filter { p.x[$0].isFinite && p.y[$0].isFinite }
            xLimits = limits(ok.map { p.x[$0] }, fixed: chart.xRange)
            yLimits = limits(ok.map { p.y[$0] }, fixed: chart.yRange)
        case .bars(let b):
            xCategories = b.categories
            xLimits = (0, Double(b.categories.count))
            let values = b.series.flatMap(\.values).filter(\.isFinite)
            let lo = Swift.min(0, values.min() ?? 0), hi = Swift.max(0, values.max() ?? 1)
            let span = hi - lo > 0 ? hi - lo : 1
            yLimits = chart.yRange.map { ($0.lowerBound, $0.upperBound) } ?? (lo < 0 ? lo - 0.05 * span : 0, hi > 0 ? hi + 0.05 * span : (lo < 0 ? 0 : 1))
        case .heatmap(let h):
            // Rows and columns count from 1, as the Lua API does.
            xCategories = h.columnLabels ?? (0..<h.columns).map { String($0 + 1) }
            yCategories = h.rowLabels ?? (0..<h.rows).map { String($0 + 1) }
            xLimits = (0, Double(h.columns))
            yLimits = (0, Double(h.rows))
            let finite = h.values.filter(\.isFinite)
            var lo = h.range?.lowerBound ?? finite.min() ?? 0, hi = h.range?.upperBound ?? finite.max() ?? 1
            if hi <= lo { (lo, hi) = (lo - 0.5, hi + 0.5) }
            colorBar = (lo, hi, Ticks(lo: lo, hi: hi, target: 6))
        }
        xTicks = Ticks(lo: xLimits.0, hi: xLimits.1)
        yTicks = Ticks(lo: yLimits.0, hi: yLimits.1)
    }

    private mutating func placePlotArea() {
        let tickWidth = { (labels: [String]) in labels.map { TextMetrics.width($0, size: R.tickSize) }.max() ?? 0 }
        let top = cell.y + R.pad + (chart.title.isEmpty ? 4 : R.titleSize + 12)
        let left = cell.x + R.pad + (chart.yLabel.isEmpty ? 0 : R.labelSize + 8)
            + tickWidth(yCategories ?? yTicks.labels) + 8
        var right = cell.maxX - R.pad - 8
        if let bar = colorBar { right -= 14 + 12 + 8 + tickWidth(bar.ticks.labels) }
        var bottomSpace = R.tickSize + 10
        if let categories = xCategories {
            let slot = (right - left) / Double(Swift.max(categories.count, 1))
            let widest = tickWidth(categories)
            if widest > slot * 0.92 {
                verticalXLabels = true
                bottomSpace = Swift.min(widest, cell.height * 0.3) + 10
            }
        }
        let bottom = cell.maxY - R.pad - (chart.xLabel.isEmpty ? 0 : R.labelSize + 8) - bottomSpace
        plot = Rect(x: left, y: top, width: Swift.max(right - left, 10), height: Swift.max(bottom - top, 10))
    }

    // MARK: Drawing

    func draw<C: Canvas>(on c: inout C) {
        if chart.grid && xCategories == nil { for v in xTicks.values { c.polyline([Point(x: x(v), y: plot.y), Point(x: x(v), y: plot.maxY)], R.gridColor, width: 0.8) } }
        if chart.grid && yCategories == nil { for v in yTicks.values { c.polyline([Point(x: plot.x, y: y(v)), Point(x: plot.maxX, y: y(v))], R.gridColor, width: 0.8) } }
        c.clip(to: plot)
        var legend: [(name: String, color: Color, kind: Int)] = []  // kind: 0 line, 1 marker, 2 box
        switch chart.content {
        case .lines(let series): legend = drawLines(series, &c)
        case .scatter(let points): legend = drawScatter(points, &c)
        case .bars(let bars): legend = drawBars(bars, &c)
        case .heatmap(let h): drawHeatmap(h, &c)
        }
        c.clip(to: nil)
        c.strokeRect(plot, R.ink, width: 0.8)
        drawAxes(&c)
        if chart.legend && legend.contains(where: { !$0.name.isEmpty }) { drawLegend(legend, &c) }
        if !chart.title.isEmpty {
            c.text(chart.title, at: Point(x: plot.x + plot.width / 2, y: plot.y - 10), size: R.titleSize, color: R.ink, anchor: .middle, vertical: false)
        }
        if !chart.xLabel.isEmpty {
            c.text(chart.xLabel, at: Point(x: plot.x + plot.width / 2, y: cell.maxY - R.pad - 3), size: R.labelSize, color: R.ink, anchor: .middle, vertical: false)
        }
        if !chart.yLabel.isEmpty {
            c.text(chart.yLabel, at: Point(x: cell.x + R.pad + R.labelSize * 0.8, y: plot.y + plot.height / 2), size: R.labelSize, color: R.ink, anchor: .middle, vertical: true)
        }
    }

    private func drawAxes<C: Canvas>(_ c: inout C) {
        let cap = TextMetrics.capHeight(size: R.tickSize)
        if let categories = xCategories {
            let step = labelStep(categories.count, room: verticalXLabels ? plot.width : .infinity, per: R.tickSize * 1.3)
            for (i, label) in categories.enumerated() where i % step == 0 {
                let cx = x(Double(i) + 0.5)
                c.polyline([Point(x: cx, y: plot.maxY), Point(x: cx, y: plot.maxY + 4)], R.ink, width: 0.8)
                if verticalXLabels {
                    c.text(label, at: Point(x: cx + cap / 2, y: plot.maxY + 7), size: R.tickSize, color: R.ink, anchor: .end, vertical: true)
                } else {
                    c.text(label, at: Point(x: cx, y: plot.maxY + 7 + cap), size: R.tickSize, color: R.ink, anchor: .middle, vertical: false)
                }
            }
        } else {
            for (v, label) in zip(xTicks.values, xTicks.labels) {
                c.polyline([Point(x: x(v), y: plot.maxY), Point(x: x(v), y: plot.maxY + 4)], R.ink, width: 0.8)
                c.text(label, at: Point(x: x(v), y: plot.maxY + 7 + cap), size: R.tickSize, color: R.ink, anchor: .middle, vertical: false)
            }
        }
        if let categories = yCategories {
            let step = labelStep(categories.count, room: plot.height, per: R.tickSize * 1.2)
            for (i, label) in categories.enumerated() where i % step == 0 {
                // Row 0 at the top, as in a printed matrix.
                let cy = y(Double(categories.count - i) - 0.5)
                c.polyline([Point(x: plot.x - 4, y: cy), Point(x: plot.x, y: cy)], R.ink, width: 0.8)
                c.text(label, at: Point(x: plot.x - 7, y: cy + cap / 2), size: R.tickSize, color: R.ink, anchor: .end, vertical: false)
            }
        } else {
            for (v, label) in zip(yTicks.values, yTicks.labels) {
                c.polyline([Point(x: plot.x - 4, y: y(v)), Point(x: plot.x, y: y(v))], R.ink, width: 0.8)
                c.text(label, at: Point(x: plot.x - 7, y: y(v) + cap / 2), size: R.tickSize, color: R.ink, anchor: .end, vertical: false)
            }
        }
    }

    /// Label every `step`-th category so labels do not collide.
    private func labelStep(_ n: Int, room: Double, per: Double) -> Int {
        guard room.isFinite, n > 0 else { return 1 }
        return Swift.max(1, Int((Double(n) * per / room).rounded(.up)))
    }

    private func drawLines<C: Canvas>(_ series: [LineSeries], _ c: inout C) -> [(String, Color, Int)] {
        var legend: [(String, Color, Int)] = []
        for (k, s) in series.enumerated() {
            let color = s.color ?? Palette.category(k)
            var run: [Point] = []
            for i in s.x.indices {
                if s.x[i].isFinite && s.y[i].isFinite {
                    run.append(Point(x: x(s.x[i]), y: y(s.y[i])))
                } else {
                    c.polyline(run, color, width: 1.8)
                    run = []
                }
            }
            c.polyline(run, color, width: 1.8)
            if s.markers || s.x.count == 1 {
                for i in s.x.indices where s.x[i].isFinite && s.y[i].isFinite {
                    c.circle(Point(x: x(s.x[i]), y: y(s.y[i])), radius: 3, fill: color, opacity: 1, edge: nil)
                }
            }
            legend.append((s.name, color, 0))
        }
        return legend
    }

    private func drawScatter<C: Canvas>(_ p: ScatterPoints, _ c: inout C) -> [(String, Color, Int)] {
        var names: [String] = []
        var index: [String: Int] = [:]
        for g in p.groups ?? [] where index[g] == nil {
            index[g] = names.count
            names.append(g)
        }
        for i in p.x.indices where p.x[i].isFinite && p.y[i].isFinite {
            let color = Palette.category(p.groups.map { index[$0[i]] ?? 0 } ?? 0)
            c.circle(Point(x: x(p.x[i]), y: y(p.y[i])), radius: p.radius, fill: color, opacity: 0.85, edge: .white)
        }
        if let labels = p.pointLabels {
            for i in p.x.indices where p.x[i].isFinite && p.y[i].isFinite && !labels[i].isEmpty {
                // Beside the point, on its left where the right side would run out of the axes.
                let px = x(p.x[i]), fits = px + p.radius + 2 + TextMetrics.width(labels[i], size: R.noteSize) < plot.maxX
                c.text(labels[i], at: Point(x: fits ? px + p.radius + 2 : px - p.radius - 2, y: y(p.y[i]) - p.radius),
                       size: R.noteSize, color: R.ink, anchor: fits ? .start : .end, vertical: false)
            }
        }
        return names.enumerated().map { ($0.element, Palette.category($0.offset), 1) }
    }

    private func drawBars<C: Canvas>(_ b: BarGroups, _ c: inout C) -> [(String, Color, Int)] {
        let n = Double(b.series.count)
        let barWidth = 0.8 / n
        for (k, s) in b.series.enumerated() {
            for (i, v) in s.values.enumerated() where v.isFinite {
                let x0 = x(Double(i) + 0.1 + Double(k) * barWidth), x1 = x(Double(i) + 0.1 + Double(k + 1) * barWidth)
                let (ya, yb) = (y(0), y(v))
                c.fillRect(Rect(x: x0 + 0.5, y: Swift.min(ya, yb), width: Swift.max(x1 - x0 - 1, 0.5), height: Swift.abs(yb - ya)), Palette.category(k), opacity: 1)
            }
        }
        if yLimits.0 < 0 { c.polyline([Point(x: plot.x, y: y(0)), Point(x: plot.maxX, y: y(0))], R.ink, width: 0.8) }
        return b.series.enumerated().map { ($0.element.name, Palette.category($0.offset), 2) }
    }

    private func drawHeatmap<C: Canvas>(_ h: Heatmap, _ c: inout C) {
        guard let bar = colorBar else { return }
        let t = { (v: Double) in (v - bar.lo) / (bar.hi - bar.lo) }
        let cellW = plot.width / Double(h.columns), cellH = plot.height / Double(h.rows)
        let annotate = h.annotate ?? (h.rows * h.columns <= 144)
        for r in 0..<h.rows {
            for col in 0..<h.columns {
                let v = h.values[r * h.columns + col]
                let rect = Rect(x: plot.x + Double(col) * cellW, y: plot.y + Double(r) * cellH, width: cellW, height: cellH)
                let color = v.isFinite ? h.colorMap.color(t(v)) : Color(hex: 0xFFFFFF)
                // Overlap neighbours by a hair so anti-aliased edges leave no seams.
                c.fillRect(Rect(x: rect.x, y: rect.y, width: rect.width + 0.3, height: rect.height + 0.3), color, opacity: 1)
                if annotate && v.isFinite {
                    let (text, size) = Heatmap.label(v, width: cellW * 0.9, size: Swift.min(R.noteSize, cellH * 0.5))
                    let luminance = 0.2126 * color.r + 0.7152 * color.g + 0.0722 * color.b
                    c.text(text, at: Point(x: rect.x + cellW / 2, y: rect.y + cellH / 2 + TextMetrics.capHeight(size: size) / 2),
                           size: size, color: luminance < 0.5 ? .white : R.ink, anchor: .middle, vertical: false)
                }
            }
        }
        c.clip(to: nil)
        let barRect = Rect(x: plot.maxX + 12, y: plot.y, width: 14, height: plot.height)
        let steps = 128
        for i in 0..<steps {
            let y0 = barRect.maxY - Double(i + 1) * barRect.height / Double(steps)
            c.fillRect(Rect(x: barRect.x, y: y0, width: barRect.width, height: barRect.height / Double(steps) + 0.3),
                       h.colorMap.color((Double(i) + 0.5) / Double(steps)), opacity: 1)
        }
        c.strokeRect(barRect, R.ink, width: 0.8)
        let cap = TextMetrics.capHeight(size: R.tickSize)
        for (v, label) in zip(bar.ticks.values, bar.ticks.labels) {
            let yv = barRect.maxY - t(v) * barRect.height
            c.polyline([Point(x: barRect.maxX, y: yv), Point(x: barRect.maxX + 4, y: yv)], R.ink, width: 0.8)
            c.text(label, at: Point(x: barRect.maxX + 7, y: yv + cap / 2), size: R.tickSize, color: R.ink, anchor: .start, vertical: false)
        }
    }

    private func drawLegend<C: Canvas>(_ entries: [(name: String, color: Color, kind: Int)], _ c: inout C) {
        let row = 17.0, swatch = 22.0, inner = 7.0
        let textWidth = entries.map { TextMetrics.width($0.name, size: R.legendSize) }.max() ?? 0
        let size = (w: inner * 2 + swatch + 6 + textWidth, h: inner * 2 + Double(entries.count) * row - 4)
        let inset = 8.0
        let corners = [Point(x: plot.maxX - inset - size.w, y: plot.y + inset), Point(x: plot.x + inset, y: plot.y + inset),
                       Point(x: plot.maxX - inset - size.w, y: plot.maxY - inset - size.h), Point(x: plot.x + inset, y: plot.maxY - inset - size.h)]
        let samples = dataSamples()
        let best = corners.min { a, b in
            hidden(samples, Rect(x: a.x, y: a.y, width: size.w, height: size.h)) < hidden(samples, Rect(x: b.x, y: b.y, width: size.w, height: size.h))
        } ?? corners[0]
        let box = Rect(x: best.x, y: best.y, width: size.w, height: size.h)
        c.fillRect(box, .white, opacity: 0.88)
        c.strokeRect(box, Color(hex: 0xCCCCCC), width: 0.8)
        for (i, e) in entries.enumerated() {
            let cy = box.y + inner + Double(i) * row + (row - 4) / 2
            let sx = box.x + inner
            switch e.kind {
            case 0: c.polyline([Point(x: sx, y: cy), Point(x: sx + swatch, y: cy)], e.color, width: 2)
            case 1: c.circle(Point(x: sx + swatch / 2, y: cy), radius: 4.5, fill: e.color, opacity: 0.85, edge: .white)
            default: c.fillRect(Rect(x: sx + 4, y: cy - 5, width: swatch - 8, height: 10), e.color, opacity: 1)
            }
            c.text(e.name, at: Point(x: sx + swatch + 6, y: cy + TextMetrics.capHeight(size: R.legendSize) / 2),
                   size: R.legendSize, color: R.ink, anchor: .start, vertical: false)
        }
    }

    /// Points along the drawn data, to judge which legend corner hides least.
    private func dataSamples() -> [Point] {
        var out: [Point] = []
        switch chart.content {
        case .lines(let series):
            for s in series where s.x.count > 0 {
                let per = Swift.max(1, Swift.min(8, 4000 / Swift.max(s.x.count, 1)))
                for i in s.x.indices where s.x[i].isFinite && s.y[i].isFinite {
                    out.append(Point(x: x(s.x[i]), y: y(s.y[i])))
                    if i + 1 < s.x.count, s.x[i + 1].isFinite, s.y[i + 1].isFinite {
                        for k in 1..<per {
                            let t = Double(k) / Double(per)
                            out.append(Point(x: x(s.x[i] + (s.x[i + 1] - s.x[i]) * t), y: y(s.y[i] + (s.y[i + 1] - s.y[i]) * t)))
                        }
                    }
                }
            }
        case .scatter(let p):
            for i in p.x.indices where p.x[i].isFinite && p.y[i].isFinite { out.append(Point(x: x(p.x[i]), y: y(p.y[i]))) }
        case .bars(let b):
            for s in b.series {
                for (i, v) in s.values.enumerated() where v.isFinite {
                    for f in stride(from: 0.0, through: 1.0, by: 0.125) {
                        for g in [0.1, 0.5, 0.9] { out.append(Point(x: x(Double(i) + g), y: y(v * f))) }
                    }
                }
            }
        case .heatmap: break
        }
        return out
    }

    private func hidden(_ points: [Point], _ box: Rect) -> Int {
        let grown = box.inset(by: -4)
        return points.reduce(0) { $0 + (grown.contains($1) ? 1 : 0) }
    }
}

extension Heatmap {
    /// The smallest legible label size.
    static let minimumLabelSize = 6.0

    /// A cell's label and its size, fitted to `width`: the full value at `size`, else shrunk (to
    /// `minimumLabelSize`), else abbreviated to two significant digits. A label is never dropped:
    /// the cells that need one most (the extreme values, the widest labels) are the ones that
    /// would go missing.
    static func label(_ v: Double, width: Double, size: Double) -> (text: String, size: Double) {
        let floor = Swift.min(size, minimumLabelSize)
        for text in [format(v), short(v)] {
            let w = TextMetrics.width(text, size: size)
            if w <= width { return (text, size) }
            let fitted = size * width / w
            if fitted >= floor { return (text, fitted) }
        }
        return (short(v), floor)
    }

    /// Two significant digits, without a leading zero: "0.93" → ".93", 1234 → "1.2k".
    static func short(_ v: Double) -> String {
        let a = Swift.abs(v), sign = v < 0 ? "-" : ""
        if a == 0 { return "0" }
        if a >= 1e4 || a < 0.01 { return String(format: "%.0e", v) }
        if a >= 1000 { return sign + String(format: "%.0fk", a / 1000) }
        if a >= 10 { return sign + String(format: "%.0f", a) }
        let text = String(format: a < 1 ? "%.2f" : "%.1f", a)
        return sign + (text.hasPrefix("0.") ? String(text.dropFirst()) : text)
    }

    /// A cell's value in at most four significant digits.
    static func format(_ v: Double) -> String {
        let a = Swift.abs(v)
        if a != 0 && (a < 0.01 || a >= 1e4) { return String(format: "%.1e", v) }
        if v == v.rounded() { return String(Int(v)) }
        return String(format: a < 1 ? "%.2f" : a < 100 ? "%.1f" : "%.0f", v)
    }
}
