/// The LLaMA family as an `EditableModel`: each requirement is one call into `LlamaTraining`.
extension LlamaWeights: EditableModel {
    public var blockCount: Int { config.layers }
    public var vocabularySize: Int { config.vocab }
    public func parameter(named name: String) -> ParamRef? { param(named: name) }

    public func block(holding p: ParamRef) -> Int? {
        guard p.cols > 1 else { return nil }
        return layers.firstIndex { $0.all.contains(p) }
    }

    public func mlpMatrices(ofBlock block: Int) -> [ParamRef] {
        let l = layers[block]
        return [l.wGate, l.wUp, l.wDown]
    }

    /// The slab only: the file's blocks (`BlockCopies`) serve one-row products, not these passes.
    public func copy() throws -> any EditableModel {
        let c = LlamaWeights(config: config)
        guard c.slab.count == slab.count else { throw InstructEditError("copy: out of memory for a second copy of the model's weights") }
        _ = c.slab.update(fromContentsOf: UnsafeBufferPointer(slab))
        return c
    }

    public func residual(tokens: [Int], atBlock block: Int) throws -> [Float] {
        try LlamaTraining.residual(self, tokens: tokens, atBlock: block)
    }

    public func prefix(tokens: [Int], atBlock block: Int) throws -> any ModelPrefix {
        try LlamaPrefix(self, tokens: tokens, atBlock: block)
    }

    public func residual(tokens: [Int], atBlock block: Int, prefix: any ModelPrefix) throws -> [Float] {
        guard let prefix = prefix as? LlamaPrefix else { throw InstructEditError("residual: the prefix was made by another architecture") }
        return try LlamaTraining.residual(self, tokens: tokens, atBlock: block, prefix: prefix)
    }

    public func forward(tokens: [Int], from start: Int, residual: [Float]?) throws -> any ModelTrace {
        try LlamaTraining.forward(self, tokens: tokens, from: start, residual: residual)
    }

    public func logits(_ trace: any ModelTrace, positions: [Int]) throws -> [Float] {
        try LlamaTraining.logits(self, try llamaTrace(trace), positions: positions)
    }

    public func logits(_ parts: [(trace: any ModelTrace, positions: [Int])]) throws -> [Float] {
        try LlamaTraining.logits(self, parts.map { (try llamaTrace($0.trace), $0.positions) })
    }

    @discardableResult
    public func backward(_ trace: any ModelTrace, positions: [Int], dLogits: [Float],
                         gradients: [ParamRef: UnsafeMutablePointer<Float>],
                         captures: Set<ParamRef>) throws -> [ParamRef: (u: [Float], delta: [Float])] {
        try LlamaTraining.backward(self, try llamaTrace(trace), positions: positions, dLogits: dLogits,
                                   gradients: gradients, captures: captures)
    }

    private func llamaTrace(_ trace: any ModelTrace) throws -> LlamaTrace {
        guard let t = trace as? LlamaTrace else { throw InstructEditError("the trace was made by another architecture") }
        return t
    }
}

extension LlamaTrace: ModelTrace {}
extension LlamaPrefix: ModelPrefix {}
