import Foundation
import Synchronization

/// Cooperative cancellation for long runs (generation, evaluation, training). The REPL's SIGINT
/// handler calls `request()`; long loops call `check()` between steps and unwind with an error, so the
/// session survives Ctrl-C with its state intact.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)
    private static let deferring = Atomic<Int>(0)

    /// Marks that the user asked to stop. Safe to call from a signal handler.
    public static func request() { flag.store(true, ordering: .relaxed) }
    /// Clears a pending request (the REPL calls this before each cell).
    public static func reset() { flag.store(false, ordering: .relaxed) }
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Throws `Interrupted` (and clears the flag) if the user pressed Ctrl-C, unless inside
    /// `deferred`, where the request waits for the next check outside it.
    public static func check() throws {
        guard deferring.load(ordering: .relaxed) == 0, !isShieldedThread else { return }
        if flag.exchange(false, ordering: .relaxed) { throw Interrupted() }
    }

    /// Runs `body` as one unit that Ctrl-C cannot split: meta-training wraps each step in it, so
    /// an interrupted run stops between steps and resumes exactly.
    public static func deferred<T>(_ body: () throws -> T) rethrows -> T {
        deferring.add(1, ordering: .relaxed)
        defer { deferring.subtract(1, ordering: .relaxed) }
        return try body()
    }

    /// Runs `body` on a helper thread whose checks never throw, so a Ctrl-C meant for the thread
    /// that owns the run is left for it (a helper would otherwise clear the request).
    static func shielded<T>(_ body: () throws -> T) rethrows -> T {
        Thread.current.threadDictionary[shieldKey] = true
        defer { Thread.current.threadDictionary.removeObject(forKey: shieldKey) }
        return try body()
    }

    private static let shieldKey = "InstructEdit.Interrupt.shielded"
    private static var isShieldedThread: Bool {
        !Thread.isMainThread && Thread.current.threadDictionary[shieldKey] != nil
    }
}

/// Thrown by `Interrupt.check()`; long runs catch it to save their state before rethrowing.
public struct Interrupted: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "interrupted" }
}
