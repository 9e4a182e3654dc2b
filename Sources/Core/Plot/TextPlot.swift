import Foundation

/// Draws a scene as text for a terminal: lines and scatter points as braille dots, bars as block
/// characters, heatmaps as coloured (or shaded) cells, each chart with its title, axes with tick
/// labels, axis labels and legend, in `width` columns. The charts of a grid come one below the other.
public enum TextPlot {
    /// The scene as lines of text (no trailing newline). `height` is the rows of one chart's plot
    /// area (default: from the scene's aspect ratio, 8...24 rows; 17 for 80 columns).
    public static func render(_ scene: PlotScene, width: Int = 80, height: Int? = nil,
                              colour: TerminalColour = .none) throws -> String {
        guard !scene.charts.isEmpty else { throw InstructEditError("plot: the scene has no charts") }
        for chart in scene.charts { try chart.validate() }
        let width = Swift.max(30, Swift.min(width, 400))
        let aspect = scene.height / Swift.max(scene.width / Double(Swift.min(scene.columns, scene.charts.count)), 1)
        let rows = height.map { Swift.max(4, Swift.min($0, 200)) }
            ?? Swift.max(8, Swift.min(24, Int((Double(width) * aspect * 0.3).rounded())))
        var lines: [String] = []
        if !scene.title.isEmpty { lines.append(centered(scene.title, width)) }
        for (i, chart) in scene.charts.enumerated() {
            if i > 0 { lines.append("") }
            lines += TextChart(chart, width: width, plotRows: rows).grid().lines(colour)
        }
        return lines.joined(separator: "\n")
    }

    static func centered(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: Swift.max(0, (width - text.count) / 2)) + text
    }
}

/// One chart laid out in character cells.
private struct TextChart {
    let chart: Chart
    let width: Int
    let plotRows: Int

    init(_ chart: Chart, width: Int, plotRows: Int) {
        self.chart = chart
        self.width = width
        self.plotRows = plotRows
    }

    func grid() -> TextGrid {
        if case .heatmap(let h) = chart.content { return heatmap(h) }
        return axes()
    }

    // MARK: Lines, scatter and bars

    private func axes() -> TextGrid {
        let (xLimits, yLimits, categories) = limits()
        let yTicks = Ticks(lo: yLimits.0, hi: yLimits.1, target: Swift.max(3, plotRows / 3))
        let labelWidth = yTicks.labels.map(\.count).max() ?? 1
        let left = labelWidth + 1                       // the y axis column
        let plotWidth = Swift.max(10, width - left - 2)
        var legend = legendEntries()
        let legendLines = chart.legend && legend.contains(where: { !$0.name.isEmpty }) ? legendRows(&legend) : []

        var rows = 0
        let titleRow = chart.title.isEmpty ? nil : rows
        if titleRow != nil { rows += 1 }
        let yLabelRow = chart.yLabel.isEmpty ? nil : rows
        if yLabelRow != nil { rows += 1 }
        let top = rows
        let axisRow = top + plotRows, tickRow = axisRow + 1
        rows = tickRow + 1
        let xLabelRow = chart.xLabel.isEmpty ? nil : rows
        if xLabelRow != nil { rows += 1 }
        let legendRow = rows
        rows += legendLines.count

        var g = TextGrid(width: width, height: rows)
        if let titleRow { g.write(chart.title, titleRow, centeredAt: left + 1 + plotWidth / 2) }
        if let yLabelRow { g.write(chart.yLabel, yLabelRow, 0) }
        if let xLabelRow { g.write(chart.xLabel, xLabelRow, centeredAt: left + 1 + plotWidth / 2) }

        // The y axis with its ticks.
        let row = { (v: Double) in top + plotRows - 1 - Int(((v - yLimits.0) / (yLimits.1 - yLimits.0) * Double(plotRows - 1)).rounded()) }
        for r in top..<axisRow { g.set(r, left, "│") }
        g.set(axisRow, left, "└")
        for (v, label) in zip(yTicks.values, yTicks.labels) where (top..<axisRow).contains(row(v)) {
            g.write(String(repeating: " ", count: labelWidth - label.count) + label, row(v), 0)
            g.set(row(v), left, "┤")
        }
        // The x axis: numbers, or category names under their slots.
        for c in 0..<plotWidth { g.set(axisRow, left + 1 + c, "─") }
        let column = { (v: Double) in left + 1 + Int(((v - xLimits.0) / (xLimits.1 - xLimits.0) * Double(plotWidth - 1)).rounded()) }
        var labels: [(Int, String)] = []
        if let categories {
            let slot = Double(plotWidth) / Double(categories.count)
            let room = Swift.max(1, Int(slot) - 1)
            labels = categories.enumerated().map { i, name in
                (left + 1 + Int(slot * (Double(i) + 0.5)), name.count > room ? String(name.prefix(Swift.max(1, room - 1))) + "…" : name)
            }
        } else {
            let ticks = Ticks(lo: xLimits.0, hi: xLimits.1, target: Swift.max(2, plotWidth / 12))
            labels = zip(ticks.values, ticks.labels).map { (column($0), $1) }
        }
        var free = 0
        for (c, label) in labels where (left + 1...left + plotWidth).contains(c) {
            g.set(axisRow, c, "┬")
            let start = Swift.min(Swift.max(0, c - label.count / 2), width - label.count)
            guard start >= free else { continue }
            g.write(label, tickRow, start)
            free = start + label.count + 1
        }

        var dots = BrailleLayer(columns: plotWidth, rows: plotRows)
        let dx = { (v: Double) in Int(((v - xLimits.0) / (xLimits.1 - xLimits.0) * Double(dots.dotWidth - 1)).rounded()) }
        let dy = { (v: Double) in dots.dotHeight - 1 - Int(((v - yLimits.0) / (yLimits.1 - yLimits.0) * Double(dots.dotHeight - 1)).rounded()) }
        switch chart.content {
        case .lines(let series):
            for (k, s) in series.enumerated() {
                let colour = s.color ?? Palette.category(k)
                var previous: (Int, Int)?
                for i in s.x.indices {
                    guard s.x[i].isFinite, s.y[i].isFinite else { previous = nil; continue }
                    let p = (dx(s.x[i]), dy(s.y[i]))
                    if let q = previous { dots.line(q.0, q.1, p.0, p.1, colour) } else { dots.dot(p.0, p.1, colour) }
                    previous = p
                }
            }
            dots.draw(into: &g, row: top, column: left + 1)
        case .scatter(let p):
            let groups = groupIndex(p.groups)
            for i in p.x.indices where p.x[i].isFinite && p.y[i].isFinite {
                let colour = Palette.category(p.groups.map { groups[$0[i]] ?? 0 } ?? 0)
                let (x, y) = (dx(p.x[i]), dy(p.y[i]))
                for (ox, oy) in [(0, 0), (1, 0), (0, 1), (1, 1)] { dots.dot(x + ox, y + oy, colour) }
            }
            dots.draw(into: &g, row: top, column: left + 1)
        case .bars(let b):
            drawBars(b, into: &g, top: top, left: left + 1, plotWidth: plotWidth, yLimits: yLimits)
        case .heatmap:
            break
        }
        for (i, line) in legendLines.enumerated() {
            var c = left + 1
            for entry in line {
                g.write(entry.swatch, legendRow + i, c, foreground: entry.colour)
                g.write(entry.name, legendRow + i, c + entry.swatch.count + 1)
                c += entry.swatch.count + entry.name.count + 3
            }
        }
        return g
    }

    /// Bars of eighth-block resolution, one column group per category, one bar per series.
    private func drawBars(_ b: BarGroups, into g: inout TextGrid, top: Int, left: Int, plotWidth: Int,
                          yLimits: (Double, Double)) {
        let eighths = Array(" ▁▂▃▄▅▆▇█")
        let toEighths = { (v: Double) in Int(((v - yLimits.0) / (yLimits.1 - yLimits.0) * Double(plotRows * 8)).rounded()) }
        let base = Swift.max(0, Swift.min(plotRows * 8, toEighths(0)))
        let slot = Double(plotWidth) / Double(b.categories.count)
        let barWidth = Swift.max(1, Int(slot * 0.8) / Swift.max(b.series.count, 1))
        for (k, s) in b.series.enumerated() {
            let colour = Palette.category(k)
            for (i, v) in s.values.enumerated() where v.isFinite {
                let start = left + Int(slot * Double(i) + slot * 0.1) + k * barWidth
                let level = Swift.max(0, Swift.min(plotRows * 8, toEighths(v)))
                let (lo, hi) = (Swift.min(base, level), Swift.max(base, level))
                for r in 0..<plotRows {
                    // The eighths of this row (counted from the bottom) that the bar covers.
                    let rowLo = (plotRows - 1 - r) * 8
                    let covered = Swift.max(0, Swift.min(hi, rowLo + 8) - Swift.max(lo, rowLo))
                    guard covered > 0 else { continue }
                    // Bars below the baseline hang from it: whole cells, or the top part of one.
                    let ch = covered == 8 || level < base ? eighths[8] : eighths[covered]
                    for c in start..<(start + barWidth) { g.set(top + r, c, ch, foreground: colour) }
                }
            }
        }
    }

    // MARK: Heatmaps

    private func heatmap(_ h: Heatmap) -> TextGrid {
        let rowLabels = h.rowLabels ?? (0..<h.rows).map { String($0 + 1) }
        let columnLabels = h.columnLabels ?? (0..<h.columns).map { String($0 + 1) }
        let labelWidth = Swift.min(rowLabels.map(\.count).max() ?? 1, width / 4)
        let finite = h.values.filter(\.isFinite)
        var lo = h.range?.lowerBound ?? finite.min() ?? 0, hi = h.range?.upperBound ?? finite.max() ?? 1
        if hi <= lo { (lo, hi) = (lo - 0.5, hi + 0.5) }
        let cellWidth = Swift.max(1, Swift.min(6, (width - labelWidth - 1) / h.columns))
        let shades = Array(" ░▒▓█")

        var rows = 0
        let titleRow = chart.title.isEmpty ? nil : rows
        if titleRow != nil { rows += 1 }
        let top = rows
        let labelRow = top + h.rows
        let xLabelRow = labelRow + 1
        let barRow = xLabelRow + (chart.xLabel.isEmpty ? 0 : 1)
        var g = TextGrid(width: width, height: barRow + 1)
        let left = labelWidth + 1
        if let titleRow { g.write(chart.title, titleRow, centeredAt: left + cellWidth * h.columns / 2) }
        if !chart.yLabel.isEmpty, titleRow != nil || top > 0 { g.write(chart.yLabel, 0, 0) }
        for r in 0..<h.rows {
            let label = String(rowLabels[r].prefix(labelWidth))
            g.write(String(repeating: " ", count: labelWidth - label.count) + label, top + r, 0)
            for c in 0..<h.columns {
                let v = h.values[r * h.columns + c]
                let t = v.isFinite ? Swift.min(Swift.max((v - lo) / (hi - lo), 0), 1) : 0
                let colour = h.colorMap.color(t)
                let shade = v.isFinite ? shades[Swift.min(4, Int(t * 4.999))] : "?"
                for i in 0..<cellWidth { g.set(top + r, left + c * cellWidth + i, shade, foreground: colour, background: v.isFinite ? colour : nil) }
            }
        }
        var free = 0
        for (c, label) in columnLabels.enumerated() {
            let center = left + c * cellWidth + cellWidth / 2
            let start = Swift.max(0, center - label.count / 2)
            guard start >= free, start + label.count <= width else { continue }
            g.write(label, labelRow, start)
            free = start + label.count + 1
        }
        if !chart.xLabel.isEmpty { g.write(chart.xLabel, xLabelRow, centeredAt: left + cellWidth * h.columns / 2) }
        // The colour scale: low value, the shades in their colours, high value.
        let loText = Heatmap.format(lo), hiText = Heatmap.format(hi)
        g.write(loText, barRow, left)
        let steps = Swift.max(5, Swift.min(20, width - left - loText.count - hiText.count - 4))
        for i in 0..<steps {
            let t = Double(i) / Double(steps - 1), colour = h.colorMap.color(t)
            g.set(barRow, left + loText.count + 1 + i, shades[Swift.min(4, Int(t * 4.999))], foreground: colour, background: colour)
        }
        g.write(hiText, barRow, left + loText.count + 2 + steps)
        return g
    }

    // MARK: Shared

    /// Axis limits as the image renderer fits them, and the categories of a bar chart.
    private func limits() -> ((Double, Double), (Double, Double), [String]?) {
        func fit(_ values: [Double], _ fixed: ClosedRange<Double>?) -> (Double, Double) {
            if let fixed { return (fixed.lowerBound, fixed.upperBound) }
            let finite = values.filter(\.isFinite)
            return Ticks.padded(finite.min() ?? 0, finite.max() ?? 1)
        }
        switch chart.content {
        case .lines(let series):
            let points = series.flatMap { s in s.x.indices.filter { s.x[$0].isFinite && s.y[$0].isFinite }.map { (s.x[$0], s.y[$0]) } }
            return (fit(points.map(\.0), chart.xRange), fit(points.map(\.1), chart.yRange), nil)
        case .scatter(let p):
            let ok = p.x.indices.filter { p.x[$0].isFinite && p.y[$0].isFinite }
            return (fit(ok.map { p.x[$0] }, chart.xRange), fit(ok.map { p.y[$0] }, chart.yRange), nil)
        case .bars(let b):
            let values = b.series.flatMap(\.values).filter(\.isFinite)
            let lo = Swift.min(0, values.min() ?? 0), hi = Swift.max(0, values.max() ?? 1)
            let span = hi - lo > 0 ? hi - lo : 1
            let y = chart.yRange.map { ($0.lowerBound, $0.upperBound) } ?? (lo < 0 ? lo - 0.05 * span : 0, hi > 0 ? hi + 0.05 * span : (lo < 0 ? 0 : 1))
            return ((0, Double(b.categories.count)), y, b.categories)
        case .heatmap:
            return ((0, 1), (0, 1), nil)
        }
    }

    private struct LegendEntry {
        var swatch: String
        var name: String
        var colour: Color
    }

    private func legendEntries() -> [LegendEntry] {
        switch chart.content {
        case .lines(let series):
            return series.enumerated().map { LegendEntry(swatch: "──", name: $1.name, colour: $1.color ?? Palette.category($0)) }
        case .scatter(let p):
            let groups = groupIndex(p.groups)
            return groups.sorted { $0.value < $1.value }.map { LegendEntry(swatch: "⣿", name: $0.key, colour: Palette.category($0.value)) }
        case .bars(let b):
            return b.series.enumerated().map { LegendEntry(swatch: "█", name: $1.name, colour: Palette.category($0)) }
        case .heatmap:
            return []
        }
    }

    /// The legend entries wrapped into rows that fit the width.
    private func legendRows(_ entries: inout [LegendEntry]) -> [[LegendEntry]] {
        var rows: [[LegendEntry]] = [[]]
        var used = 0
        for entry in entries where !entry.name.isEmpty {
            let w = entry.swatch.count + entry.name.count + 3
            if used + w > width - 4, !(rows.last ?? []).isEmpty {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(entry)
            used += w
        }
        return rows
    }

    /// Group name → its colour index, in order of first appearance.
    private func groupIndex(_ groups: [String]?) -> [String: Int] {
        var index: [String: Int] = [:]
        for g in groups ?? [] where index[g] == nil { index[g] = index.count }
        return index
    }
}
