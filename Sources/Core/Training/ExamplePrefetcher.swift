import Foundation

/// Computes, on a second thread, what upcoming meta-training examples need from the unedited model
/// while the trainer's thread edits and differentiates the current ones: the residual streams
/// entering the lowest edited block (into the shared `ResidualCache`) and each locality input's
/// base distribution. That is about half of a step, and none of it depends on the editor.
///
/// The helper reads its own copy of the unedited weights, so the trainer may edit its model
/// meanwhile. Its passes use our fixed-order kernels only (no BLAS threads), so every value is the
/// same bits whichever thread computes it and a run with prefetching equals one without. Inputs
/// of one token are left to the trainer (one-row products may read the model file's blocks).
final class ExamplePrefetcher: @unchecked Sendable {
    private let cache: ResidualCache
    private let pristine: any EditableModel
    private let helper = HelperQueue(label: "instructedit.prefetch.examples")
    private let condition = NSCondition()
    private enum Slot { case computing, ready([Float]), claimed }
    private var distributions: [[Int]: Slot] = [:]
    private var readyCount = 0
    private var stopped = false
    /// Base distributions held ahead at most (each is positions × vocabulary floats).
    static let window = 12

    /// `model`'s weights are copied now: they must be the unedited ones the trainer restores.
    init(model: any EditableModel, cache: ResidualCache) throws {
        self.cache = cache
        pristine = try model.copy()
    }

    /// Queues `examples` (in the order the trainer will take them).
    func submit(_ examples: [TrainingExample]) {
        helper.async { [self] in
            for ex in examples { prepare(ex) }
        }
    }

    /// The base distribution of locality input `tf` if the helper has it or is computing it (then
    /// waits for it); nil when the trainer should compute it, which the helper then skips.
    func baseDistribution(_ tf: TeacherForcing) -> [Float]? {
        let key = Self.key(tf)
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch distributions[key] {
            case .ready(let p)?:
                distributions[key] = nil
                readyCount -= 1
                condition.broadcast()
                return p
            case .computing?:
                condition.wait()
            case .claimed?, nil:
                distributions[key] = .claimed
                return nil
            }
        }
    }

    /// Drops what is queued and held, and waits for the helper to finish its current input.
    func stop() {
        condition.withLock { stopped = true; condition.broadcast() }
        helper.stop()
        condition.withLock { distributions = [:]; readyCount = 0 }
    }

    private static func key(_ tf: TeacherForcing) -> [Int] { tf.input + [-1] + tf.positions }

    private func prepare(_ ex: TrainingExample) {
        let inputs = [ex.edit] + ex.equivalences + ex.localities
        for tf in inputs where tf.input.count >= 2 {
            if helper.isStopped { return }
            _ = try? cache.residual(pristine, tf.input)
        }
        for tf in ex.localities where tf.input.count >= 2 {
            let key = Self.key(tf)
            guard claim(key) else { continue }
            let p = try? distribution(tf)
            condition.withLock {
                if let p, !stopped {
                    distributions[key] = .ready(p)
                    readyCount += 1
                } else {
                    distributions[key] = nil
                }
                condition.broadcast()
            }
        }
    }

    /// Marks `key` as being computed here, after waiting for room in the window; false when it is
    /// held already, the trainer claimed it, or prefetching stopped.
    private func claim(_ key: [Int]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while readyCount >= Self.window && !stopped { condition.wait() }
        if stopped { return false }
        switch distributions[key] {
        case .claimed?:
            distributions[key] = nil
            return false
        case .ready?, .computing?:
            return false
        case nil:
            distributions[key] = .computing
            return true
        }
    }

    private func distribution(_ tf: TeacherForcing) throws -> [Float] {
        let r = try cache.residual(pristine, tf.input)
        let trace = try pristine.forward(tokens: tf.input, from: cache.block, residual: r)
        return try pristine.logits(trace, positions: tf.positions)
    }
}
