/// Which weights an edit may change: MEND's "inner" weights. Configuration, not a constant: the
/// default is the gate, up and down MLP matrices of the last three blocks.
public struct EditTargets: Sendable, Equatable {
    /// In a fixed order (the editor's mode order follows it).
    public let params: [ParamRef]
    /// The lowest block holding an inner weight: nothing below it changes, so activations below it
    /// can be cached and backward passes can stop there.
    public let lowestBlock: Int

    /// Checks that every parameter is a matrix of a decoder block.
    public init(_ params: [ParamRef], in w: any EditableModel) throws {
        guard !params.isEmpty else { throw InstructEditError("edit targets: no weights given") }
        var lowest = Int.max
        for p in params {
            guard let block = w.block(holding: p) else {
                throw InstructEditError("edit targets: '\(p.name)' is not a weight matrix of a decoder block")
            }
            lowest = min(lowest, block)
        }
        guard Set(params).count == params.count else { throw InstructEditError("edit targets: a weight is listed twice") }
        self.params = params
        self.lowestBlock = lowest
    }

    /// The gate, up and down matrices of the last `lastBlocks` blocks.
    public static func mlp(of w: any EditableModel, lastBlocks: Int = 3) throws -> EditTargets {
        guard (1...w.blockCount).contains(lastBlocks) else {
            throw InstructEditError("edit targets: lastBlocks must be in 1...\(w.blockCount), got \(lastBlocks)")
        }
        return try EditTargets((w.blockCount - lastBlocks..<w.blockCount).flatMap(w.mlpMatrices), in: w)
    }

    /// Looks the weights up by their Hugging Face names.
    public static func named(_ names: [String], in w: any EditableModel) throws -> EditTargets {
        try EditTargets(names.map { name in
            guard let p = w.parameter(named: name) else { throw InstructEditError("edit targets: the model has no weight '\(name)'") }
            return p
        }, in: w)
    }
}
