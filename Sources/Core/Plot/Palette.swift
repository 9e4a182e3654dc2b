/// An sRGB colour with components in 0...1.
public struct Color: Sendable, Equatable {
    public var r: Double, g: Double, b: Double

    public init(r: Double, g: Double, b: Double) { (self.r, self.g, self.b) = (r, g, b) }

    /// From a 0xRRGGBB value.
    public init(hex: UInt32) {
        self.init(r: Double(hex >> 16 & 0xFF) / 255, g: Double(hex >> 8 & 0xFF) / 255, b: Double(hex & 0xFF) / 255)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)

    /// "#1f77b4", as SVG wants it.
    var hexString: String {
        func byte(_ v: Double) -> String {
            let s = String(Int((Swift.min(Swift.max(v, 0), 1) * 255).rounded()), radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + byte(r) + byte(g) + byte(b)
    }

    func mixed(with other: Color, _ t: Double) -> Color {
        Color(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t)
    }
}

/// Colour choices: matplotlib's tab10 for categories, viridis and coolwarm for values.
public enum Palette {
    /// matplotlib's default categorical palette; series `i` gets `tab10[i % 10]`.
    public static let tab10: [Color] = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf].map(Color.init(hex:))

    public static func category(_ i: Int) -> Color { tab10[((i % 10) + 10) % 10] }

    /// A continuous colour map over 0...1.
    public enum ColorMap: String, Sendable, CaseIterable {
        /// Perceptually uniform, dark purple to yellow (matplotlib's default).
        case viridis
        /// Diverging blue–grey–red, for values around zero.
        case coolwarm

        /// The colour at `t` (clamped to 0...1).
        public func color(_ t: Double) -> Color {
            let stops = self == .viridis ? Palette.viridisStops : Palette.coolwarmStops
            let x = (t.isFinite ? Swift.min(Swift.max(t, 0), 1) : 0) * Double(stops.count - 1)
            let i = Swift.min(Int(x), stops.count - 2)
            return Color(hex: stops[i]).mixed(with: Color(hex: stops[i + 1]), x - Double(i))
        }
    }

    /// viridis sampled at 17 evenly spaced points.
    static let viridisStops: [UInt32] = [0x440154, 0x48186a, 0x472d7b, 0x424086, 0x3b528b, 0x33638d, 0x2c728e,
                                         0x26828e, 0x21918c, 0x1fa088, 0x28ae80, 0x3fbc73, 0x5ec962, 0x84d44b,
                                         0xaddc30, 0xd8e219, 0xfde725]
    /// coolwarm sampled at 11 evenly spaced points.
    static let coolwarmStops: [UInt32] = [0x3b4cc0, 0x5977e3, 0x7b9ff9, 0x9ebeff, 0xc0d4f5, 0xdddddd, 0xf2cbb7,
                                          0xf7ac8e, 0xee8468, 0xd65244, 0xb40426]
}
