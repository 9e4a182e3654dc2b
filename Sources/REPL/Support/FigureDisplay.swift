import Core
import Foundation

/// How the REPL shows a figure: inline as an image where the terminal is known to show one (kitty
/// graphics or sixel), else drawn with text (braille, blocks), sized to the terminal width.
/// `INSTRUCTEDIT_PLOTS` = kitty, sixel, text or off overrides the guess.
struct FigureDisplay {
    enum Mode: String {
        case kitty, sixel, text, off
    }

    let mode: Mode
    let colour: TerminalColour
    /// Where the mode came from, for `:plots`.
    let reason: String

    /// Decides from the environment. Only terminals that say who they are get images: kitty
    /// (KITTY_WINDOW_ID, TERM=xterm-kitty), WezTerm and Ghostty (TERM_PROGRAM) take kitty images;
    /// foot, mlterm and contour (TERM) sixel. Inside tmux or screen images would not pass through,
    /// so text.
    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment, colours: Bool) -> FigureDisplay {
        let colour: TerminalColour = !colours ? .none
            : ["truecolor", "24bit"].contains(env["COLORTERM"]?.lowercased() ?? "") ? .trueColour : .palette256
        if let asked = env["INSTRUCTEDIT_PLOTS"], !asked.isEmpty {
            if let mode = Mode(rawValue: asked.lowercased()) { return FigureDisplay(mode: mode, colour: colour, reason: "INSTRUCTEDIT_PLOTS=\(asked)") }
            Console.err("instructedit: INSTRUCTEDIT_PLOTS=\(asked) is not one of kitty, sixel, text, off; drawing plots as text")
            return FigureDisplay(mode: .text, colour: colour, reason: "INSTRUCTEDIT_PLOTS=\(asked) not understood")
        }
        let term = env["TERM"] ?? "", program = env["TERM_PROGRAM"] ?? ""
        if env["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") {
            return FigureDisplay(mode: .text, colour: colour, reason: "inside tmux/screen")
        }
        if env["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" || ["WezTerm", "ghostty"].contains(program) {
            return FigureDisplay(mode: .kitty, colour: colour, reason: "a terminal with kitty graphics")
        }
        if ["foot", "foot-extra", "mlterm", "contour"].contains(term) {
            return FigureDisplay(mode: .sixel, colour: colour, reason: "a terminal with sixel")
        }
        return FigureDisplay(mode: .text, colour: colour, reason: "no inline images known for TERM=\(term)")
    }

    /// The figure as the terminal shows it (nil for `off`); falls back to text if an image fails.
    func render(_ scene: PlotScene, columns: Int = FigureDisplay.terminalColumns()) -> String? {
        do {
            switch mode {
            case .off: return nil
            case .kitty: return TerminalImage.kitty(png: try Plot.png(scene, scale: 1), columns: min(columns, 100))
            case .sixel: return try TerminalImage.sixel(scene, pixelWidth: 800)
            case .text: return try TextPlot.render(scene, width: min(columns, 120), colour: colour)
            }
        } catch {
            return (try? TextPlot.render(scene, width: min(columns, 120), colour: colour)) ?? "(figure: \(error))"
        }
    }

    /// The width of the terminal on standard output, else $COLUMNS, else 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }
}
