/// The MEND editor (docs/MEND.md): one network per inner-weight shape, per-shape normalisation
/// statistics, and one learnable step size α_ℓ per inner weight.
///
/// Trainable state is two flat slabs, `parameters` (every network) and `stepSizes` (α, in inner
/// weight order), each with a gradient slab of the same layout, so one optimiser step treats
/// them uniformly. Not synchronised: use an editor from one thread at a time.
public final class MENDEditor: @unchecked Sendable {
    public let config: MENDConfig
    /// Network parameters of every shape, laid out as `parameterLayout` says.
    public let parameters: UnsafeMutableBufferPointer<Float>
    /// ∂L/∂parameters, accumulated by `backward`; `zeroGradients()` clears it.
    public let parameterGradients: UnsafeMutableBufferPointer<Float>
    /// α_ℓ for each inner weight, in `config.innerWeights` order.
    public let stepSizes: UnsafeMutableBufferPointer<Float>
    public let stepSizeGradients: UnsafeMutableBufferPointer<Float>
    /// In training mode `transform` folds every kept row into the normalisation statistics; at
    /// evaluation (the default) they stay frozen.
    public var isTraining = false
    /// The checkpoint it was loaded from (nil for an editor built or trained in memory).
    public internal(set) var origin: MENDOrigin?
    /// Normalisation statistics of u and of δ, one per shape (index as in `shapes`).
    public internal(set) var uStatistics: [MENDRunningStats]
    public internal(set) var deltaStatistics: [MENDRunningStats]

    /// For each inner weight: the index of its shape's network and its mode in that network.
    let assignment: [(shape: Int, mode: Int)]
    let networks: [EditorNetwork]

    /// A freshly initialised editor: the identity map, α_ℓ = `config.initialStepSize`.
    public convenience init(config: MENDConfig) throws {
        try self.init(structureOf: config)
        var random = SeededRandom(seed: config.seed)
        for n in networks { n.initialise(parameters.baseAddress!, random: &random) }
        stepSizes.initialize(repeating: config.initialStepSize)
    }

    /// Allocates zeroed slabs laid out for `config`.
    init(structureOf config: MENDConfig) throws {
        try config.validate()
        self.config = config
        var shapeIndex: [[Int]: Int] = [:]
        var shapes: [(rows: Int, cols: Int)] = []
        var modes: [Int] = []
        var assignment: [(shape: Int, mode: Int)] = []
        for w in config.innerWeights {
            let key = [w.rows, w.cols]
            let s: Int
            if let k = shapeIndex[key] { s = k } else {
                s = shapes.count
                shapeIndex[key] = s
                shapes.append((w.rows, w.cols))
                modes.append(0)
            }
            assignment.append((s, modes[s]))
            modes[s] += 1
        }
        var offset = 0
        var networks: [EditorNetwork] = []
        for (s, shape) in shapes.enumerated() {
            let n = EditorNetwork(dOut: shape.rows, dIn: shape.cols, rank: config.rank,
                                  modes: modes[s], offset: offset)
            networks.append(n)
            offset = n.end
        }
        self.assignment = assignment
        self.networks = networks
        parameters = .allocate(capacity: offset)
        parameters.initialize(repeating: 0)
        parameterGradients = .allocate(capacity: offset)
        parameterGradients.initialize(repeating: 0)
        stepSizes = .allocate(capacity: config.innerWeights.count)
        stepSizes.initialize(repeating: 0)
        stepSizeGradients = .allocate(capacity: config.innerWeights.count)
        stepSizeGradients.initialize(repeating: 0)
        uStatistics = networks.map { MENDRunningStats(width: $0.dIn) }
        deltaStatistics = networks.map { MENDRunningStats(width: $0.dOut) }
    }

    deinit {
        parameters.deallocate(); parameterGradients.deallocate()
        stepSizes.deallocate(); stepSizeGradients.deallocate()
    }

    /// The distinct weight shapes (rows = out, cols = in), one network each, in order of first use.
    public var shapes: [(rows: Int, cols: Int)] { networks.map { ($0.dOut, $0.dIn) } }

    /// For inner weight ℓ: its shape index (into `shapes`) and its mode within that network.
    public func mode(ofWeight weight: Int) throws -> (shape: Int, mode: Int) {
        try checkWeight(weight)
        return assignment[weight]
    }

    /// The index of the inner weight called `name` in `config.innerWeights`.
    public func weightIndex(named name: String) throws -> Int {
        guard let i = config.innerWeights.firstIndex(where: { $0.name == name }) else {
            throw InstructEditError("the editor has no inner weight named '\(name)'; it edits \(config.innerWeights.map(\.name).joined(separator: ", "))")
        }
        return i
    }

    /// Named slices of `parameters` ("editor.<out>x<in>.layer<k>.<U|V|b|s|o>"), in slab order.
    public var parameterLayout: [ParamRef] {
        networks.flatMap { $0.layout(prefix: "editor.\($0.dOut)x\($0.dIn)") }
    }

    /// Clears both gradient slabs (before the first `backward` of an optimiser step).
    public func zeroGradients() {
        parameterGradients.update(repeating: 0)
        stepSizeGradients.update(repeating: 0)
    }

    func checkWeight(_ weight: Int) throws {
        guard config.innerWeights.indices.contains(weight) else {
            throw InstructEditError("inner weight index \(weight) is out of range: the editor has \(config.innerWeights.count) inner weights")
        }
    }
}
