/// Text for progress lines of long runs (training, evaluation), shared by the command line and Lua.
public enum ProgressText {
    /// "[██████····]  61/100" style bar.
    public static func bar(done: Int, total: Int, width: Int = 24) -> String {
        let t = max(total, 1), d = min(max(done, 0), t)
        let filled = width * d / t
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(d)/\(t)"
    }

    /// "42s", "3:07", "1:02:03".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
        let two = { (x: Int) in x < 10 ? "0\(x)" : "\(x)" }
        return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
    }

    /// `x` with `digits` decimals, "nan" for NaN.
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let v = (abs(x) * p).rounded() / p
        var s = String(v)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        }
        return (x < 0 && v != 0 ? "-" : "") + s
    }
}
