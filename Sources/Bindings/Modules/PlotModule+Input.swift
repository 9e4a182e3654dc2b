import Core

/// The options table of a plot function: data fields as tensors or Lua tables, the settings every
/// plot shares, and writing the figure.
struct PlotInput {
    let kind: String
    let args: LuaArgs
    let options: LuaOptions

    /// Reads the table at argument 1 of `plot.<kind>{...}`.
    init(_ kind: String, _ args: LuaArgs) throws {
        guard args.kind(1) == .table else { throw args.typeError(1, expected: "table") }
        self.kind = kind
        self.args = args
        self.options = try args.options(1)
    }

    func fieldError(_ name: String, _ message: String) -> LuaArgumentError {
        args.error(1, "field '\(name)': \(message)")
    }

    /// Field `name` converted by `read`, whose errors are reported against the field.
    func field<T>(_ name: String, _ read: (LuaValue) throws -> T) throws -> T? {
        guard let v = try options.value(name) else { return nil }
        do {
            return try read(v)
        } catch let e as InstructEditError {
            throw fieldError(name, e.message)
        }
    }

    func required<T>(_ name: String, _ read: (LuaValue) throws -> T) throws -> T {
        guard let v = try field(name, read) else { throw fieldError(name, "required") }
        return v
    }

    /// `{lo, hi}` with lo < hi.
    func range(_ name: String) throws -> ClosedRange<Double>? {
        try field(name) { v in
            let pair = try TensorModule.numbers(v)
            guard pair.count == 2, pair[0] < pair[1], pair.allSatisfy(\.isFinite) else {
                throw InstructEditError("{low, high} with low < high expected")
            }
            return pair[0]...pair[1]
        }
    }

    /// Reads the settings every plot shares (title, labels, legend, grid, size, path), checks that no
    /// unknown field is left, draws `content`, writes `<path>.svg` and `<path>.png`, and records the
    /// PNG as a figure of the session. Where the session writes no files unasked (the REPL) and no
    /// path is given, it only records the scene, for the terminal, and returns nothing.
    func finish(_ content: Chart.Content, xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) throws -> [LuaValue] {
        var chart = Chart(content, title: try options.string("title", default: ""),
                          xLabel: try options.string("xlabel", default: ""), yLabel: try options.string("ylabel", default: ""))
        chart.legend = try options.bool("legend", default: true)
        chart.grid = try options.bool("grid", default: true)
        (chart.xRange, chart.yRange) = (xRange, yRange)
        let width = try options.number("width", default: 800), height = try options.number("height", default: 560)
        let path = try options.string("path")
        try options.rejectUnknown()
        let scene = PlotScene(chart, width: width, height: height)
        let title = chart.title.isEmpty ? "\(kind) plot" : chart.title
        guard path != nil || args.session.writesFigureFiles else {
            try args.blaming(1) { _ = try Plot.svg(scene) }   // the checks writing it would make
            args.session.recordFigure(path: "", title: title, scene: scene)
            return []
        }
        let base = try path ?? args.session.newFigurePath(stem: kind, extension: "png")
        let written = try args.blaming(1) { try Plot.write(scene, to: base) }
        args.session.recordFigure(path: written.png, title: title, scene: scene)
        return [["svg": .string(written.svg), "png": .string(written.png)]]
    }
}
