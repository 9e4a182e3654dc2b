/// Keys (after RoPE) and values of one layer for positions 0..<capacity: (capacity, kvDim) each.
struct LayerKV {
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
}

/// One decoder block:
///   xn = rmsnorm(x);  mid = x + o(attention(rope(q(xn)), rope(k(xn)), v(xn)))
///   xn' = rmsnorm(mid);  out = mid + down(silu(gate(xn')) ⊙ up(xn'))
/// The q, k, v rows of the parameter slab are adjacent, and so are gate and up (`LlamaWeights`
/// lays them out in that order; `hasFusedLayout` checks it), so each pair or triple is one
/// (rows, dim) matrix and one BLAS call.
enum LlamaBlock {
    static func shape(_ c: LlamaConfig) -> AttentionShape {
        AttentionShape(heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim)
    }

    static func hasFusedLayout(_ w: LlamaWeights) -> Bool {
        w.layers.allSatisfy { p in
            p.wk.offset == p.wq.offset + p.wq.count && p.wv.offset == p.wk.offset + p.wk.count
                && p.wUp.offset == p.wGate.offset + p.wGate.count
        }
    }

    /// Forward of block `l` over the T rows in `a.input`, at positions pos0..<pos0+T, writing the
    /// block's output to `out` (may be `a.input`). With a cache, the new keys and values are stored
    /// at rows pos0... and attention reads rows 0..<pos0+T of it; without, pos0 must be 0.
    static func forward(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, pos0: Int = 0,
                        cache: LayerKV? = nil, rope: RopeTable, out: UnsafeMutablePointer<Float>) {
        let c = w.config, p = w.layers[l], T = a.T, C = c.dim
        attend(w, layer: l, a, pos0: pos0, cache: cache, rope: rope)
        a.mid.p.update(from: a.input.p, count: T * C)
        w.product([p.wo], a.attnOut.p, rows: T, a.mid.p, beta: 1)
        mlpActivation(w, layer: l, a)
        out.update(from: a.mid.p, count: T * C)
        w.product([p.wDown], a.act.p, rows: T, out, beta: 1)
    }

    /// The attention stage up to its output before `o`: norm, q/k/v, RoPE, the cache, and
    /// attention into `a.attnOut` (probabilities in `a.probs` when `keepProbs`, by default
    /// `a.keepProbs`). Returns where the values are and how many keys were attended, which a hook
    /// that replaces the pattern needs.
    @discardableResult
    static func attend(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, pos0: Int,
                       cache: LayerKV?, rope: RopeTable, keepProbs: Bool? = nil)
        -> (values: UnsafeMutablePointer<Float>, ldv: Int, keys: Int) {
        let c = w.config, p = w.layers[l], s = shape(c), T = a.T, C = c.dim, kv = c.kvDim
        RMSNorm.forward(a.input.p, w.pointer(p.attnNorm), rows: T, dim: C, eps: c.normEps,
                        out: a.xnAttn.p, rstd: a.rstdAttn.p)
        w.product([p.wq, p.wk, p.wv], a.xnAttn.p, rows: T, a.qkv.p)
        rope.rotate(a.qkv.p, rows: T, stride: s.qkvDim, pos0: pos0, heads: c.heads)
        rope.rotate(a.qkv.p + C, rows: T, stride: s.qkvDim, pos0: pos0, heads: c.kvHeads)
        var keys = a.qkv.p + C, values = a.qkv.p + C + kv, ldkv = s.qkvDim, Tk = T
        if let cache {
            for t in 0..<T {
                (cache.keys + (pos0 + t) * kv).update(from: keys + t * s.qkvDim, count: kv)
                (cache.values + (pos0 + t) * kv).update(from: values + t * s.qkvDim, count: kv)
            }
            keys = cache.keys; values = cache.values; ldkv = kv; Tk = pos0 + T
        }
        Attention.forward(s, q: a.qkv.p, ldq: s.qkvDim, keys: keys, values: values, ldkv: ldkv, rows: T,
                          keys: Tk, pos0: pos0, probs: (keepProbs ?? a.keepProbs) ? a.probs.p : nil, out: a.attnOut.p)
        return (values, ldkv, Tk)
    }

    /// The MLP stage up to the input of `down`: norm of `a.mid`, gate/up, SwiGLU into `a.act`.
    static func mlpActivation(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations) {
        let c = w.config, p = w.layers[l], T = a.T, C = c.dim, F = c.ffn
        RMSNorm.forward(a.mid.p, w.pointer(p.mlpNorm), rows: T, dim: C, eps: c.normEps,
                        out: a.xnMlp.p, rstd: a.rstdMlp.p)
        w.product([p.wGate, p.wUp], a.xnMlp.p, rows: T, a.gateUp.p)
        SwiGLU.forward(gateUp: a.gateUp.p, act: a.act.p, rows: T, ffn: F)
    }

    /// Backward of block `l` (forward without cache). On entry `dres` holds dLoss/d(block output);
    /// on return, dLoss/d(block input) if the plan needs gradients below this block.
    static func backward(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, rope: RopeTable,
                         dres: UnsafeMutablePointer<Float>, work: LlamaBackwardWork,
                         plan: LlamaBackwardPlan, captured: inout [ParamRef: (u: [Float], delta: [Float])]) {
        let c = w.config, p = w.layers[l], s = shape(c), T = a.T, C = c.dim, kv = c.kvDim, F = c.ffn

        // MLP: out = mid + down(act), act = silu(gate(xn')) ⊙ up(xn'), xn' = rmsnorm(mid)
        var below = plan.lowestStage < 2 * l + 1
        plan.record(p.wDown, u: a.act.p, delta: dres, rows: T, into: &captured)
        if let g = plan.gradients[p.wDown] { Linear.backwardWeight(dres, a.act.p, rows: T, in: F, out: C, g) }
        if below || [p.wGate, p.wUp, p.mlpNorm].contains(where: plan.wants) {
            Linear.backwardInput(dres, w.pointer(p.wDown), rows: T, in: F, out: C, work.dact.p)
            SwiGLU.backward(dact: work.dact.p, gateUp: a.gateUp.p, dgateUp: work.dgateUp.p, rows: T, ffn: F)
            for (ref, d) in [(p.wGate, work.dgateUp.p), (p.wUp, work.dgateUp.p + F)] {
                plan.record(ref, u: a.xnMlp.p, delta: d, ldDelta: 2 * F, rows: T, into: &captured)
                if let g = plan.gradients[ref] {
                    Linear.backwardWeight(d, ldy: 2 * F, a.xnMlp.p, rows: T, in: C, out: F, g)
                }
            }
            if below || plan.wants(p.mlpNorm) {
                Linear.backwardInput(work.dgateUp.p, w.pointer(p.wGate), rows: T, in: C, out: 2 * F, work.dxn.p)
                RMSNorm.backward(work.dxn.p, a.mid.p, w.pointer(p.mlpNorm), a.rstdMlp.p, rows: T, dim: C,
                                 dx: below ? dres : nil, dw: plan.gradients[p.mlpNorm])
            }
        }
        guard below else { return }

        // Attention: mid = x + o(attnOut), attnOut = attention(rope(q(xn)), rope(k(xn)), v(xn)), xn = rmsnorm(x)
        below = plan.lowestStage < 2 * l
        plan.record(p.wo, u: a.attnOut.p, delta: dres, rows: T, into: &captured)
        if let g = plan.gradients[p.wo] { Linear.backwardWeight(dres, a.attnOut.p, rows: T, in: C, out: C, g) }
        guard below || [p.wq, p.wk, p.wv, p.attnNorm].contains(where: plan.wants) else { return }
        Linear.backwardInput(dres, w.pointer(p.wo), rows: T, in: C, out: C, work.dattn.p)
        work.dqkv.zero()
        Attention.backward(s, dout: work.dattn.p, qkv: a.qkv.p, probs: a.probs.p, rows: T, dqkv: work.dqkv.p,
                           scratch: work.dscores.p)
        rope.rotate(work.dqkv.p, rows: T, stride: s.qkvDim, pos0: 0, heads: c.heads, inverse: true)
        rope.rotate(work.dqkv.p + C, rows: T, stride: s.qkvDim, pos0: 0, heads: c.kvHeads, inverse: true)
        for (ref, offset, n) in [(p.wq, 0, C), (p.wk, C, kv), (p.wv, C + kv, kv)] {
            let d = work.dqkv.p + offset
            plan.record(ref, u: a.xnAttn.p, delta: d, ldDelta: s.qkvDim, rows: T, into: &captured)
            if let g = plan.gradients[ref] {
                Linear.backwardWeight(d, ldy: s.qkvDim, a.xnAttn.p, rows: T, in: C, out: n, g)
            }
        }
        guard below || plan.wants(p.attnNorm) else { return }
        Linear.backwardInput(work.dqkv.p, w.pointer(p.wq), rows: T, in: C, out: s.qkvDim, work.dxn.p)
        RMSNorm.backward(work.dxn.p, a.input.p, w.pointer(p.attnNorm), a.rstdAttn.p, rows: T, dim: C,
                         dx: below ? dres : nil, dw: plan.gradients[p.attnNorm])
    }
}

/// Gradient buffers of one backward over T rows, reused block to block.
final class LlamaBackwardWork {
    let dxn: FloatBuffer      // (T, C) gradient at a norm's output
    let dact: FloatBuffer     // (T, F)
    let dgateUp: FloatBuffer  // (T, 2F) dgate | dup
    let dattn: FloatBuffer    // (T, C) gradient at attnOut
    let dqkv: FloatBuffer     // (T, QKV) dq | dk | dv
    let dscores: FloatBuffer  // (T, T) one head at a time

    init(_ c: LlamaConfig, rows T: Int) {
        dxn = FloatBuffer(T * c.dim); dact = FloatBuffer(T * c.ffn); dgateUp = FloatBuffer(T * 2 * c.ffn)
        dattn = FloatBuffer(T * c.dim); dqkv = FloatBuffer(T * (c.dim + 2 * c.kvDim)); dscores = FloatBuffer(T * T)
    }
}

/// What a backward must produce: gradient buffers, captured (u, δ) rows, and how deep to go.
/// Stages count upward: block l's attention is 2l, its MLP 2l + 1, the residual entering block
/// `start` 2·start − 1. The backward computes an input gradient for a stage only when a stage
/// below it needs one.
struct LlamaBackwardPlan {
    let gradients: [ParamRef: UnsafeMutablePointer<Float>]
    let captures: Set<ParamRef>
    let lowestStage: Int

    func wants(_ p: ParamRef) -> Bool { gradients[p] != nil || captures.contains(p) }

    /// Keeps u (T, in) and δ (T, out) of `p` if it is captured; δ's rows are `ldDelta` apart.
    func record(_ p: ParamRef, u: UnsafePointer<Float>, delta: UnsafePointer<Float>, ldDelta: Int? = nil,
                rows T: Int, into captured: inout [ParamRef: (u: [Float], delta: [Float])]) {
        guard captures.contains(p) else { return }
        let ld = ldDelta ?? p.rows
        var d = [Float](repeating: 0, count: T * p.rows)
        for t in 0..<T {
            for i in 0..<p.rows { d[t * p.rows + i] = delta[t * ld + i] }
        }
        captured[p] = (Array(UnsafeBufferPointer(start: u, count: T * p.cols)), d)
    }
}
