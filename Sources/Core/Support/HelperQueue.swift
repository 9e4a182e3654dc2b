import Foundation
import Synchronization

/// One helper thread that works ahead of its owner (prefetching), in submission order. Its
/// `Interrupt` checks never throw, so a Ctrl-C stays with the owner; `stop` drops what is queued.
final class HelperQueue: Sendable {
    private let queue: DispatchQueue
    private let stopped = Atomic<Bool>(false)

    init(label: String) { queue = DispatchQueue(label: label) }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func async(_ body: @escaping @Sendable () -> Void) {
        queue.async { [self] in
            guard !isStopped else { return }
            Interrupt.shielded(body)
        }
    }

    /// Drops queued work and waits for the running item to return (items should poll `isStopped`).
    func stop() {
        stopped.store(true, ordering: .relaxed)
        queue.sync {}
    }
}
