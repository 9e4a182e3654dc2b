/// A named activation inside a decoder block, as interpretability tools name them (TransformerLens's
/// names, with blocks counted from 1 like every index of the Lua API): "blocks.3.hook_mlp_out".
public struct ActivationName: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, CaseIterable, Sendable {
        /// The residual stream entering the block, [T, dim].
        case residPre = "hook_resid_pre"
        /// The attention pattern (softmax probabilities), [heads, T, keys]; row t is what position t
        /// attends to.
        case pattern = "attn.hook_pattern"
        /// The attention output after o_proj, before it is added to the residual, [T, dim].
        case attnOut = "hook_attn_out"
        /// The residual after attention, [T, dim].
        case residMid = "hook_resid_mid"
        /// The MLP output after down_proj, before it is added to the residual, [T, dim].
        case mlpOut = "hook_mlp_out"
        /// The residual leaving the block, [T, dim].
        case residPost = "hook_resid_post"
    }

    /// 0-based block index.
    public let layer: Int
    public let kind: Kind

    public init(layer: Int, _ kind: Kind) {
        self.layer = layer
        self.kind = kind
    }

    /// "blocks.<layer + 1>.<kind>".
    public var description: String { "blocks.\(layer + 1).\(kind.rawValue)" }

    /// Parses "blocks.L.kind" (L from 1 to `layers`); nil for anything else.
    public init?(_ text: String, layers: Int) {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "blocks", let l = Int(parts[1]), l >= 1, l <= layers, let kind = Kind(rawValue: String(parts[2])) else { return nil }
        self.init(layer: l - 1, kind)
    }

    /// Every name of a model with `layers` blocks, block by block in the order a forward pass
    /// reaches them.
    public static func all(layers: Int) -> [ActivationName] {
        (0..<max(layers, 0)).flatMap { l in Kind.allCases.map { ActivationName(layer: l, $0) } }
    }
}

/// Code run at named activations during an inference forward pass: it sees each activation it
/// asked for as a tensor and may change it, and the pass goes on with the changed value. A pass
/// without hooks runs the plain block forward, so hooks cost nothing unless set.
public final class ActivationHooks {
    /// Called with an activation; change the tensor (same shape) to replace the activation.
    public typealias Visitor = (ActivationName, inout Tensor) throws -> Void

    private let wanted: Set<ActivationName>?
    private let visitor: Visitor

    /// `names`: the activations to visit (nil: every one).
    public init(names: Set<ActivationName>?, _ visitor: @escaping Visitor) {
        wanted = names
        self.visitor = visitor
    }

    func wants(_ name: ActivationName) -> Bool { wanted?.contains(name) ?? true }

    /// Shows `count` floats at `p` as a tensor of `shape`; writes a changed value back. Returns true
    /// when the visitor changed it.
    @discardableResult
    func visit(_ name: ActivationName, _ p: UnsafeMutablePointer<Float>, shape: [Int]) throws -> Bool {
        guard wants(name) else { return false }
        let count = shape.reduce(1, *)
        let original = Array(UnsafeBufferPointer(start: p, count: count))
        var tensor = Tensor(shape: shape, data: original)
        try visitor(name, &tensor)
        guard tensor.data != original else { return false }
        guard tensor.shape == shape, tensor.data.count == count else {
            throw InstructEditError("hook \(name): the replacement has size \(Tensor.describe(tensor.shape)), the activation \(Tensor.describe(shape))")
        }
        tensor.data.withUnsafeBufferPointer { if let base = $0.baseAddress { p.update(from: base, count: count) } }
        return true
    }
}
