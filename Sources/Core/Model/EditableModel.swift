/// Activations of one sequence from some block upward, kept for a backward pass. Opaque to
/// editors: only the architecture that made it reads it.
public protocol ModelTrace: AnyObject, Sendable {
    /// The first block the trace covers.
    var start: Int { get }
    var tokens: [Int] { get }
}

/// Token prefixes shared by many inputs (instructions), with the state an architecture keeps to
/// compute the rest of those inputs only.
public protocol ModelPrefix: AnyObject, Sendable {
    var tokens: [Int] { get }
}

/// What editors, meta-training and scoring need of a model: the seam an architecture implements
/// (docs/ADDING_AN_ARCHITECTURE.md; `LlamaWeights` is the example). Parameters are `ParamRef`s
/// named as in Hugging Face checkpoints, each a (rows = out, cols = in) row-major matrix or a vector.
public protocol EditableModel: AnyObject, Sendable {
    var blockCount: Int { get }
    var vocabularySize: Int { get }
    /// The parameter with Hugging Face name `name`.
    func parameter(named name: String) -> ParamRef?
    /// The decoder block holding weight matrix `p`; nil for vectors and for matrices outside blocks.
    func block(holding p: ParamRef) -> Int?
    /// The MLP matrices of `block`, in a fixed order (the default edit targets).
    func mlpMatrices(ofBlock block: Int) -> [ParamRef]
    /// The values of `p`, in place, to read.
    func buffer(_ p: ParamRef) -> UnsafeBufferPointer<Float>
    func pointer(_ p: ParamRef) -> UnsafePointer<Float>
    /// The values of `p`, in place, to write (a model may keep copies of `p` for speed, which
    /// these drop).
    func mutableBuffer(_ p: ParamRef) -> UnsafeMutableBufferPointer<Float>
    func mutablePointer(_ p: ParamRef) -> UnsafeMutablePointer<Float>
    /// An independent model with this one's weights as they are now, for a helper thread to read
    /// while this one is edited (`ExamplePrefetcher`). Its passes of two or more tokens give this
    /// model's bits.
    func copy() throws -> any EditableModel

    /// The residual stream entering `block` ([T, dim] flat); block 0 = the embeddings.
    func residual(tokens: [Int], atBlock block: Int) throws -> [Float]
    /// The state of a prefix in blocks below `block`, for `residual(tokens:atBlock:prefix:)`.
    func prefix(tokens: [Int], atBlock block: Int) throws -> any ModelPrefix
    /// `residual(tokens:atBlock:)` for tokens starting with `prefix.tokens`, computing the rest only.
    func residual(tokens: [Int], atBlock block: Int, prefix: any ModelPrefix) throws -> [Float]
    /// Forward from block `start` given the residual entering it (nil: computed), keeping what the
    /// backward needs.
    func forward(tokens: [Int], from start: Int, residual: [Float]?) throws -> any ModelTrace
    /// Logits at `positions` only ([P, vocab] flat).
    func logits(_ trace: any ModelTrace, positions: [Int]) throws -> [Float]
    /// The logits of several traces at their positions, in order ([ΣP, vocab] flat): one read of
    /// the output matrix for all of them (scoring a record's inputs after an edit).
    func logits(_ parts: [(trace: any ModelTrace, positions: [Int])]) throws -> [Float]
    /// Backward from dLoss/dLogits at `positions` down to `trace.start`: gradients accumulated (+=)
    /// into `gradients`' buffers, and for each weight matrix in `captures` its per-row inputs u and
    /// output gradients δ (Σ_t δ_t u_tᵀ is its gradient).
    @discardableResult
    func backward(_ trace: any ModelTrace, positions: [Int], dLogits: [Float],
                  gradients: [ParamRef: UnsafeMutablePointer<Float>],
                  captures: Set<ParamRef>) throws -> [ParamRef: (u: [Float], delta: [Float])]
}
