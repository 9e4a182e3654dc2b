import CKernels
import Dispatch
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
            // In index order, not sdot: BLAS's kernel (and so the sum's bits) depends on the CPU.
            var squares: Float = 0
            for i in 0..<C { squares += xr[i] * xr[i] }
            let r = 1 / (squares / Float(C) + eps).squareRoot()
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

    /// Rotates the first heads·headDim values of each of T rows (`stride` apart) in place, row t
    /// at position pos0 + t; `inverse` turns back (the backward of a rotation is its transpose).
    func rotate(_ x: UnsafeMutablePointer<Float>, rows T: Int, stride: Int, pos0: Int, heads: Int,
                inverse: Bool = false) {
        let hd = 2 * half, sign: Float = inverse ? -1 : 1
        cos.withUnsafeBufferPointer { cb in
            sin.withUnsafeBufferPointer { sb in
                for t in 0..<T {
                    let cr = cb.baseAddress! + (pos0 + t) * half, sr = sb.baseAddress! + (pos0 + t) * half
                    for h in 0..<heads {
                        let a = x + t * stride + h * hd, b = a + half
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
    /// Width of a fused q | k | v row.
    var qkvDim: Int { dim + 2 * kvDim }
    var group: Int { heads / kvHeads }
    var scale: Float { 1 / Float(headDim).squareRoot() }
}

enum Attention {
    /// Query rows per block. A block attends to the keys its last row sees, so the masked half is
    /// skipped to within one block, and the scores of a block ((group · blockRows, keys) floats)
    /// are all the scratch a thread needs, which keeps memory linear in the sequence length.
    static let blockRows = 32
    /// Below this many multiply-adds one thread is faster than waking a second.
    static let parallelWork = 1 << 20

    /// Query row t sits at position pos0 + t and sees keys 0...pos0 + t.
    /// q (T, dim) rows `ldq` apart; keys and values (Tk, kvDim) rows `ldkv` apart → out (T, dim), and
    /// the probabilities (H, T, Tk) into `probs` when given (zero above the diagonal).
    ///
    /// The query heads that share a key/value head go through one product together: for each row t
    /// their q vectors are adjacent, so a block of rows packs into a (group · rows, headDim) matrix.
    /// The blocks (one key/value head × one block of rows) are independent and shared among the
    /// cores; their products are the C kernels' (`ie_linear_forward_ldw`, `ie_attend_values`),
    /// which, unlike many small sgemm calls, leave no BLAS threads spinning beside them.
    static func forward(_ s: AttentionShape, q: UnsafePointer<Float>, ldq: Int, keys: UnsafePointer<Float>,
                        values: UnsafePointer<Float>, ldkv: Int, rows T: Int, keys Tk: Int, pos0: Int,
                        probs: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let B = min(T, blockRows), blocks = (T + B - 1) / B, items = s.kvHeads * blocks
        // multiply-adds of the two products: the (T, pos0 + T) rectangle less about its masked half
        let work = 2 * s.heads * T * (pos0 + (T + 1) / 2) * s.headDim
        let parts = work < parallelWork ? 1 : min(Linear.threads, items)
        let args = UncheckedSendable((q, keys, values, probs, out))  // each block writes its own rows and columns
        let run: @Sendable (Int) -> Void = { part in
            let (q, keys, values, probs, out) = args.value
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: s.group * B * Tk)
            let packed = UnsafeMutablePointer<Float>.allocate(capacity: s.group * B * s.headDim)
            defer { scores.deallocate(); packed.deallocate() }
            // interleaved, since later blocks see more keys
            for item in stride(from: part, to: items, by: parts) {
                block(s, g: item / blocks, t0: item % blocks * B, B: B, q: q, ldq: ldq, keys: keys, values: values,
                      ldkv: ldkv, rows: T, keys: Tk, pos0: pos0, probs: probs, out: out, scores: scores, packed: packed)
            }
        }
        if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
    }

    /// Query rows t0..<t0 + B (fewer at the end) of the query heads of key/value head g; scores
    /// (group · B, Tk) and packed (group · B, headDim) are scratch.
    private static func block(_ s: AttentionShape, g: Int, t0: Int, B: Int, q: UnsafePointer<Float>, ldq: Int,
                              keys: UnsafePointer<Float>, values: UnsafePointer<Float>, ldkv: Int, rows T: Int,
                              keys Tk: Int, pos0: Int, probs: UnsafeMutablePointer<Float>?,
                              out: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
                              packed: UnsafeMutablePointer<Float>) {
        let G = s.group, hd = s.headDim, width = G * hd
        let t1 = min(T, t0 + B), rows = (t1 - t0) * G, seen = pos0 + t1
        // packed row (t − t0)·G + i is query head g·G + i of row t
        for t in t0..<t1 { (packed + (t - t0) * width).update(from: q + t * ldq + g * width, count: width) }
        // scores (rows, seen) = q kᵀ, then a softmax of scores / sqrt(hd) over the keys each row sees
        ie_linear_forward_ldw(packed, Int32(rows), Int32(hd), Int32(hd), keys + g * hd, Int32(ldkv), 0, Int32(seen),
                              scores, Int32(seen), 0)
        for r in 0..<rows {
            let t = t0 + r / G, row = scores + r * seen
            ie_softmax(row, Int32(pos0 + t + 1), Int32(seen), s.scale)
            if let probs {
                let dst = probs + ((g * G + r % G) * T + t) * Tk
                dst.update(from: row, count: seen)
                (dst + seen).update(repeating: 0, count: Tk - seen)
            }
        }
        // out (rows, hd) = probs v over the keys each row sees, back to the heads' columns
        ie_attend_values(scores, Int32(rows), Int32(seen), Int32(pos0 + t0 + 1), Int32(G), values + g * hd, Int32(ldkv),
                         Int32(hd), packed, Int32(hd))
        for t in t0..<t1 { (out + t * s.dim + g * width).update(from: packed + (t - t0) * width, count: width) }
    }

    /// Backward of `forward` with pos0 = 0 and Tk = T, q | k | v fused in rows of `qkv` (T, QKV).
    /// Writes dq and accumulates dk, dv (query heads share key/value heads) into `dqkv`, same layout.
    /// scratch: (T, T).
    static func backward(_ s: AttentionShape, dout: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
                         probs: UnsafePointer<Float>, rows T: Int, dqkv: UnsafeMutablePointer<Float>,
                         scratch dp: UnsafeMutablePointer<Float>) {
        let ld = s.qkvDim, kOffset = s.dim, vOffset = s.dim + s.kvDim, hd = s.headDim
        for h in 0..<s.heads {
            let g = h / s.group, p = probs + h * T * T, doh = dout + h * s.headDim
            let q = h * s.headDim, k = kOffset + g * s.headDim, v = vOffset + g * s.headDim
            // out_h = p v_g  ⇒  dp = dout_h v_gᵀ,  dv_g += pᵀ dout_h (our kernels: the same bits on every CPU)
            ie_linear_forward_ldw(doh, Int32(T), Int32(hd), Int32(s.dim), qkv + v, Int32(ld), 0, Int32(T), dp, Int32(T), 0)
            ie_linear_backward_weight(p, Int32(T), doh, Int32(s.dim), Int32(T), Int32(hd), 0, Int32(T), dqkv + v, Int32(ld))
            // p = softmax(scores)  ⇒  dscores = p ⊙ (dp − Σ_j p dp), times the 1/sqrt(hd) of the scores
            for t in 0..<T {
                let pr = p + t * T, dr = dp + t * T
                var dot: Float = 0
                for j in 0...t { dot += pr[j] * dr[j] }
                for j in 0...t { dr[j] = pr[j] * (dr[j] - dot) * s.scale }
                for j in (t + 1)..<T { dr[j] = 0 }
            }
            // scores = q_h k_gᵀ  ⇒  dq_h = ds k_g,  dk_g += dsᵀ q_h
            ie_linear_backward_input(dp, Int32(T), Int32(T), Int32(T), qkv + k, Int32(ld), 0, Int32(hd), dqkv + q, Int32(ld), 0)
            ie_linear_backward_weight(dp, Int32(T), qkv + q, Int32(ld), Int32(T), Int32(hd), 0, Int32(T), dqkv + k, Int32(ld))
        }
    }
}

/// act = silu(gate) ⊙ up, silu(g) = g·σ(g), over rows of gate | up (T, 2F).
enum SwiGLU {
    static func forward(gateUp: UnsafePointer<Float>, act: UnsafeMutablePointer<Float>, rows T: Int, ffn F: Int) {
        for t in 0..<T {
            let gate = gateUp + t * 2 * F
            ie_swiglu_forward(gate, gate + F, act + t * F, Int32(F))
        }
    }

    /// dgate = dact ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))),  dup = dact ⊙ silu(g), into rows of
    /// dgate | dup (T, 2F) (overwritten).
    static func backward(dact: UnsafePointer<Float>, gateUp: UnsafePointer<Float>,
                         dgateUp: UnsafeMutablePointer<Float>, rows T: Int, ffn F: Int) {
        for t in 0..<T {
            let gate = gateUp + t * 2 * F, dgate = dgateUp + t * 2 * F
            ie_swiglu_backward(dact + t * F, gate, gate + F, dgate, dgate + F, Int32(F))
        }
    }
}
