import Foundation

/// Adam (Kingma & Ba) with bias correction over one flat parameter buffer. The whole state
/// (hyper-parameters, step count, both moments) is plain values, so a checkpoint can save and
/// restore it exactly.
public struct Adam: Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Number of steps taken (the t of the bias correction).
    public internal(set) var step: Int
    /// First and second moment estimates, one per parameter.
    public internal(set) var m: [Float]
    public internal(set) var v: [Float]

    public init(count: Int, learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        step = 0
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// Restores a saved state.
    public init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, step: Int,
                m: [Float], v: [Float]) throws {
        guard m.count == v.count else {
            throw InstructEditError("Adam state: first moment has \(m.count) values, second moment \(v.count)")
        }
        guard step >= 0 else { throw InstructEditError("Adam state: negative step count \(step)") }
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.step = step; self.m = m; self.v = v
    }

    public var count: Int { m.count }

    // On raw pointers: the same loop over array buffers inside closures ran four times slower.
    private static func kernel(_ p: UnsafeMutablePointer<Float>?, _ g: UnsafePointer<Float>?,
                               _ m: UnsafeMutablePointer<Float>?, _ v: UnsafeMutablePointer<Float>?, _ n: Int,
                               lr: Float, b1: Float, b2: Float, eps: Float, inv1: Float, inv2: Float) {
        guard let p, let g, let m, let v else { return }
        for i in 0..<n {
            let gi = g[i]
            let mi = b1 * m[i] + (1 - b1) * gi
            let vi = b2 * v[i] + (1 - b2) * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= lr * (mi * inv1) / ((vi * inv2).squareRoot() + eps)
        }
    }

    /// One update: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with
    /// m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
    public mutating func update(_ params: UnsafeMutableBufferPointer<Float>,
                                gradients: UnsafeBufferPointer<Float>) throws {
        guard params.count == count, gradients.count == count else {
            throw InstructEditError("Adam: optimiser holds \(count) parameters, got \(params.count) parameters and \(gradients.count) gradients")
        }
        step += 1
        let c1 = 1 - pow(Double(beta1), Double(step))
        let c2 = 1 - pow(Double(beta2), Double(step))
        let inv1 = Float(1 / c1), inv2 = Float(1 / c2)
        let n = count, lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                Self.kernel(params.baseAddress, gradients.baseAddress, m.baseAddress, v.baseAddress, n,
                            lr: lr, b1: b1, b2: b2, eps: eps, inv1: inv1, inv2: inv2)
            }
        }
    }
}
