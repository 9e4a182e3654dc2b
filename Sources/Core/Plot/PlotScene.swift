/// A figure to draw: one chart, or several in a grid, at a size in pixels (the SVG's size, and the
/// PNG's at scale 1).
public struct PlotScene: Sendable {
    public var charts: [Chart]
    /// Charts per row of the grid.
    public var columns: Int
    /// A title over the whole figure (a single chart's own title is usually enough).
    public var title: String
    public var width: Double
    public var height: Double

    public init(_ chart: Chart, width: Double = 800, height: Double = 560) {
        self.init(grid: [chart], columns: 1, width: width, height: height)
    }

    /// Charts side by side, `columns` per row (default: all in one row).
    public init(grid charts: [Chart], columns: Int? = nil, title: String = "", width: Double? = nil, height: Double = 560) {
        self.charts = charts
        self.columns = Swift.max(1, columns ?? charts.count)
        self.title = title
        self.width = width ?? (charts.count > 1 ? 560 * Double(Swift.min(self.columns, charts.count)) : 800)
        self.height = height
    }
}

/// One set of axes and what is drawn on them.
public struct Chart: Sendable {
    public enum Content: Sendable {
        case lines([LineSeries])
        case scatter(ScatterPoints)
        case bars(BarGroups)
        case heatmap(Heatmap)
    }

    public var content: Content
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var grid = true
    public var legend = true
    /// Fixed axis limits; nil: fitted to the data with a 5% margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?

    public init(_ content: Content, title: String = "", xLabel: String = "", yLabel: String = "") {
        self.content = content
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }
}

/// A line through (x[i], y[i]); a non-finite y breaks the line.
public struct LineSeries: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var color: Color?
    /// Draw a dot at every point as well.
    public var markers: Bool

    public init(name: String, x: [Double], y: [Double], color: Color? = nil, markers: Bool = false) {
        (self.name, self.x, self.y, self.color, self.markers) = (name, x, y, color, markers)
    }

    /// y against 0, 1, 2, ...
    public init(name: String, y: [Double], color: Color? = nil, markers: Bool = false) {
        self.init(name: name, x: y.indices.map(Double.init), y: y, color: color, markers: markers)
    }
}

/// Points coloured by group (one legend entry per group, in order of first appearance), with
/// optional text next to each point.
public struct ScatterPoints: Sendable {
    public var x: [Double]
    public var y: [Double]
    public var groups: [String]?
    public var pointLabels: [String]?
    public var radius: Double

    public init(x: [Double], y: [Double], groups: [String]? = nil, pointLabels: [String]? = nil, radius: Double = 4.5) {
        (self.x, self.y, self.groups, self.pointLabels, self.radius) = (x, y, groups, pointLabels, radius)
    }
}

/// Grouped bars: for each category, one bar per series.
public struct BarGroups: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        public init(name: String, values: [Double]) { (self.name, self.values) = (name, values) }
    }

    public var categories: [String]
    public var series: [Series]

    public init(categories: [String], series: [Series]) { (self.categories, self.series) = (categories, series) }
}

/// A matrix of values as coloured cells (row 0 at the top), with a colour scale bar.
public struct Heatmap: Sendable {
    public var values: [Double]  // rows × columns, row-major
    public var rows: Int
    public var columns: Int
    public var rowLabels: [String]?
    public var columnLabels: [String]?
    public var colorMap: Palette.ColorMap
    /// Print each value in its cell (default: when there are at most 144 cells).
    public var annotate: Bool?
    /// Values mapped to the ends of the colour map; nil: the data's range.
    public var range: ClosedRange<Double>?

    public init(values: [Double], rows: Int, columns: Int, rowLabels: [String]? = nil, columnLabels: [String]? = nil,
                colorMap: Palette.ColorMap = .viridis, annotate: Bool? = nil, range: ClosedRange<Double>? = nil) {
        (self.values, self.rows, self.columns) = (values, rows, columns)
        (self.rowLabels, self.columnLabels, self.colorMap, self.annotate, self.range) = (rowLabels, columnLabels, colorMap, annotate, range)
    }

    /// From a 2-D tensor.
    public init(_ tensor: Tensor, rowLabels: [String]? = nil, columnLabels: [String]? = nil,
                colorMap: Palette.ColorMap = .viridis) throws {
        guard tensor.rank == 2 else {
            throw InstructEditError("plot.heatmap: expects a 2-D tensor, got size \(Tensor.describe(tensor.shape))")
        }
        self.init(values: tensor.data.map(Double.init), rows: tensor.shape[0], columns: tensor.shape[1],
                  rowLabels: rowLabels, columnLabels: columnLabels, colorMap: colorMap)
    }
}

extension Chart {
    /// Checks that the content is drawable, naming what is wrong.
    func validate() throws {
        switch content {
        case .lines(let series):
            guard !series.isEmpty else { throw InstructEditError("plot.line: no series given") }
            for s in series where s.x.count != s.y.count {
                throw InstructEditError("plot.line: series '\(s.name)' has \(s.x.count) x values and \(s.y.count) y values")
            }
            guard series.contains(where: { s in s.y.indices.contains { s.y[$0].isFinite && s.x[$0].isFinite } }) else {
                throw InstructEditError("plot.line: no finite points to draw")
            }
        case .scatter(let p):
            guard p.x.count == p.y.count else { throw InstructEditError("plot.scatter: \(p.x.count) x values and \(p.y.count) y values") }
            if let g = p.groups, g.count != p.x.count {
                throw InstructEditError("plot.scatter: \(g.count) group labels for \(p.x.count) points")
            }
            if let l = p.pointLabels, l.count != p.x.count {
                throw InstructEditError("plot.scatter: \(l.count) point labels for \(p.x.count) points")
            }
            guard p.x.indices.contains(where: { p.x[$0].isFinite && p.y[$0].isFinite }) else {
                throw InstructEditError("plot.scatter: no finite points to draw")
            }
        case .bars(let b):
            guard !b.categories.isEmpty, !b.series.isEmpty else { throw InstructEditError("plot.bar: needs at least one category and one series") }
            for s in b.series where s.values.count != b.categories.count {
                throw InstructEditError("plot.bar: series '\(s.name)' has \(s.values.count) values for \(b.categories.count) categories")
            }
        case .heatmap(let h):
            guard h.rows > 0, h.columns > 0, h.values.count == h.rows * h.columns else {
                throw InstructEditError("plot.heatmap: \(h.values.count) values do not fill \(h.rows) rows × \(h.columns) columns")
            }
            if let r = h.rowLabels, r.count != h.rows { throw InstructEditError("plot.heatmap: \(r.count) row labels for \(h.rows) rows") }
            if let c = h.columnLabels, c.count != h.columns { throw InstructEditError("plot.heatmap: \(c.count) column labels for \(h.columns) columns") }
        }
        for (name, r) in [("x", xRange), ("y", yRange)] {
            if let r, !(r.lowerBound < r.upperBound && r.lowerBound.isFinite && r.upperBound.isFinite) {
                throw InstructEditError("plot: \(name) range \(r) must be finite and non-empty")
            }
        }
    }
}
