import Synchronization

/// Cooperative cancellation for long runs (generation, evaluation, training). The REPL's SIGINT
/// handler calls `request()`; long loops call `check()` between steps and unwind with an error, so the
/// session survives Ctrl-C with its state intact.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Marks that the user asked to stop. Safe to call from a signal handler.
    public static func request() { flag.store(true, ordering: .relaxed) }
    /// Clears a pending request (the REPL calls this before each cell).
    public static func reset() { flag.store(false, ordering: .relaxed) }
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Throws `Interrupted` (and clears the flag) if the user pressed Ctrl-C.
    public static func check() throws {
        if flag.exchange(false, ordering: .relaxed) { throw Interrupted() }
    }
}

/// Thrown by `Interrupt.check()`; long runs catch it to save their state before rethrowing.
public struct Interrupted: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "interrupted" }
}
