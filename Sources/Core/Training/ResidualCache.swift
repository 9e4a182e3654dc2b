import Foundation

/// Residual streams entering the lowest inner block, keyed by token sequence. Weights below that
/// block never change during editing or meta-training, so these are exact and computing them (the
/// bulk of a forward pass) happens once per distinct input.
///
/// Safe to share between threads (`ExamplePrefetcher` fills it on a second one): each input is
/// computed once, and a thread asking for one that another is computing waits for it.
final class ResidualCache: FrozenResiduals, @unchecked Sendable {
    private enum Slot { case computing, ready([Float]) }
    private var entries: [[Int]: Slot] = [:]
    private var floats = 0
    /// Stored inputs, oldest first from `next`.
    private var order: [[Int]] = []
    private var next = 0
    let block: Int
    let capacityFloats: Int
    private(set) var hits = 0, misses = 0
    private let condition = NSCondition()

    init(block: Int, capacityBytes: Int = 3 << 30) {
        self.block = block
        self.capacityFloats = capacityBytes / 4
    }

    /// Token prefixes many inputs share (instructions); their keys and values are computed once.
    /// A prefix's state has scratch rows past the prefix, so one thread at a time uses it.
    private final class Prefix: @unchecked Sendable {
        let lock = NSLock()
        var state: (any ModelPrefix)?
    }
    private var prefixes: [[Int]: Prefix] = [:]

    /// Registers a prefix; its state is computed the first time an input starts with it.
    func addPrefix(_ tokens: [Int]) {
        condition.withLock { if tokens.count >= 2, prefixes[tokens] == nil { prefixes[tokens] = Prefix() } }
    }

    /// Whether `tokens`' residual is computed (or being computed) already.
    func contains(_ tokens: [Int]) -> Bool { condition.withLock { entries[tokens] != nil } }

    func residual(_ w: any EditableModel, _ tokens: [Int]) throws -> [Float] {
        condition.lock()
        while true {
            switch entries[tokens] {
            case .ready(let r)?:
                hits += 1
                condition.unlock()
                return r
            case .computing?:
                condition.wait()
            case nil:
                misses += 1
                entries[tokens] = .computing
                let prefix = prefixes.first { tokens.count > $0.key.count && tokens.starts(with: $0.key) }
                condition.unlock()
                let r: [Float]
                do {
                    r = try compute(w, tokens, prefix: prefix.map { ($0.key, $0.value) })
                } catch {
                    condition.withLock { entries[tokens] = nil; condition.broadcast() }
                    throw error
                }
                condition.withLock {
                    // Full: the oldest entries make room, since an input computed ahead for another
                    // thread must be there when it asks.
                    while floats + r.count > capacityFloats, next < order.count {
                        if case .ready(let old)? = entries.removeValue(forKey: order[next]) { floats -= old.count }
                        next += 1
                    }
                    if next > 4096, next * 2 > order.count { order.removeFirst(next); next = 0 }
                    if floats + r.count <= capacityFloats {
                        entries[tokens] = .ready(r)
                        floats += r.count
                        order.append(tokens)
                    } else {
                        entries[tokens] = nil
                    }
                    condition.broadcast()
                }
                return r
            }
        }
    }

    private func compute(_ w: any EditableModel, _ tokens: [Int], prefix: ([Int], Prefix)?) throws -> [Float] {
        guard let (key, p) = prefix else { return try w.residual(tokens: tokens, atBlock: block) }
        p.lock.lock()
        defer { p.lock.unlock() }
        let state = try p.state ?? w.prefix(tokens: key, atBlock: block)
        p.state = state
        return try w.residual(tokens: tokens, atBlock: block, prefix: state)
    }
}

extension ResidualCache {
    /// The text before the input of every description of `tasks` without placeholders ("Task: …
    /// \nDescription: …\nInput:"), as shared prefixes.
    func addInstructionPrefixes(tasks: [String], instructions: InstructionSet, tokenizer: any Tokenizer) throws {
        for task in tasks {
            for unseen in [false, true] {
                for d in try instructions.descriptions(task: task, unseen: unseen) where !d.contains("{") {
                    let text = InstructionSet.format(task: task, description: d, prompt: "")
                    addPrefix(tokenizer.encode(String(text.dropLast(text.hasSuffix(" ") ? 1 : 0))))
                }
            }
        }
    }
}
