import Foundation
import Glibc
import XCTest

/// The binary running in a real pseudo-terminal (forkpty): the test types into it and polls what it
/// shows.
final class PseudoTerminal {
    private let pid: pid_t
    private let master: Int32
    private var bytes: [UInt8] = []
    /// Where `expect` starts looking (in `screen`): output before it was already matched.
    private var cursor = 0
    private var exitStatus: Int32?

    init(arguments: [String] = [], directory: URL, environment: [String: String]) throws {
        // Everything the child needs is built before fork: it only calls chdir, execve and _exit.
        let argv: [UnsafeMutablePointer<CChar>?] = ([Binary.path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let cwd: UnsafeMutablePointer<CChar>? = strdup(directory.path)
        defer { (argv + envp + [cwd]).forEach { free($0) } }
        guard let path = argv[0], let cwd else { throw NSError(domain: "strdup", code: Int(ENOMEM)) }
        var master: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        let pid = forkpty(&master, nil, nil, &size)
        if pid == 0 {
            chdir(cwd)
            execve(path, argv, envp)
            _exit(127)
        }
        guard pid > 0 else { throw NSError(domain: "forkpty", code: Int(errno)) }
        self.pid = pid
        self.master = master
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    func send(_ text: String) {
        var data = Array(text.utf8)
        _ = write(master, &data, data.count)
    }

    /// Everything written so far, escape sequences included.
    var rawOutput: String { String(decoding: bytes, as: UTF8.self) }

    /// Everything shown so far, without escape sequences and carriage returns.
    var screen: String { Self.plain(String(decoding: bytes, as: UTF8.self)) }

    /// Waits until `text` appears in the output after the previous match; false on timeout.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let shown = screen.dropFirst(cursor)
            if let range = shown.range(of: text) {
                cursor += shown[..<range.upperBound].count
                return true
            }
            if Date() > deadline || !readSome(timeout: 0.1) && exitStatus != nil {
                XCTFail("timed out waiting for \(text.debugDescription); the terminal shows:\n\(screen)", file: file, line: line)
                return false
            }
        }
    }

    /// Waits for the process to end and returns its exit status (nil on timeout).
    func waitForExit(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            _ = readSome(timeout: 0.05)
            if let exitStatus { return exitStatus }   // reaped while reading
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = (status >> 8) & 0xff
                return exitStatus
            }
        }
        return nil
    }

    /// Reads what is available within `timeout`; false if nothing came.
    private func readSome(timeout: TimeInterval) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &chunk, chunk.count)
        if count <= 0 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exitStatus = (status >> 8) & 0xff }
            return false
        }
        bytes += chunk[0..<count]
        return true
    }

    /// Removes CSI/OSC escape sequences, other escapes, carriage returns and bells.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\u{1B}\\][^\u{7}]*\u{7}", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\u{1B}[()][0-9A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\u{1B}[=>]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "[\r\u{7}]", with: "", options: .regularExpression)
    }
}
