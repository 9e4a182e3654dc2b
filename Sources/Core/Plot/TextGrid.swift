/// How a terminal shows colour: not at all, the 256-colour palette, or 24-bit colour.
public enum TerminalColour: Sendable, Equatable {
    case none, palette256, trueColour

    /// The escape that sets the foreground (`background` false) or background colour.
    func escape(_ c: Color, background: Bool) -> String {
        let layer = background ? 48 : 38
        let (r, g, b) = (byte(c.r), byte(c.g), byte(c.b))
        switch self {
        case .none: return ""
        case .trueColour: return "\u{1B}[\(layer);2;\(r);\(g);\(b)m"
        case .palette256:
            // The 6×6×6 cube of the 256-colour palette (levels 0, 95, 135, 175, 215, 255).
            func level(_ v: Int) -> Int { v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40 }
            return "\u{1B}[\(layer);5;\(16 + 36 * level(r) + 6 * level(g) + level(b))m"
        }
    }

    private func byte(_ v: Double) -> Int { Int((Swift.min(Swift.max(v, 0), 1) * 255).rounded()) }
}

/// A rectangle of character cells, each with an optional foreground and background colour, that
/// the text renderer draws into and prints as lines.
struct TextGrid {
    struct Cell {
        var character: Character = " "
        var foreground: Color?
        var background: Color?
    }

    let width: Int
    private(set) var cells: [[Cell]]

    init(width: Int, height: Int) {
        self.width = Swift.max(width, 1)
        cells = Array(repeating: Array(repeating: Cell(), count: self.width), count: Swift.max(height, 0))
    }

    var height: Int { cells.count }

    mutating func set(_ row: Int, _ column: Int, _ character: Character, foreground: Color? = nil, background: Color? = nil) {
        guard cells.indices.contains(row), (0..<width).contains(column) else { return }
        cells[row][column] = Cell(character: character, foreground: foreground, background: background)
    }

    func character(_ row: Int, _ column: Int) -> Character? {
        guard cells.indices.contains(row), (0..<width).contains(column) else { return nil }
        return cells[row][column].character
    }

    /// Writes `text` from `column` on (clipped at the right edge).
    mutating func write(_ text: String, _ row: Int, _ column: Int, foreground: Color? = nil) {
        for (i, ch) in text.enumerated() { set(row, column + i, ch, foreground: foreground) }
    }

    /// `text` centred on `center`, kept inside the grid.
    mutating func write(_ text: String, _ row: Int, centeredAt center: Int) {
        let start = Swift.min(Swift.max(0, center - text.count / 2), Swift.max(0, width - text.count))
        write(text, row, start)
    }

    /// The lines, trailing spaces dropped, with colour escapes when `colour` is not `.none`.
    func lines(_ colour: TerminalColour) -> [String] {
        cells.map { row in
            var end = row.count
            while end > 0, row[end - 1].character == " ", row[end - 1].background == nil { end -= 1 }
            var line = ""
            var current: (Color?, Color?) = (nil, nil)
            for cell in row[..<end] {
                if colour != .none, cell.foreground != current.0 || cell.background != current.1 {
                    line += "\u{1B}[0m"
                    if let f = cell.foreground { line += colour.escape(f, background: false) }
                    if let b = cell.background { line += colour.escape(b, background: true) }
                    current = (cell.foreground, cell.background)
                }
                line.append(cell.character)
            }
            if colour != .none, current.0 != nil || current.1 != nil { line += "\u{1B}[0m" }
            return line
        }
    }
}

/// Dots at 2×4 per character cell (Unicode braille), each cell coloured by the last series that
/// drew in it.
struct BrailleLayer {
    let columns: Int, rows: Int
    private var bits: [UInt8]
    private var colours: [Color?]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: 0, count: columns * rows)
        colours = Array(repeating: nil, count: columns * rows)
    }

    var dotWidth: Int { 2 * columns }
    var dotHeight: Int { 4 * rows }

    /// Dot (x, y), y down; outside the layer it is dropped.
    mutating func dot(_ x: Int, _ y: Int, _ colour: Color) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let table: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        let i = (y / 4) * columns + x / 2
        bits[i] |= table[x % 2][y % 4]
        colours[i] = colour
    }

    /// A straight line of dots (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ colour: Color) {
        var (x, y) = (x0, y0)
        let dx = Swift.abs(x1 - x0), dy = -Swift.abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        for _ in 0...(dx - dy) {
            dot(x, y, colour)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Puts the non-empty cells into `grid` with their top-left corner at (row, column).
    func draw(into grid: inout TextGrid, row: Int, column: Int) {
        for r in 0..<rows {
            for c in 0..<columns where bits[r * columns + c] != 0 {
                let scalar = Unicode.Scalar(0x2800 + UInt32(bits[r * columns + c])) ?? " "
                grid.set(row + r, column + c, Character(scalar), foreground: colours[r * columns + c])
            }
        }
    }
}
