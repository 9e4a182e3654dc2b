/// Configuration of a MEND editor: which weights it edits and the hyper-parameters of its networks.
/// Saved inside every editor checkpoint, so an editor always knows what it was built for.
public struct MENDConfig: Codable, Sendable, Equatable {
    /// One edited ("inner") weight matrix, stored (rows = out, cols = in) row-major.
    public struct InnerWeight: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int   // d_out
        public var cols: Int   // d_in
        public init(name: String, rows: Int, cols: Int) {
            self.name = name; self.rows = rows; self.cols = cols
        }
        public init(_ ref: ParamRef) { self.init(name: ref.name, rows: ref.rows, cols: ref.cols) }
    }

    /// Default rank of the low-rank layers: 576, SmolLM2-135M's width, 0.27·D for its MLP shapes
    /// (D = 2112). MEND's published settings keep r between 0.13·D (LLaMA-7B) and 0.5·D
    /// (distilGPT-2), with r ≈ width (0.24·D) for GPT-2 XL; 576 follows that last choice.
    /// Measured (release, one OpenBLAS thread on the 2-core build machine, N = 40 rows, the 9 MLP
    /// matrices of the last three blocks), transform + backward grows roughly linearly in r:
    /// 121 ms at r = 64, 268 ms at 384, 366 ms at 576, 709 ms at 1152, 1347 ms at 2112. At 576 the
    /// editor is about 11 GFLOP per step, a fraction (by FLOP count, about a quarter) of the model's
    /// own forward/backward in a meta-training step, and its 9.8 M parameters (39 MB; 118 MB with
    /// both Adam moments) keep checkpoints small.
    public static let defaultRank = 576

    /// Inner weights in order; weights of equal shape share one network, each as its own mode.
    public var innerWeights: [InnerWeight]
    /// Rank r of both low-rank layers of every network.
    public var rank: Int
    /// Initial value of every learnable step size α_ℓ.
    public var initialStepSize: Float
    /// ε in ū = (u − μ)/(σ + ε).
    public var normEpsilon: Float
    /// Loss weights of meta-training: L = cEdit·L_edit + cLoc·L_loc.
    public var cEdit: Float
    public var cLoc: Float
    /// Seed of the network initialisation (V ~ N(0, 1)).
    public var seed: UInt64

    public init(innerWeights: [InnerWeight], rank: Int = MENDConfig.defaultRank,
                initialStepSize: Float = 1e-4, normEpsilon: Float = 1e-7,
                cEdit: Float = 0.1, cLoc: Float = 1.0, seed: UInt64 = 0) {
        self.innerWeights = innerWeights; self.rank = rank; self.initialStepSize = initialStepSize
        self.normEpsilon = normEpsilon; self.cEdit = cEdit; self.cLoc = cLoc; self.seed = seed
    }

    /// Reference schedule (docs/MEND.md): Adam learning rates for the networks and for the step sizes,
    /// and the global gradient-norm clip.
    public static let referenceEditorLearningRate: Float = 1e-6
    public static let referenceStepSizeLearningRate: Float = 1e-4
    public static let referenceGradientClip: Float = 100

    /// Throws if the configuration cannot describe an editor.
    public func validate() throws {
        if innerWeights.isEmpty { throw InstructEditError("MEND config: the inner weight list is empty") }
        if rank < 1 { throw InstructEditError("MEND config: rank must be at least 1, got \(rank)") }
        if !(normEpsilon > 0) {
            throw InstructEditError("MEND config: normEpsilon must be positive, got \(normEpsilon)")
        }
        var seen = Set<String>()
        for w in innerWeights {
            if w.rows < 1 || w.cols < 1 {
                throw InstructEditError("MEND config: inner weight '\(w.name)' has shape (\(w.rows), \(w.cols)); both must be at least 1")
            }
            if !seen.insert(w.name).inserted {
                throw InstructEditError("MEND config: inner weight '\(w.name)' is listed twice")
            }
        }
        _ = try parameterCount()
    }

    /// The most parameters an editor may have: its slab, gradients and both Adam moments (four
    /// copies) then fit the memory budget of `SizeCheck`.
    public static let maxParameters = SizeCheck.maxElements / 4

    /// Parameters of the editor this configuration describes (networks and step sizes), computed
    /// with overflow-checked arithmetic; throws when past `maxParameters`, before anything is
    /// allocated (a rank of 1e9 or a weight of 1e9 rows from a checkpoint header).
    func parameterCount() throws -> Int {
        var modes: [[Int]: Int] = [:]
        for w in innerWeights { modes[[w.rows, w.cols], default: 0] += 1 }
        var total = innerWeights.count
        for (shape, m) in modes.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            // Per network, two layers of U (D×r), V (r×D), b (D), s and o (modes×D): D(2r + 1 + 2m).
            let limit = Self.maxParameters
            let r = min(rank, limit), d = min(shape[0], limit) + min(shape[1], limit)
            let perLayer = try? SizeCheck.product([d, 2 * r + 1 + 2 * min(m, limit)], limit: limit, what: "")
            guard let perLayer, let sum = try? SizeCheck.sum([total, perLayer, perLayer], limit: limit, what: "") else {
                throw InstructEditError("MEND config: rank \(rank) for inner weights of shape (\(shape[0]), \(shape[1])) needs more than \(limit) editor parameters (the limit)")
            }
            total = sum
        }
        return total
    }
}
