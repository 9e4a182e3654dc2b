import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file: model files are large and only partly read (metadata),
/// or read once straight into the parameter slab, so mapping beats copying.
final class MappedFile: @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InstructEditError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw InstructEditError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw InstructEditError("\(path) is not a regular file") }
        let size = Int(st.st_size)
        if size == 0 {  // mmap refuses zero lengths; an empty buffer reads as "too short" later
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw InstructEditError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        mapped = true
    }

    /// An in-memory copy standing in for a file (tests parse many corrupted variants this way).
    init(copying data: [UInt8], name: String) {
        path = name
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 64)
        buf.copyBytes(from: data)
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buf)[0..<data.count])
        owned = buf
        mapped = false
    }

    private var owned: UnsafeMutableRawBufferPointer? = nil

    deinit {
        if mapped, let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
        owned?.deallocate()
    }
}
