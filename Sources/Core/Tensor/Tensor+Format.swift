import Foundation

/// Torch7-style printing: one number format for the whole tensor (chosen from the range of its
/// magnitudes), a shared scale factor line such as "1e-03 *" when that reads better, aligned
/// columns split into "Columns a to b" blocks that fit 80 characters, long dimensions elided in the
/// middle, and a size footer "[Tensor of size 3x4]". Row and column numbers in the text are 1-based,
/// as the user sees them in Lua.
extension Tensor: CustomStringConvertible {
    public var description: String { format() }

    /// The tensor as text. At most `maxRows` rows (or 1-D entries) and `maxCols` columns are shown;
    /// beyond that the first and last halves are printed around "...".
    public func format(maxRows: Int = 20, maxCols: Int = 16, lineWidth: Int = 80) -> String {
        let size = shape.isEmpty ? "[scalar Tensor]" : "[Tensor of size \(shape.map(String.init).joined(separator: "x"))]"
        guard count > 0 else { return size }
        let number = NumberFormat(data)
        let rows = Swift.max(2, maxRows), cols = Swift.max(2, maxCols)
        var out = ""
        switch rank {
        case 0:
            out = number.scaleLine + number.string(data[0]).trimmingCharacters(in: .whitespaces) + "\n"
        case 1:
            // A vector prints as a column, as in Torch.
            out = number.scaleLine
            for i in Tensor.shownIndices(count, max: rows) {
                out += (i.map { number.string(data[$0]) } ?? Tensor.ellipsis(width: number.width)) + "\n"
            }
        default:
            let (nr, nc) = (shape[rank - 2], shape[rank - 1])
            let slices = count / (nr * nc)
            let leading = Array(shape[..<(rank - 2)])
            let shownSlices = Tensor.shownIndices(slices, max: 6)
            for s in shownSlices {
                guard let s else { out += "...\n\n"; continue }
                if rank > 2 {
                    var index: [Int] = []
                    var rest = s
                    for d in leading.reversed() { index.insert(rest % d + 1, at: 0); rest /= d }
                    out += "(" + index.map(String.init).joined(separator: ",") + ",.,.) = \n"
                }
                out += matrix(offset: s * nr * nc, rows: nr, cols: nc, number: number,
                              maxRows: rows, maxCols: cols, lineWidth: lineWidth)
                if rank > 2 && s != slices - 1 { out += "\n" }
            }
        }
        return out + size
    }

    private func matrix(offset: Int, rows nr: Int, cols nc: Int, number: NumberFormat,
                        maxRows: Int, maxCols: Int, lineWidth: Int) -> String {
        let rowList = Tensor.shownIndices(nr, max: maxRows)
        let perLine = Swift.max(1, lineWidth / (number.width + 1))
        // Columns in blocks that fit the line; when columns are elided, the first and the last
        // columns get blocks of their own, unless everything fits on one line with "..." between.
        let colList = Tensor.shownIndices(nc, max: nc > maxCols ? Swift.min(maxCols, 2 * perLine) : maxCols)
        var blocks: [ArraySlice<Int?>] = []
        if colList.count <= perLine {
            blocks = [colList[...]]
        } else {
            let gap = colList.firstIndex(of: nil)
            for part in gap.map({ [colList[..<$0], colList[($0 + 1)...]] }) ?? [colList[...]] {
                var start = part.startIndex
                while start < part.endIndex {
                    let end = Swift.min(start + perLine, part.endIndex)
                    blocks.append(part[start..<end])
                    start = end
                }
            }
        }
        var out = ""
        for (b, block) in blocks.enumerated() {
            if blocks.count > 1 {
                if b > 0 { out += "\n" }
                out += "Columns " + Tensor.columnRange(block) + "\n"
            }
            out += number.scaleLine
            for r in rowList {
                guard let r else { out += "...\n"; continue }
                let cells = block.map { c in c.map { number.string(data[offset + r * nc + $0]) } ?? Tensor.ellipsis(width: 3) }
                out += cells.joined(separator: " ") + "\n"
            }
        }
        return out
    }

    /// 0..<n, or its first and last halves of `max` around a nil marking the gap.
    static func shownIndices(_ n: Int, max: Int) -> [Int?] {
        guard n > max else { return Array(0..<n) }
        let head = (max + 1) / 2, tail = max / 2
        return Array(0..<head) + [nil] + Array((n - tail)..<n)
    }

    /// "3 to 8", or "3 to 5, 49150 to 49152" around elided columns (1-based).
    private static func columnRange(_ block: ArraySlice<Int?>) -> String {
        var runs: [(Int, Int)] = []
        for c in block {
            guard let c else { continue }
            if let last = runs.last, last.1 == c - 1 { runs[runs.count - 1].1 = c } else { runs.append((c, c)) }
        }
        return runs.map { "\($0.0 + 1) to \($0.1 + 1)" }.joined(separator: ", ")
    }

    private static func ellipsis(width: Int) -> String {
        String(repeating: " ", count: Swift.max(0, width - 3)) + "..."
    }
}

/// The one printf format Torch7 would pick for a set of values.
private struct NumberFormat {
    var width: Int
    var decimals: Int
    var scientific = false
    var scale: Double = 1

    init(_ values: [Float]) {
        var isInteger = true
        var lo = Double.infinity, hi = 0.0
        for v in values where v.isFinite {
            let a = Double(Swift.abs(v))
            lo = Swift.min(lo, a)
            hi = Swift.max(hi, a)
            if isInteger && v != v.rounded() { isInteger = false }
        }
        if lo == .infinity { lo = 0 }
        let expMin = lo != 0 ? Int(Foundation.floor(Foundation.log10(lo))) + 1 : 1
        let expMax = hi != 0 ? Int(Foundation.floor(Foundation.log10(hi))) + 1 : 1
        if isInteger {
            if expMax > 9 {
                (width, decimals, scientific) = (11, 4, true)
            } else {
                (width, decimals) = (expMax + 1, 0)
            }
        } else if expMax - expMin > 4 {
            (width, decimals, scientific) = (Swift.abs(expMax) > 99 || Swift.abs(expMin) > 99 ? 12 : 11, 4, true)
        } else if expMax > 5 || expMax < 0 {
            (width, decimals, scale) = (7, 4, Foundation.pow(10, Double(expMax - 1)))
        } else {
            (width, decimals) = (expMax + 6, 4)
        }
        // Room for "nan" and "-inf".
        if values.contains(where: { !$0.isFinite }) { width = Swift.max(width, 4) }
    }

    /// "1e-03 *\n" above the numbers when they are printed divided by a power of ten.
    var scaleLine: String {
        guard scale != 1 else { return "" }
        return String(format: "%.0e", scale) + " *\n"
    }

    func string(_ v: Float) -> String {
        let text: String
        if v.isNaN {
            text = "nan"
        } else if v.isInfinite {
            text = v > 0 ? "inf" : "-inf"
        } else if scientific {
            text = String(format: "%.\(decimals)e", Double(v))
        } else {
            text = String(format: "%.\(decimals)f", Double(v) / scale)
        }
        return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
}
