import Core
import Foundation

/// Captures everything written to file descriptors 1 and 2 while `body` runs (Lua's `print`, Swift's
/// `print`, C libraries), by pointing them at a temporary file.
enum OutputCapture {
    static func run<T>(_ body: () -> T) throws -> (result: T, output: String) {
        var template = Array((FileManager.default.temporaryDirectory.path + "/instructedit-output-XXXXXX").utf8CString)
        let file = mkstemp(&template)
        guard file >= 0 else { throw InstructEditError("cannot create a temporary file for the cell output") }
        unlink(&template)
        defer { close(file) }
        fflush(nil)
        let savedOut = dup(STDOUT_FILENO), savedErr = dup(STDERR_FILENO)
        dup2(file, STDOUT_FILENO)
        dup2(file, STDERR_FILENO)
        let result = body()
        fflush(nil)
        dup2(savedOut, STDOUT_FILENO)
        dup2(savedErr, STDERR_FILENO)
        close(savedOut)
        close(savedErr)
        lseek(file, 0, SEEK_SET)
        let data = FileHandle(fileDescriptor: file, closeOnDealloc: false).readDataToEndOfFile()
        return (result, String(decoding: data, as: UTF8.self))
    }

}
