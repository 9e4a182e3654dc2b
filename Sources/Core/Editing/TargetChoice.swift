/// Which weights an editor changes, chosen before it meets a model: the MLP matrices of the last
/// `n` blocks (the default, n = 3), or weights named as in Hugging Face checkpoints.
public enum TargetChoice: Sendable, Equatable {
    case lastMLPs(Int)
    case named([String])

    public static let `default` = TargetChoice.lastMLPs(3)

    /// From the `layers` and `targets` options of an editor (at most one of them).
    public init(layers: Int?, targets: [String]?) throws {
        switch (layers, targets) {
        case (.some, .some): throw OptionError(path: [], "give 'layers' or 'targets', not both")
        case (let n?, nil):
            guard n >= 1 else { throw OptionError(path: [.field("layers")], "positive integer expected, got \(n)") }
            self = .lastMLPs(n)
        case (nil, let names?): self = .named(names)
        case (nil, nil): self = .default
        }
    }

    /// The weights on `model`, checked.
    public func resolve(in model: LanguageModel) throws -> EditTargets {
        switch self {
        case .lastMLPs(let n): try EditTargets.mlp(of: model.network, lastBlocks: n)
        case .named(let names): try EditTargets.named(names, in: model.network)
        }
    }

    /// "the MLPs of the last 3 blocks", "2 weights".
    public var summary: String {
        switch self {
        case .lastMLPs(let n): "the MLPs of the last \(n) blocks"
        case .named(let names): "\(names.count) weight\(names.count == 1 ? "" : "s")"
        }
    }
}
