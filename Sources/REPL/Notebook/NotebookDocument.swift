/// A notebook file: Lua whose cells are separated by `-- %%` lines. A `-- %% [markdown]` cell holds
/// prose in `--` comment lines. Lines before the first marker form a code cell of their own.
struct NotebookDocument {
    struct Cell: Equatable {
        enum Kind: Equatable { case code, markdown }
        let kind: Kind
        /// The cell's lines, without the marker line.
        let lines: [String]
        /// The 1-based line number of the cell's first line in the file.
        let firstLine: Int

        /// The code as written, without blank lines around it.
        var code: String {
            let trimmed = lines.drop { $0.allSatisfy(\.isWhitespace) }.reversed().drop { $0.allSatisfy(\.isWhitespace) }.reversed()
            return trimmed.joined(separator: "\n")
        }

        /// The code prefixed by blank lines, so Lua's error positions are the file's line numbers.
        var codeAtFileLines: String {
            String(repeating: "\n", count: firstLine - 1) + lines.joined(separator: "\n")
        }

        /// A markdown cell's prose: `-- text` → `text`.
        var markdown: String {
            let prose = lines.map { line -> String in
                guard line.hasPrefix("--") else { return line }
                let rest = line.dropFirst(2)
                return String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
            }
            return Cell(kind: .code, lines: prose, firstLine: firstLine).code
        }

        var isBlank: Bool { lines.allSatisfy { $0.allSatisfy(\.isWhitespace) } }
    }

    let cells: [Cell]

    init(source: String) {
        var cells: [Cell] = []
        var kind = Cell.Kind.code
        var lines: [String] = []
        var firstLine = 1
        let all = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, line) in all.enumerated() {
            if let marker = Self.marker(line) {
                cells.append(Cell(kind: kind, lines: lines, firstLine: firstLine))
                kind = marker
                lines = []
                firstLine = i + 2
            } else {
                lines.append(line)
            }
        }
        cells.append(Cell(kind: kind, lines: lines, firstLine: firstLine))
        self.cells = cells.filter { !$0.isBlank }
    }

    /// `-- %%` starts a code cell, `-- %% [markdown]` a markdown cell.
    private static func marker(_ line: String) -> Cell.Kind? {
        guard line.hasPrefix("--") else { return nil }
        let rest = line.dropFirst(2).drop { $0 == " " }
        guard rest.hasPrefix("%%") else { return nil }
        return rest.dropFirst(2).trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("[markdown]") ? .markdown : .code
    }

    /// A notebook holding `cells` as code cells (the REPL's `:save`).
    static func source(of cells: [String]) -> String {
        cells.map { "-- %%\n" + $0 + "\n" }.joined()
    }
}
