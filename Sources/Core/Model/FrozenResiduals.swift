import Foundation

/// Residual streams entering one block, computed from weights below it that stay as they are while
/// the source is lent to a model (`LanguageModel.lendResiduals`). Evaluation lends its scorer's
/// cache so that an editor's own forward pass over the edit prompt reads it too.
protocol FrozenResiduals: AnyObject, Sendable {
    /// The block whose entering residual stream this gives.
    var block: Int { get }
    /// The residual stream entering `block` for `tokens` ([T, dim] flat), computed if not cached.
    func residual(_ w: any EditableModel, _ tokens: [Int]) throws -> [Float]
}

extension LanguageModel {
    /// Lends `source` to the editors that edit this model while `body` runs: their forward passes
    /// start from its residual stream where it enters their lowest edited block. The caller
    /// guarantees that no weight below `source.block` changes meanwhile.
    func lendResiduals<R>(_ source: any FrozenResiduals, _ body: () throws -> R) rethrows -> R {
        let previous = lentResiduals.swap(source)
        defer { _ = lentResiduals.swap(previous) }
        return try body()
    }

    /// The residuals of the edit sequences for a forward from `block`, when a lent source gives them.
    func lentResiduals(for sequences: [[Int]], from block: Int) throws -> [[Float]]? {
        guard let source = lentResiduals.value, source.block == block else { return nil }
        return try sequences.map { try source.residual(network, $0) }
    }
}

/// A lock-guarded slot for the lent source.
final class LentResiduals: @unchecked Sendable {
    private let lock = NSLock()
    private var source: (any FrozenResiduals)?
    var value: (any FrozenResiduals)? { lock.withLock { source } }
    func swap(_ new: (any FrozenResiduals)?) -> (any FrozenResiduals)? {
        lock.withLock { let old = source; source = new; return old }
    }
}
