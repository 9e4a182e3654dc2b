/// The Markdown report of a notebook run: prose cells as they are, code cells as ```lua blocks followed
/// by their output and values, error, figures and time.
struct NotebookReport {
    struct CodeCell {
        /// 1-based among the code cells.
        let number: Int
        /// The cell's first line in the notebook file.
        let line: Int
        let code: String
        var ran = false
        var output = ""
        var values: [String] = []
        var error: (message: String, traceback: String)?
        /// Links are relative to the report; nil when the image file was missing.
        var figures: [(title: String, link: String?)] = []
        var seconds = 0.0
    }

    enum Entry {
        case markdown(String)
        case code(CodeCell)
    }

    let notebook: String
    var entries: [Entry] = []

    var codeCells: [CodeCell] {
        entries.compactMap { if case .code(let cell) = $0 { cell } else { nil } }
    }

    var failures: Int { codeCells.filter { $0.error != nil }.count }

    func markdown() -> String {
        let cells = codeCells
        let total = cells.reduce(0) { $0 + $1.seconds }
        let notRun = cells.filter { !$0.ran }.count
        var summary = "\(cells.count) code cell\(cells.count == 1 ? "" : "s"), \(failures) failed"
        if notRun > 0 { summary += ", \(notRun) not run (interrupted)" }
        var blocks = [
            "# \(notebook)",
            "_Report of `instructedit notebook \(notebook)`: \(summary), \(Self.seconds(total)) in all._",
        ]
        for entry in entries {
            switch entry {
            case .markdown(let text): blocks.append(text)
            case .code(let cell): blocks += Self.blocks(for: cell)
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private static func blocks(for cell: CodeCell) -> [String] {
        var blocks = [fenced(cell.code, language: "lua")]
        guard cell.ran else { return blocks + ["_Not run: the notebook was interrupted._"] }
        let shown = ([cell.output.hasSuffix("\n") ? String(cell.output.dropLast()) : cell.output] + cell.values)
            .filter { !$0.isEmpty }
        if !shown.isEmpty { blocks.append(fenced(shown.joined(separator: "\n"), language: "text")) }
        if let error = cell.error {
            blocks.append("**Error** in cell \(cell.number):")
            blocks.append(fenced(error.traceback.isEmpty ? error.message : error.message + "\n" + error.traceback, language: "text"))
        }
        for figure in cell.figures {
            blocks.append(figure.link.map { "![\(figure.title)](\($0))" } ?? "_Figure \"\(figure.title)\" was recorded but its file is missing._")
        }
        blocks.append("<sub>cell \(cell.number) · line \(cell.line) · \(seconds(cell.seconds))\(cell.error == nil ? "" : " · failed")</sub>")
        return blocks
    }

    /// A fenced block whose fence is longer than any backtick run inside.
    static func fenced(_ text: String, language: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(text)\n\(fence)"
    }

    private static func seconds(_ s: Double) -> String {
        s < 1 ? "\(Int((s * 1000).rounded())) ms" : String(format: "%.2f s", s)
    }
}
