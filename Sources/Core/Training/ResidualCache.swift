/// Residual streams entering the lowest inner block, keyed by token sequence. Weights below that
/// block never change during editing or meta-training, so these are exact and computing them (the
/// bulk of a forward pass) happens once per distinct input.
final class ResidualCache: @unchecked Sendable {
    private var entries: [[Int]: [Float]] = [:]
    private var floats = 0
    let block: Int
    let capacityFloats: Int
    private(set) var hits = 0, misses = 0

    init(block: Int, capacityBytes: Int = 3 << 30) {
        self.block = block
        self.capacityFloats = capacityBytes / 4
    }

    /// Token prefixes many inputs share (instructions); their keys and values are computed once.
    private var prefixes: [[Int]: (any ModelPrefix)?] = [:]

    /// Registers a prefix; its state is computed the first time an input starts with it.
    func addPrefix(_ tokens: [Int]) {
        if tokens.count >= 2, prefixes[tokens] == nil { prefixes[tokens] = .some(nil) }
    }

    func residual(_ w: any EditableModel, _ tokens: [Int]) throws -> [Float] {
        if let r = entries[tokens] { hits += 1; return r }
        misses += 1
        let r: [Float]
        if let key = prefixes.keys.first(where: { tokens.count > $0.count && tokens.starts(with: $0) }) {
            let state = try prefixes[key].flatMap { $0 } ?? w.prefix(tokens: key, atBlock: block)
            prefixes[key] = state
            r = try w.residual(tokens: tokens, atBlock: block, prefix: state)
        } else {
            r = try w.residual(tokens: tokens, atBlock: block)
        }
        if floats + r.count <= capacityFloats {
            entries[tokens] = r
            floats += r.count
        }
        return r
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
