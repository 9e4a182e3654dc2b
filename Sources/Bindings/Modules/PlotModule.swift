import Core

/// The `plot` module: line, scatter, bar and heatmap figures written as SVG and PNG, shown under the
/// notebook cell that made them.
enum PlotModule: LuaModule {
    static let name: String? = "plot"
    static let summary = "Line, scatter, bar and heatmap figures, written as SVG and PNG files."

    /// The fields every plot function reads, for the help text.
    static let common = "title=, xlabel=, ylabel=, legend=true, grid=true, width=800, height=560, path= (without extension; default: the session's figure folder)"

    static func register(in module: LuaModuleBuilder) throws {
        module.function("line", signature: "plot.line{y=, [x=, name=, markers=] | series={{name=, x=, y=, markers=}, ...}, ...} -> {svg=, png=}",
                        summary: "Lines through points (x defaults to 1, 2, ...); data as Tensors or tables. Also: xlim={lo, hi}, ylim=, \(common).",
                        example: "plot.line{y = losses, title = 'Training loss', xlabel = 'step', ylabel = 'loss'}") { args in
            let input = try PlotInput("line", args)
            let series: [LineSeries]
            if let list = try input.field("series", { try seriesList($0) }) {
                series = list
            } else {
                let y = try input.required("y", TensorModule.numbers)
                let x = try input.field("x", TensorModule.numbers) ?? y.indices.map { Double($0 + 1) }
                series = [LineSeries(name: try input.options.string("name", default: ""), x: x, y: y,
                                     markers: try input.options.bool("markers", default: false))]
            }
            return try input.finish(.lines(series), xRange: input.range("xlim"), yRange: input.range("ylim"))
        }
        module.function("scatter", signature: "plot.scatter{x=, y=, [labels=, point_labels=, size=], ...} -> {svg=, png=}",
                        summary: "Points, coloured by labels (one colour and legend entry per distinct label), with optional text beside each point. Also: xlim=, ylim=, \(common).",
                        example: "plot.scatter{x = p.coords:select(2, 1), y = p.coords:select(2, 2), labels = kinds, title = 'PCA'}") { args in
            let input = try PlotInput("scatter", args)
            var points = ScatterPoints(x: try input.required("x", TensorModule.numbers), y: try input.required("y", TensorModule.numbers),
                                       groups: try input.field("labels", TensorModule.labels),
                                       pointLabels: try input.field("point_labels", TensorModule.labels))
            if let size = try input.options.number("size") {
                guard size > 0, size <= 50 else { throw input.fieldError("size", "point radius between 0 and 50 expected, got \(size)") }
                points.radius = size
            }
            return try input.finish(.scatter(points), xRange: input.range("xlim"), yRange: input.range("ylim"))
        }
        module.function("bar", signature: "plot.bar{labels=, values= [, name=] | groups={{name=, values=}, ...}, ...} -> {svg=, png=}",
                        summary: "Bars, one per label; with groups, one bar per group beside each other for every label. Also: ylim=, \(common).",
                        example: "plot.bar{labels = {'FT', 'MEND'}, values = {41.2, 87.5}, ylabel = 'reliability (%)'}") { args in
            let input = try PlotInput("bar", args)
            let labels = try input.required("labels", TensorModule.labels)
            let series: [BarGroups.Series]
            if let groups = try input.field("groups", { try groupList($0) }) {
                series = groups
            } else {
                series = [BarGroups.Series(name: try input.options.string("name", default: ""),
                                           values: try input.required("values", TensorModule.numbers))]
            }
            return try input.finish(.bars(BarGroups(categories: labels, series: series)), yRange: input.range("ylim"))
        }
        module.function("heatmap", signature: "plot.heatmap{data=, [rows=, cols=, colormap=, annotate=, range=], ...} -> {svg=, png=}",
                        summary: "A matrix (2-D Tensor or nested table) as coloured cells with a colour bar; rows/cols label them, colormap is 'viridis' or 'coolwarm', range={lo, hi} fixes the scale. Also: \(common).",
                        example: "plot.heatmap{data = tensor.randn(4, 6), rows = {'a', 'b', 'c', 'd'}, colormap = 'coolwarm'}") { args in
            let input = try PlotInput("heatmap", args)
            let data = try input.required("data") { v in
                let t = try TensorModule.nestedTensor(v)
                guard t.rank == 2 else { throw InstructEditError("2-D Tensor or table of rows expected, got size \(TensorArguments.describe(t.shape))") }
                return t
            }
            var map = Palette.ColorMap.viridis
            if let name = try input.options.string("colormap") {
                guard let m = Palette.ColorMap(rawValue: name) else {
                    throw input.fieldError("colormap", "one of \(Palette.ColorMap.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")) expected, got '\(name)'")
                }
                map = m
            }
            var heatmap = try args.blaming(1) {
                try Heatmap(data, rowLabels: input.field("rows", TensorModule.labels), columnLabels: input.field("cols", TensorModule.labels), colorMap: map)
            }
            heatmap.annotate = try input.options.bool("annotate")
            heatmap.range = try input.range("range")
            return try input.finish(.heatmap(heatmap))
        }
    }

    /// `series={{name=, x=, y=, markers=}, ...}` of plot.line.
    private static func seriesList(_ v: LuaValue) throws -> [LineSeries] {
        try entries(v, allowed: ["name", "x", "y", "markers"]) { i, e in
            guard let y = e["y"] else { throw InstructEditError("[\(i)]: field 'y' required") }
            let ys = try within(i, "y") { try TensorModule.numbers(y) }
            let xs = try e["x"].map { x in try within(i, "x") { try TensorModule.numbers(x) } } ?? ys.indices.map { Double($0 + 1) }
            return LineSeries(name: try string(e, "name", i) ?? "Series \(i)", x: xs, y: ys, markers: try bool(e, "markers", i) ?? false)
        }
    }

    /// `groups={{name=, values=}, ...}` of plot.bar.
    private static func groupList(_ v: LuaValue) throws -> [BarGroups.Series] {
        try entries(v, allowed: ["name", "values"]) { i, e in
            guard let values = e["values"] else { throw InstructEditError("[\(i)]: field 'values' required") }
            return BarGroups.Series(name: try string(e, "name", i) ?? "Group \(i)",
                                    values: try within(i, "values") { try TensorModule.numbers(values) })
        }
    }

    /// A non-empty sequence of tables with string keys among `allowed`, each read by `read(i, fields)` (i from 1).
    private static func entries<T>(_ v: LuaValue, allowed: Set<String>, _ read: (Int, [String: LuaValue]) throws -> T) throws -> [T] {
        guard let items = v.arrayValue, !items.isEmpty else { throw InstructEditError("non-empty sequence of tables expected") }
        return try items.enumerated().map { k, item in
            guard let fields = item.dictionaryValue else { throw InstructEditError("[\(k + 1)]: table with named fields expected, got \(item.kindName)") }
            if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw InstructEditError("[\(k + 1)]: unknown field '\(unknown)' (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            return try read(k + 1, fields)
        }
    }

    private static func within<T>(_ i: Int, _ name: String, _ read: () throws -> T) throws -> T {
        do { return try read() } catch let e as InstructEditError { throw InstructEditError("[\(i)].\(name): \(e.message)") }
    }

    private static func string(_ e: [String: LuaValue], _ name: String, _ i: Int) throws -> String? {
        guard let v = e[name] else { return nil }
        if let s = v.stringValue { return s }
        if let x = v.doubleValue { return TensorModule.label(x) }
        throw InstructEditError("[\(i)].\(name): string expected, got \(v.kindName)")
    }

    private static func bool(_ e: [String: LuaValue], _ name: String, _ i: Int) throws -> Bool? {
        guard let v = e[name] else { return nil }
        guard let b = v.boolValue else { throw InstructEditError("[\(i)].\(name): boolean expected, got \(v.kindName)") }
        return b
    }
}
