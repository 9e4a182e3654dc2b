import ArgumentParser
import Bindings
import Core
import Foundation

/// `instructedit notebook FILE.lua [-o report.md]`: runs the cells in order in one session, goes on
/// after a failing cell, and writes the Markdown report (atomically) with figures in a folder beside it
/// (`report_files/`, which each render replaces). The report path is checked before any cell runs: it
/// may not be the notebook itself and must be writable. Exit code 1 if a cell failed (after writing the report), 2 for bad
/// arguments.
struct NotebookCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook", abstract: "Runs a notebook of `-- %%` cells and writes a Markdown report.")

    @Argument(help: ArgumentHelp("The notebook.", valueName: "FILE.lua"))
    var input: String
    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("The report (default: FILE.md in the current folder).", valueName: "report.md"))
    var output: String?

    private var reportPath: String {
        output ?? (URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent + ".md")
    }

    func validate() throws {
        do {
            try FileAccess.checkOutput(reportPath, what: "report", notOverwriting: [input])
        } catch let e as InstructEditError {
            throw usageError(e.message)
        }
    }

    func execute() -> Int32 {
        let input = input, reportPath = reportPath
        let source: String
        do {
            source = try String(decoding: FileAccess.read(input, what: "notebook"), as: UTF8.self)
        } catch {
            Console.err("instructedit notebook: \(error)")
            return 1
        }
        guard let session = CommandLineTool.makeSession() else { return 1 }
        let reportURL = URL(fileURLWithPath: reportPath).standardizedFileURL
        let figures = FigureFolder(report: reportURL)
        // A render owns its figure folder: the previous render's figures are set aside, so numbering
        // starts at 1 again and no stale image outlives the report that linked it.
        do {
            try figures.setAsidePrevious()
        } catch {
            Console.err("instructedit notebook: cannot set aside the old figures in \(figures.url.path): \(FileAccess.reason(error))")
            return 1
        }
        session.figureDirectory = figures.url.path

        var report = NotebookReport(notebook: input)
        var interrupted = false
        var number = 0
        for cell in NotebookDocument(source: source).cells {
            guard cell.kind == .code else {
                report.entries.append(.markdown(cell.markdown))
                continue
            }
            number += 1
            var entry = NotebookReport.CodeCell(number: number, line: cell.firstLine, code: cell.code)
            if !interrupted {
                run(cell, into: &entry, session: session, notebook: input, figures: figures)
                interrupted = InterruptSignal.take()
            }
            report.entries.append(.code(entry))
        }

        do {
            try FileAccess.write(Data(report.markdown().utf8), to: reportURL.path, what: "report")
        } catch {
            figures.restorePrevious()
            Console.err("instructedit notebook: \(error)")
            return 1
        }
        figures.discardPrevious()
        Console.err("wrote \(reportPath): \(number) code cells, \(report.failures) failed")
        return report.failures > 0 || interrupted ? 1 : 0
    }

    private func run(_ cell: NotebookDocument.Cell, into entry: inout NotebookReport.CodeCell,
                            session: LuaSession, notebook: String, figures: FigureFolder) {
        let result: LuaRunResult
        do {
            (result, entry.output) = try OutputCapture.run {
                session.run(cell.codeAtFileLines, chunkName: "@" + notebook, mode: .cell)
            }
        } catch {
            entry.ran = true
            entry.error = ("\(error)", "")
            return
        }
        entry.ran = true
        entry.seconds = result.seconds
        if let error = result.error { entry.error = (error.message, error.traceback) }
        if !cell.code.hasSuffix(";") { entry.values = result.values }
        entry.figures = session.takeFigures().map { ($0.title, figures.link(for: $0.path)) }
        let status = result.error.map { "error: \($0.message)" } ?? "ok"
        Console.err("cell \(entry.number) (line \(entry.line)): \(status)")
    }

}

/// The folder beside the report that holds its images (`report.md` → `report_files/`).
final class FigureFolder {
    let url: URL
    private let name: String
    /// Images written elsewhere, by source path → their copy's name in the folder.
    private var copies: [String: String] = [:]

    init(report: URL) {
        name = report.deletingPathExtension().lastPathComponent + "_files"
        url = report.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// The previous render's folder while this render runs: a hidden sibling with a fixed name, so a
    /// render that was killed leaves at most one, and the next render replaces it.
    private var previous: URL { url.deletingLastPathComponent().appendingPathComponent(".\(name).previous") }
    private var hasPrevious = false

    /// Moves an existing folder aside (see `previous`).
    func setAsidePrevious() throws {
        let files = FileManager.default
        try? files.removeItem(at: previous)
        guard files.fileExists(atPath: url.path) else { return }
        try files.moveItem(at: url, to: previous)
        hasPrevious = true
    }

    /// Puts the previous folder back: the report was not written, so its old links must still work.
    func restorePrevious() {
        guard hasPrevious else { return }
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.moveItem(at: previous, to: url)
        hasPrevious = false
    }

    /// Deletes the previous folder once the new report is in place.
    func discardPrevious() {
        guard hasPrevious else { return }
        try? FileManager.default.removeItem(at: previous)
        hasPrevious = false
    }

    /// The image's link relative to the report, copying it into the folder (once) if it was written
    /// elsewhere; nil if the file does not exist or cannot be copied.
    func link(for path: String) -> String? {
        let source = URL(fileURLWithPath: path).standardizedFileURL
        let files = FileManager.default
        guard files.fileExists(atPath: source.path) else { return nil }
        let fileName: String
        if source.deletingLastPathComponent().path == url.path {
            fileName = source.lastPathComponent
        } else if let copy = copies[source.path] {
            fileName = copy
        } else {
            var target = url.appendingPathComponent(source.lastPathComponent)
            var n = 1
            while files.fileExists(atPath: target.path) {
                n += 1
                target = url.appendingPathComponent("\(source.deletingPathExtension().lastPathComponent)-\(n).\(source.pathExtension)")
            }
            do {
                try files.createDirectory(at: url, withIntermediateDirectories: true)
                try files.copyItem(at: source, to: target)
            } catch {
                return nil
            }
            fileName = target.lastPathComponent
            copies[source.path] = fileName
        }
        let link = name + "/" + fileName
        return link.contains(" ") ? "<\(link)>" : link
    }
}
