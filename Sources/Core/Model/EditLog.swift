import Foundation

/// An edit of a model's weights that can be undone exactly (the editing layer's `AppliedEdit`).
public protocol UndoableEdit: AnyObject, Sendable {
    func undo() throws
}

/// The edits applied to one model, oldest first, and the snapshot buffers of undone edits.
///
/// Recycling matters because an evaluation edits and undoes once per record: a fresh 32 MB
/// snapshot (the nine MLP matrices of SmolLM2's last three blocks) costs about 60 ms of page
/// faults on the 2-core development machine, a copy into mapped memory about 3 ms.
public final class EditLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stack: [any UndoableEdit] = []
    private var counter = 0
    private var spare: [Int: [[Float]]] = [:]
    private var spareFloats = 0
    /// Floats kept for reuse, all sizes together (64 MB: two snapshots of the default targets).
    private static let spareLimit = 16 << 20

    /// A spare buffer of exactly `count` floats (contents undefined), if one was recycled.
    func reuse(count: Int) -> [Float]? {
        lock.withLock {
            guard let b = spare[count]?.popLast() else { return nil }
            spareFloats -= b.count
            return b
        }
    }

    func recycle(_ buffers: [[Float]]) {
        lock.withLock {
            for b in buffers where spareFloats + b.count <= Self.spareLimit {
                spare[b.count, default: []].append(b)
                spareFloats += b.count
            }
        }
    }

    public init() {}
    /// Every edit applied, oldest first (`applied` lists the editing layer's `AppliedEdit`s).
    public var entries: [any UndoableEdit] { lock.withLock { stack } }
    func nextID() -> Int { lock.withLock { counter += 1; return counter } }
    func push(_ e: any UndoableEdit) { lock.withLock { stack.append(e) } }
    func pop(_ e: any UndoableEdit) { lock.withLock { stack.removeAll { $0 === e } } }
}
