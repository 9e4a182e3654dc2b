import Foundation

/// Where the files the product ships (`Sources/Core/Resources`: data sets, instructions, relation
/// paraphrases) are at run time, from any working directory.
///
/// SwiftPM copies the folder into a resource bundle beside the built binary
/// (`InstructEdit_Core.resources` on Linux, `InstructEdit_Core.bundle` on macOS). The bundle is
/// located by hand rather than through the generated `Bundle.module`, which stops the process when
/// the bundle is missing; the source tree is the last fallback, so a moved binary still runs
/// inside a checkout.
public enum ResourceFolder {
    /// The environment variable naming a data folder laid out like `Resources/data`
    /// (`knowedit/…`, `easyedit/…`), e.g. the project's `../shared/data`.
    public static let dataVariable = "INSTRUCTEDIT_DATA"

    /// The shipped resources folder (it holds `instructions.json` and `data/`).
    public static func root() throws -> String {
        for candidate in candidates() where FileManager.default.fileExists(atPath: candidate + "/instructions.json") {
            return candidate
        }
        throw InstructEditError("cannot find the InstructEdit resources (instructions.json, data/): looked in "
                                + candidates().joined(separator: ", "))
    }

    /// The data folder: `$INSTRUCTEDIT_DATA` when set, else the shipped `Resources/data`.
    public static func data() throws -> String {
        if let folder = ProcessInfo.processInfo.environment[dataVariable], !folder.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw InstructEditError("\(dataVariable)=\(folder) is not a folder")
            }
            return folder
        }
        return try root() + "/data"
    }

    private static func candidates() -> [String] {
        var binaryFolders = [Bundle.main.bundleURL.path]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        binaryFolders.append(executable.deletingLastPathComponent().path)
        var found: [String] = []
        for folder in binaryFolders {
            found.append(folder + "/InstructEdit_Core.resources/Resources")
            found.append(folder + "/InstructEdit_Core.bundle/Contents/Resources/Resources")
            found.append(folder + "/InstructEdit_Core.bundle/Resources")
        }
        // Sources/Core/Data/ResourceFolder.swift → Sources/Core/Resources
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        found.append(source.appendingPathComponent("Resources").path)
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }
}
