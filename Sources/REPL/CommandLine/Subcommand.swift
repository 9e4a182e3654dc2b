/// A subcommand: `instructedit <name> ...`. Each reads its own arguments and returns the exit code.
struct Subcommand: Sendable {
    let name: String
    /// The usage line, without the program name: "notebook FILE.lua [-o report.md]".
    let usage: String
    let summary: String
    let run: @Sendable ([String]) -> Int32

    /// Every subcommand. Add new ones (`train`, `eval`, ...) here.
    static let all: [Subcommand] = [
        Subcommand(name: "notebook", usage: "notebook FILE.lua [-o report.md]",
                   summary: "runs a notebook of `-- %%` cells and writes a Markdown report",
                   run: { NotebookCommand.main($0) }),
        Subcommand(name: "bench", usage: "bench --json",
                   summary: "prints benchmark figures as one JSON object",
                   run: { BenchCommand.main($0) }),
        Subcommand(name: "train", usage: "train --out DIR [--tasks a,b] [--no-instruct] [--steps N] ...",
                   summary: "meta-trains an editor (resumable; Ctrl-C saves and stops)",
                   run: { TrainCommand.main($0) }),
        Subcommand(name: "eval", usage: "eval --method NAME:KIND[:PATH][:instruct][:unseen] ... [--tasks a,b] [--n N]",
                   summary: "evaluates editors side by side on test sets (Markdown and JSON)",
                   run: { EvalCommand.main($0) }),
    ]

    static func named(_ name: String) -> Subcommand? { all.first { $0.name == name } }
}
