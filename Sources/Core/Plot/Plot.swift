import Foundation

/// Draws scenes as SVG text and PNG images from one description, so both show the same figure.
public enum Plot {
    /// The scene as an SVG document.
    public static func svg(_ scene: PlotScene) throws -> String {
        try validate(scene)
        var canvas = SVGCanvas(width: scene.width, height: scene.height)
        PlotRenderer.draw(scene, on: &canvas)
        return canvas.document
    }

    /// The scene as PNG bytes, rendered at `scale` pixels per unit (2: a 1600×1120 image for the
    /// default 800×560 figure).
    public static func png(_ scene: PlotScene, scale: Double = 2) throws -> Data {
        let (rgb, width, height) = try raster(scene, scale: scale)
        return PNGEncoder.encode(rgb: rgb, width: width, height: height)
    }

    /// The scene as 8-bit RGB rows at `scale` pixels per unit.
    static func raster(_ scene: PlotScene, scale: Double) throws -> (rgb: [UInt8], width: Int, height: Int) {
        try validate(scene)
        guard scale > 0, scale <= 8, scene.width * scale * scene.height * scale <= 64_000_000 else {
            throw InstructEditError("plot: scale \(scale) for a \(Int(scene.width))×\(Int(scene.height)) figure is out of range")
        }
        var canvas = RasterCanvas(width: scene.width, height: scene.height, scale: scale)
        PlotRenderer.draw(scene, on: &canvas)
        return (canvas.rgbBytes, canvas.width, canvas.height)
    }

    /// Writes `basePath.svg` and `basePath.png` (a trailing ".svg" or ".png" on `basePath` is
    /// dropped), each atomically, creating missing folders; returns both paths.
    @discardableResult
    public static func write(_ scene: PlotScene, to basePath: String, scale: Double = 2) throws -> (svg: String, png: String) {
        var base = basePath
        for ext in [".svg", ".png"] where base.lowercased().hasSuffix(ext) { base.removeLast(ext.count) }
        guard !base.isEmpty else { throw InstructEditError("plot: empty output path") }
        let svgPath = base + ".svg", pngPath = base + ".png"
        let svgData = Data(try svg(scene).utf8)
        let pngData = try png(scene, scale: scale)
        let folder = URL(fileURLWithPath: svgPath).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try svgData.write(to: URL(fileURLWithPath: svgPath), options: .atomic)
            try pngData.write(to: URL(fileURLWithPath: pngPath), options: .atomic)
        } catch {
            throw InstructEditError("plot: cannot write \(base).svg/.png: \(FileAccess.reason(error))")
        }
        return (svgPath, pngPath)
    }

    private static func validate(_ scene: PlotScene) throws {
        guard !scene.charts.isEmpty else { throw InstructEditError("plot: the scene has no charts") }
        guard scene.width >= 100, scene.height >= 80, scene.width <= 10_000, scene.height <= 10_000 else {
            throw InstructEditError("plot: size \(scene.width)×\(scene.height) out of range (100...10000 × 80...10000)")
        }
        for chart in scene.charts { try chart.validate() }
    }
}
