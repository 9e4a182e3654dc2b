import CBLAS
import Foundation
import Synchronization

// The layers of a LLaMA block, each forward beside its backward (llm.c style). Backward functions
// restate the forward they differentiate and accumulate into their outputs (+=) unless noted.

/// y = x / rms(x) ⊙ w, rms(x) = sqrt(mean(x²) + eps), row by row.
enum RMSNorm {
    /// out (T, C) = x (T, C) · rstd ⊙ w (C); rstd (T) = 1 / rms(x).
    static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows T: Int, dim C: Int,
                        eps: Float, out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
        for t in 0..<T {
            let xr = x + t * C, o = out + t * C
            let r = 1 / (cblas_sdot(Int32(C), xr, 1, xr, 1) / Float(C) + eps).squareRoot()
            rstd[t] = r
            for i in 0..<C { o[i] = xr[i] * r * w[i] }
        }
    }

    /// dx (T, C) += rstd·(dout ⊙ w) − rstd³/C · x · Σ(dout ⊙ w ⊙ x);  dw (C) += Σ_t dout ⊙ x · rstd.
    static func backward(_ dout: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                         _ rstd: UnsafePointer<Float>, rows T: Int, dim C: Int,
                         dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
        for t in 0..<T {
            let d = dout + t * C, xr = x + t * C, r = rstd[t]
            if let dw {
                for i in 0..<C { dw[i] += d[i] * xr[i] * r }
            }
            guard let dx else { continue }
            var dot: Float = 0
            for i in 0..<C { dot += d[i] * w[i] * xr[i] }
            let k = r * r * r * dot / Float(C)
            let g = dx + t * C
            for i in 0..<C { g[i] += r * d[i] * w[i] - k * xr[i] }
        }
    }
}

/// Rotary position embedding in Hugging Face's rotate-half form: within each head, element i pairs
/// with element i + headDim/2 and the pair turns by pos · theta^(−2i/headDim).
final class RopeTable: Sendable {
    let half: Int
    let positions: Int
    let cos: [Float]   // (positions, half)
    let sin: [Float]   // (positions, half)

    private struct Key: Hashable { let headDim: Int; let theta: Float; let positions: Int }
    private static let tables = Mutex<[Key: RopeTable]>([:])

    /// The table for `c`, computed once per (head size, theta, context length).
    static func shared(_ c: LlamaConfig) -> RopeTable {
        let key = Key(headDim: c.headDim, theta: c.ropeTheta, positions: c.contextLength)
        return tables.withLock { t in
            if let table = t[key] { return table }
            let table = RopeTable(headDim: c.headDim, theta: c.ropeTheta, positions: c.contextLength)
            t[key] = table
            return table
        }
    }

    init(headDim: Int, theta: Float, positions: Int) {
        half = headDim / 2
        self.positions = positions
        var c = [Float](repeating: 0, count: positions * half), s = c
        for i in 0..<half {
            // Float32 inverse frequency and angle, as the reference implementation computes them.
            let invFreq = 1 / Float(Foundation.pow(Double(theta), Double(2 * i) / Double(headDim)))
            for p in 0..<positions {
                let angle = Double(Float(p) * invFreq)
                c[p * half + i] = Float(Foundation.cos(angle))
                s[p * half + i] = Float(Foundation.sin(angle))
            }
        }
        cos = c
        sin = s
    }

    /// Rotates x (T, heads·headDim) in place, row t at position pos0 + t; `inverse` turns back
    /// (the backward of a rotation is its transpose).
    func rotate(_ x: UnsafeMutablePointer<Float>, rows T: Int, pos0: Int, heads: Int, inverse: Bool = false) {
        let hd = 2 * half, sign: Float = inverse ? -1 : 1
        cos.withUnsafeBufferPointer { cb in
            sin.withUnsafeBufferPointer { sb in
                for t in 0..<T {
                    let cr = cb.baseAddress! + (pos0 + t) * half, sr = sb.baseAddress! + (pos0 + t) * half
                    for h in 0..<heads {
                        let a = x + t * heads * hd + h * hd, b = a + half
                        for i in 0..<half {
                            let c = cr[i], s = sign * sr[i], x1 = a[i], x2 = b[i]
                            a[i] = x1 * c - x2 * s
                            b[i] = x2 * c + x1 * s
                        }
                    }
                }
            }
        }
    }
}

/// Causal grouped-query attention: query head h reads key/value head h / (H / KV).
struct AttentionShape {
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    var dim: Int { heads * headDim }
    var kvDim: Int { kvHeads * headDim }
    var group: Int { heads / kvHeads }
    var scale: Float { 1 / Float(headDim).squareRoot() }
}

enum Attention {
    /// Query row t sits at position pos0 + t and sees keys 0...pos0 + t.
    /// q (T, dim), keys and values (Tk, kvDim) → probs (H, T, Tk), out (T, dim).
    static func forward(_ s: AttentionShape, q: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                        values: UnsafePointer<Float>, rows T: Int, keys Tk: Int, pos0: Int,
                        probs: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        for h in 0..<s.heads {
            let g = h / s.group, p = probs + h * T * Tk
            // scores (T, Tk) = q_h k_gᵀ / sqrt(hd)
            gemm(transB: true, T, Tk, s.headDim, q + h * s.headDim, lda: s.dim, keys + g * s.headDim,
                 ldb: s.kvDim, p, ldc: Tk, alpha: s.scale)
            for t in 0..<T {
                let row = p + t * Tk, seen = pos0 + t + 1
                var m = -Float.infinity
                for j in 0..<seen { m = max(m, row[j]) }
                var sum: Float = 0
                for j in 0..<seen { let e = Foundation.exp(row[j] - m); row[j] = e; sum += e }
                let inv = 1 / sum
                for j in 0..<seen { row[j] *= inv }
                for j in seen..<Tk { row[j] = 0 }
            }
            // out_h (T, hd) = probs (T, Tk) v_g (Tk, hd)
            gemm(T, s.headDim, Tk, p, lda: Tk, values + g * s.headDim, ldb: s.kvDim,
                 out + h * s.headDim, ldc: s.dim)
        }
    }

    /// Backward of `forward` with pos0 = 0 and Tk = T. dq is overwritten; dk and dv are
    /// accumulated (several query heads share one key/value head). scratch: (T, T).
    static func backward(_ s: AttentionShape, dout: UnsafePointer<Float>, q: UnsafePointer<Float>,
                         keys: UnsafePointer<Float>, values: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                         rows T: Int, dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                         dv: UnsafeMutablePointer<Float>, scratch dp: UnsafeMutablePointer<Float>) {
        for h in 0..<s.heads {
            let g = h / s.group, p = probs + h * T * T
            let doh = dout + h * s.headDim, vg = values + g * s.headDim, kg = keys + g * s.headDim
            // out_h = p v_g  ⇒  dp = dout_h v_gᵀ,  dv_g += pᵀ dout_h
            gemm(transB: true, T, T, s.headDim, doh, lda: s.dim, vg, ldb: s.kvDim, dp, ldc: T)
            gemm(transA: true, T, s.headDim, T, p, lda: T, doh, ldb: s.dim, dv + g * s.headDim,
                 ldc: s.kvDim, beta: 1)
            // p = softmax(scores)  ⇒  dscores = p ⊙ (dp − Σ_j p dp), times the 1/sqrt(hd) of the scores
            for t in 0..<T {
                let pr = p + t * T, dr = dp + t * T
                var dot: Float = 0
                for j in 0...t { dot += pr[j] * dr[j] }
                for j in 0...t { dr[j] = pr[j] * (dr[j] - dot) * s.scale }
                for j in (t + 1)..<T { dr[j] = 0 }
            }
            // scores = q_h k_gᵀ  ⇒  dq_h = ds k_g,  dk_g += dsᵀ q_h
            gemm(T, s.headDim, T, dp, lda: T, kg, ldb: s.kvDim, dq + h * s.headDim, ldc: s.dim)
            gemm(transA: true, T, s.headDim, T, dp, lda: T, q + h * s.headDim, ldb: s.dim,
                 dk + g * s.headDim, ldc: s.kvDim, beta: 1)
        }
    }
}

/// act = silu(gate) ⊙ up, silu(g) = g·σ(g).
enum SwiGLU {
    static func forward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, act: UnsafeMutablePointer<Float>,
                        count n: Int) {
        for i in 0..<n {
            let g = gate[i]
            act[i] = g / (1 + Foundation.exp(-g)) * up[i]
        }
    }

    /// dgate = dact ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))),  dup = dact ⊙ silu(g)  (both overwritten).
    static func backward(dact: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                         dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n {
            let g = gate[i], sig = 1 / (1 + Foundation.exp(-g))
            dgate[i] = dact[i] * up[i] * sig * (1 + g * (1 - sig))
            dup[i] = dact[i] * g * sig
        }
    }
}
