import Foundation

/// The trained editors that ship with the product (`Resources/editors`, half precision, with
/// `PROVENANCE.md`), for the default model. A name stands for its file wherever a checkpoint path
/// is taken (`editor.load`, `eval --method NAME:mend:instructedit`).
public enum ShippedEditors {
    /// Name → file under `Resources/editors`. `instructedit` is the default of `editor.load()`.
    public static let files = [
        "instructedit": "instructedit.ckpt",
        "mend-multitask": "mend-multitask.ckpt",
    ]
    public static let defaultName = "instructedit"

    /// The checkpoint path for `nameOrPath`: a shipped editor's file when it names one and no file
    /// of that name exists, else the path itself; nil means the default editor.
    public static func resolve(_ nameOrPath: String?) throws -> String {
        let key = nameOrPath ?? defaultName
        guard let file = files[key], !FileManager.default.fileExists(atPath: key) else { return key }
        let path = try ResourceFolder.root() + "/editors/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            throw InstructEditError("the shipped editor '\(key)' is missing from this build (\(path))")
        }
        return path
    }
}
