import Foundation

/// Reading and writing whole files with one-line errors that name the file and what went wrong
/// ("cannot read editor checkpoint 'runs': it is a directory"), instead of Foundation's
/// "Error Domain=NSCocoaErrorDomain Code=… UserInfo={…}" dumps.
public enum FileAccess {
    /// The whole file; `what` names it in errors ("editor checkpoint", "data file").
    public static func read(_ path: String, what: String, mapped: Bool = false) throws -> Data {
        if let problem = readProblem(path) { throw InstructEditError("cannot read \(what) '\(path)': \(problem)") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: mapped ? .alwaysMapped : [])
        } catch {
            throw InstructEditError("cannot read \(what) '\(path)': \(reason(error))")
        }
    }

    /// Writes atomically (a temporary file beside it, then a rename), creating missing folders.
    public static func write(_ data: Data, to path: String, what: String) throws {
        let url = URL(fileURLWithPath: path)
        if let problem = writeProblem(path) { throw InstructEditError("cannot write \(what) '\(path)': \(problem)") }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw InstructEditError("cannot write \(what) '\(path)': \(reason(error))")
        }
    }

    /// Checks, before any work, that `path` can be written and is none of `inputs` (a report must not
    /// overwrite the notebook it reports on). Creates no file.
    public static func checkOutput(_ path: String, what: String, notOverwriting inputs: [String] = []) throws {
        let target = canonical(path)
        for input in inputs where canonical(input) == target {
            throw InstructEditError("\(what) '\(path)' is the input file '\(input)'; choose another output path")
        }
        if let problem = writeProblem(path) { throw InstructEditError("cannot write \(what) '\(path)': \(problem)") }
    }

    /// Why `path` cannot be read as a file, or nil if it looks readable.
    public static func readProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory, expected a file" }
        return access(path, R_OK) == 0 ? nil : "permission denied"
    }

    /// Why `path` cannot be written, or nil if it looks writable: an existing directory in its
    /// place, a parent that is a file, or a folder without write permission (the nearest existing
    /// ancestor is checked, as missing folders are created).
    public static func writeProblem(_ path: String) -> String? {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return "it is a directory, expected a file" }
            if access(path, W_OK) != 0 { return "permission denied" }
        }
        var folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while !files.fileExists(atPath: folder.path, isDirectory: &isDirectory) && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        if !isDirectory.boolValue { return "'\(folder.path)' is a file, not a folder" }
        return access(folder.path, W_OK | X_OK) == 0 ? nil : "permission denied in '\(folder.path)'"
    }

    /// A short reason for a Foundation error: the system's message for its POSIX error when it has
    /// one, else its description without the domain and user-info dump.
    public static func reason(_ error: Error) -> String {
        if let e = error as? InstructEditError { return e.message }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteFileExists: return "a file is in the way"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileReadInvalidFileName, .fileWriteInvalidFileName: return "invalid file name (too long, or refused by the file system)"
        case .fileReadCorruptFile: return "the file is unreadable"
        case .fileReadInapplicableStringEncoding: return "the file is not valid text"
        default: return "I/O error (code \(ns.code))"
        }
    }

    /// The path with symbolic links resolved, for comparing an output with an input.
    public static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
