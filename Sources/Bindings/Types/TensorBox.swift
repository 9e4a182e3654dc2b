import Core

/// The Swift object behind a Lua `Tensor` userdata. Every module that hands a tensor to Lua
/// returns `.object(TensorBox(t))`; the `tensor` module registers the type and its methods.
public final class TensorBox {
    public var tensor: Tensor
    public init(_ tensor: Tensor) { self.tensor = tensor }
}
