/// Activations of one sequence from block `start` upward: everything the backward needs.
public final class LlamaTrace: @unchecked Sendable {
    /// The first block this trace covers; gradients reach blocks start..<layers.
    public let start: Int
    public let tokens: [Int]
    let config: LlamaConfig
    let blocks: [LlamaBlockActivations]   // blocks start..<layers
    let last: FloatBuffer                 // (T, C) residual after the last block
    let rstdFinal: FloatBuffer            // (T)
    let normed: FloatBuffer               // (T, C) final norm output: input of the LM head

    init(start: Int, tokens: [Int], config: LlamaConfig, blocks: [LlamaBlockActivations], last: FloatBuffer,
         rstdFinal: FloatBuffer, normed: FloatBuffer) {
        self.start = start; self.tokens = tokens; self.config = config; self.blocks = blocks; self.last = last
        self.rstdFinal = rstdFinal; self.normed = normed
    }

    /// The residual stream entering block `start`, [T, dim] flat.
    public var residual: [Float] { blocks.first?.input.array ?? last.array }
}

/// The training pass the editor runs: a forward that keeps its activations from some block upward,
/// logits at chosen positions only, and a backward that produces only the requested gradients.
public enum LlamaTraining {
    /// Residual stream entering block `block` ([T, dim] flat); block 0 = embeddings, block `layers`
    /// = the last block's output. An edit of blocks >= `block` cannot change it, so callers cache it.
    public static func residual(_ w: LlamaWeights, tokens: [Int], atBlock block: Int) throws -> [Float] {
        try LlamaForward.validate(w, tokens: tokens, in: "residual")
        try checkBlock(w, block, in: "residual")
        let a = LlamaBlockActivations(w.config, rows: tokens.count)
        try LlamaForward.runBlocks(w, tokens: tokens, 0..<block, a)
        return a.input.array
    }

    /// Forward from block `start` given the residual entering it ([T, dim] flat; nil = compute it
    /// from the embeddings), keeping every activation the backward needs.
    public static func forward(_ w: LlamaWeights, tokens: [Int], from start: Int,
                               residual: [Float]?) throws -> LlamaTrace {
        try LlamaForward.validate(w, tokens: tokens, in: "forward")
        try checkBlock(w, start, in: "forward")
        let c = w.config, T = tokens.count
        let x = try residual ?? self.residual(w, tokens: tokens, atBlock: start)
        guard x.count == T * c.dim else {
            throw InstructEditError("forward: the residual has \(x.count) values; \(T) tokens × dim \(c.dim) = \(T * c.dim) expected")
        }
        // The backward reads each block's attention probabilities.
        let blocks = (start..<c.layers).map { _ in LlamaBlockActivations(c, rows: T, keepProbs: true) }
        let last = FloatBuffer(T * c.dim)
        let first = blocks.first?.input ?? last
        x.withUnsafeBufferPointer { first.p.update(from: $0.baseAddress!, count: x.count) }
        let rope = RopeTable.shared(c)
        for (i, a) in blocks.enumerated() {
            try Interrupt.check()
            let out = i + 1 < blocks.count ? blocks[i + 1].input.p : last.p
            LlamaBlock.forward(w, layer: start + i, a, rope: rope, out: out)
        }
        let rstd = FloatBuffer(T), normed = FloatBuffer(T * c.dim)
        RMSNorm.forward(last.p, w.pointer(w.finalNorm), rows: T, dim: c.dim, eps: c.normEps,
                        out: normed.p, rstd: rstd.p)
        return LlamaTrace(start: start, tokens: tokens, config: c, blocks: blocks, last: last, rstdFinal: rstd, normed: normed)
    }

    /// Logits only at `positions` ([P, vocab] flat): the LM head is the largest matrix, so only the
    /// rows a loss reads are computed.
    public static func logits(_ w: LlamaWeights, _ trace: LlamaTrace, positions: [Int]) throws -> [Float] {
        try logits(w, [(trace, positions)])
    }

    /// The logits of several traces at their positions ([ΣP, vocab] flat), in one product.
    static func logits(_ w: LlamaWeights, _ parts: [(trace: LlamaTrace, positions: [Int])]) throws -> [Float] {
        for (trace, positions) in parts { try checkPositions(positions, trace, w, in: "logits") }
        let c = w.config, P = parts.reduce(0) { $0 + $1.positions.count }
        let rows = FloatBuffer(P * c.dim)
        var at = 0
        for (trace, positions) in parts {
            for t in positions { (rows.p + at * c.dim).update(from: trace.normed.p + t * c.dim, count: c.dim); at += 1 }
        }
        var out = [Float](repeating: 0, count: P * c.vocab)
        if P == 0 { return out }
        out.withUnsafeMutableBufferPointer { o in
            Linear.forward(rows.p, w.pointer(w.output), rows: P, in: c.dim, out: c.vocab, o.baseAddress!)
        }
        return out
    }

    /// Backward from dLoss/dLogits at `positions` ([P, vocab] flat) down to block `trace.start`.
    /// - gradients: dLoss/dW accumulated (+=) into each given buffer (the parameter's (out, in)
    ///   layout, `count` floats). Allowed: any parameter of blocks >= start, the final norm, the
    ///   output matrix, and the embedding when start == 0. A tied embedding/output buffer gets both
    ///   uses when start == 0 and only the LM-head use otherwise.
    /// - captures: for each requested weight matrix of blocks >= start (q, k, v, o, gate, up, down)
    ///   the per-row inputs u [T, in] and output gradients δ [T, out], so that Σ_t δ_t u_tᵀ is its
    ///   gradient; for the output matrix, its P rows ([P, dim] and [P, vocab]).
    /// - residualGradient: if given, dLoss/d(residual entering block start) is added into it ([T, dim]).
    @discardableResult
    public static func backward(_ w: LlamaWeights, _ trace: LlamaTrace, positions: [Int], dLogits: [Float],
                                gradients: [ParamRef: UnsafeMutablePointer<Float>] = [:],
                                captures: Set<ParamRef> = [],
                                residualGradient: UnsafeMutablePointer<Float>? = nil) throws
        -> [ParamRef: (u: [Float], delta: [Float])] {
        let c = w.config, T = trace.tokens.count, P = positions.count, C = c.dim, start = trace.start
        try checkPositions(positions, trace, w, in: "backward")
        guard dLogits.count == P * c.vocab else {
            throw InstructEditError("backward: dLogits has \(dLogits.count) values; \(P) positions × vocab \(c.vocab) = \(P * c.vocab) expected")
        }
        let plan = try makePlan(w, start: start, gradients: gradients, captures: captures,
                                residual: residualGradient != nil)
        var captured: [ParamRef: (u: [Float], delta: [Float])] = [:]

        // logits (P, V) = normed[positions] Woutᵀ
        let rows = gather(trace.normed, positions, dim: C)
        if captures.contains(w.output) { captured[w.output] = (rows.array, dLogits) }
        let needBlocks = plan.lowestStage < 2 * c.layers
        let dnormed = FloatBuffer(T * C)
        dLogits.withUnsafeBufferPointer { dl in
            if let g = gradients[w.output] {
                Linear.backwardWeight(dl.baseAddress!, rows.p, rows: P, in: C, out: c.vocab, g)
            }
            guard needBlocks || gradients[w.finalNorm] != nil else { return }
            let drows = FloatBuffer(P * C)
            Linear.backwardInput(dl.baseAddress!, w.pointer(w.output), rows: P, in: C, out: c.vocab, drows.p)
            for (i, t) in positions.enumerated() {
                let dst = dnormed.p + t * C, src = drows.p + i * C
                for j in 0..<C { dst[j] += src[j] }
            }
        }
        guard needBlocks || gradients[w.finalNorm] != nil else { return captured }

        // normed = rmsnorm(last)
        let dres = FloatBuffer(T * C)
        RMSNorm.backward(dnormed.p, trace.last.p, w.pointer(w.finalNorm), trace.rstdFinal.p, rows: T, dim: C,
                         dx: needBlocks ? dres.p : nil, dw: gradients[w.finalNorm])
        guard needBlocks else { return captured }

        let work = LlamaBackwardWork(c, rows: T), rope = RopeTable.shared(c)
        for l in stride(from: c.layers - 1, through: start, by: -1) where plan.lowestStage < 2 * l + 2 {
            try Interrupt.check()
            LlamaBlock.backward(w, layer: l, trace.blocks[l - start], rope: rope, dres: dres.p, work: work,
                                plan: plan, captured: &captured)
        }
        guard plan.lowestStage < 2 * start else { return captured }
        if let r = residualGradient {
            for i in 0..<(T * C) { r[i] += dres.p[i] }
        }
        if start == 0, let g = gradients[w.tokenEmbedding] {
            for (t, id) in trace.tokens.enumerated() {
                let dst = g + id * C, src = dres.p + t * C
                for j in 0..<C { dst[j] += src[j] }
            }
        }
        return captured
    }

    // MARK: - Checks and helpers

    static func checkBlock(_ w: LlamaWeights, _ block: Int, in function: String) throws {
        guard (0...w.config.layers).contains(block) else {
            throw InstructEditError("\(function): block \(block) is out of range 0...\(w.config.layers)")
        }
    }

    /// Throws unless `trace` came from a model shaped like `w` and `positions` index its tokens.
    static func checkPositions(_ positions: [Int], _ trace: LlamaTrace, _ w: LlamaWeights, in function: String) throws {
        guard trace.config == w.config else {
            throw InstructEditError("\(function): the trace was computed with a model of another shape")
        }
        let T = trace.tokens.count
        if let p = positions.first(where: { $0 < 0 || $0 >= T }) {
            throw InstructEditError("\(function): position \(p) is outside the sequence 0..<\(T)")
        }
    }

    /// Rows `positions` of x (T, dim) → (P, dim).
    static func gather(_ x: FloatBuffer, _ positions: [Int], dim C: Int) -> FloatBuffer {
        let out = FloatBuffer(positions.count * C)
        for (i, t) in positions.enumerated() { (out.p + i * C).update(from: x.p + t * C, count: C) }
        return out
    }

    /// Checks every request against what a backward to block `start` can produce and finds the
    /// lowest stage it must reach.
    static func makePlan(_ w: LlamaWeights, start: Int, gradients: [ParamRef: UnsafeMutablePointer<Float>],
                         captures: Set<ParamRef>, residual: Bool) throws -> LlamaBackwardPlan {
        var stage: [ParamRef: Int] = [:]
        for l in start..<w.config.layers {
            let p = w.layers[l]
            for r in [p.attnNorm, p.wq, p.wk, p.wv, p.wo] { stage[r] = 2 * l }
            for r in [p.mlpNorm, p.wGate, p.wUp, p.wDown] { stage[r] = 2 * l + 1 }
        }
        var lowest = residual ? 2 * start - 1 : Int.max
        for r in gradients.keys {
            if let s = stage[r] {
                lowest = min(lowest, s)
            } else if r == w.tokenEmbedding && start == 0 {
                lowest = -1
            } else if r != w.finalNorm && r != w.output {
                throw InstructEditError("backward: no gradient for \(r) from a trace that starts at block \(start)")
            }
        }
        let matrices = Set((start..<w.config.layers).flatMap { l -> [ParamRef] in
            let p = w.layers[l]
            return [p.wq, p.wk, p.wv, p.wo, p.wGate, p.wUp, p.wDown]
        })
        for r in captures {
            if matrices.contains(r), let s = stage[r] {
                lowest = min(lowest, s)
            } else if r != w.output {
                throw InstructEditError("backward: cannot capture \(r): only weight matrices of blocks >= \(start) and the output matrix")
            }
        }
        return LlamaBackwardPlan(gradients: gradients, captures: captures, lowestStage: lowest)
    }
}
