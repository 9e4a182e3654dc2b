import Bindings
import Glibc
import Synchronization

/// Ctrl-C. The handler stops the running cell (the Lua hook and `Core.Interrupt`, through
/// `LuaSession.interruptRunning`) and leaves a flag the line editor reads to drop the current line.
enum InterruptSignal {
    static let received = Atomic<Bool>(false)

    /// Installs the SIGINT handler. Call after creating a session (see `interruptRunning`).
    static func install() {
        _ = received.load(ordering: .relaxed)   // initialise before the handler can run
        var action = sigaction()
        action.__sigaction_handler.sa_handler = sigintHandler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }

    /// Whether Ctrl-C was pressed since the last call.
    static func take() -> Bool { received.exchange(false, ordering: .relaxed) }
}

private let sigintHandler: @convention(c) (Int32) -> Void = { _ in
    InterruptSignal.received.store(true, ordering: .relaxed)
    LuaSession.interruptRunning()
}
