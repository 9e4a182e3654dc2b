/// Gradient buffers for a few parameters, each in its parameter's (out, in) layout, allocated once
/// and zeroed between uses (the backward pass accumulates into them).
final class GradientBuffers {
    let params: [ParamRef]
    let buffers: [UnsafeMutableBufferPointer<Float>]

    init(_ params: [ParamRef]) {
        self.params = params
        buffers = params.map {
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: $0.count)
            b.initialize(repeating: 0)
            return b
        }
    }

    deinit { buffers.forEach { $0.deallocate() } }

    /// What `EditableModel.backward(gradients:)` takes.
    var sink: [ParamRef: UnsafeMutablePointer<Float>] {
        Dictionary(uniqueKeysWithValues: zip(params, buffers.map { $0.baseAddress! }))
    }

    func zero() { buffers.forEach { $0.update(repeating: 0) } }
}
