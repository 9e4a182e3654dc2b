/// Keys (after RoPE) and values of one layer for positions 0..<capacity: (capacity, kvDim) each.
struct LayerKV {
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
}

/// One decoder block:
///   xn = rmsnorm(x);  mid = x + o(attention(rope(q(xn)), rope(k(xn)), v(xn)))
///   xn' = rmsnorm(mid);  out = mid + down(silu(gate(xn')) ⊙ up(xn'))
enum LlamaBlock {
    static func shape(_ c: LlamaConfig) -> AttentionShape {
        AttentionShape(heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim)
    }

    /// Forward of block `l` over the T rows in `a.input`, at positions pos0..<pos0+T, writing the
    /// block's output to `out` (may be `a.input`). With a cache, the new keys and values are stored
    /// at rows pos0... and attention reads rows 0..<pos0+T of it; without, pos0 must be 0.
    static func forward(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, pos0: Int = 0,
                        cache: LayerKV? = nil, rope: RopeTable, out: UnsafeMutablePointer<Float>) {
        let c = w.config, p = w.layers[l], T = a.T, C = c.dim, kv = c.kvDim, F = c.ffn
        RMSNorm.forward(a.input.p, w.pointer(p.attnNorm), rows: T, dim: C, eps: c.normEps,
                        out: a.xnAttn.p, rstd: a.rstdAttn.p)
        Linear.forward(a.xnAttn.p, w.pointer(p.wq), rows: T, in: C, out: C, a.q.p)
        Linear.forward(a.xnAttn.p, w.pointer(p.wk), rows: T, in: C, out: kv, a.k.p)
        Linear.forward(a.xnAttn.p, w.pointer(p.wv), rows: T, in: C, out: kv, a.v.p)
        rope.rotate(a.q.p, rows: T, pos0: pos0, heads: c.heads)
        rope.rotate(a.k.p, rows: T, pos0: pos0, heads: c.kvHeads)
        var keys = a.k.p, values = a.v.p, Tk = T
        if let cache {
            (cache.keys + pos0 * kv).update(from: a.k.p, count: T * kv)
            (cache.values + pos0 * kv).update(from: a.v.p, count: T * kv)
            keys = cache.keys; values = cache.values; Tk = pos0 + T
        }
        Attention.forward(shape(c), q: a.q.p, keys: keys, values: values, rows: T, keys: Tk, pos0: pos0,
                          probs: a.probs.p, out: a.attnOut.p)
        a.mid.p.update(from: a.input.p, count: T * C)
        Linear.forward(a.attnOut.p, w.pointer(p.wo), rows: T, in: C, out: C, a.mid.p, beta: 1)

        RMSNorm.forward(a.mid.p, w.pointer(p.mlpNorm), rows: T, dim: C, eps: c.normEps,
                        out: a.xnMlp.p, rstd: a.rstdMlp.p)
        Linear.forward(a.xnMlp.p, w.pointer(p.wGate), rows: T, in: C, out: F, a.gate.p)
        Linear.forward(a.xnMlp.p, w.pointer(p.wUp), rows: T, in: C, out: F, a.up.p)
        SwiGLU.forward(gate: a.gate.p, up: a.up.p, act: a.act.p, count: T * F)
        out.update(from: a.mid.p, count: T * C)
        Linear.forward(a.act.p, w.pointer(p.wDown), rows: T, in: F, out: C, out, beta: 1)
    }

    /// Backward of block `l` (forward without cache). On entry `dres` holds dLoss/d(block output);
    /// on return, dLoss/d(block input) if the plan needs gradients below this block.
    static func backward(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, rope: RopeTable,
                         dres: UnsafeMutablePointer<Float>, work: LlamaBackwardWork,
                         plan: LlamaBackwardPlan, captured: inout [ParamRef: (u: [Float], delta: [Float])]) {
        let c = w.config, p = w.layers[l], T = a.T, C = c.dim, kv = c.kvDim, F = c.ffn

        // MLP: out = mid + down(act), act = silu(gate(xn')) ⊙ up(xn'), xn' = rmsnorm(mid)
        var below = plan.lowestStage < 2 * l + 1
        plan.record(p.wDown, u: a.act.p, delta: dres, rows: T, into: &captured)
        if let g = plan.gradients[p.wDown] { Linear.backwardWeight(dres, a.act.p, rows: T, in: F, out: C, g) }
        if below || plan.wants(p.wGate) || plan.wants(p.wUp) || plan.wants(p.mlpNorm) {
            Linear.backwardInput(dres, w.pointer(p.wDown), rows: T, in: F, out: C, work.dact.p)
            SwiGLU.backward(dact: work.dact.p, gate: a.gate.p, up: a.up.p, dgate: work.dgate.p,
                            dup: work.dup.p, count: T * F)
            plan.record(p.wGate, u: a.xnMlp.p, delta: work.dgate.p, rows: T, into: &captured)
            plan.record(p.wUp, u: a.xnMlp.p, delta: work.dup.p, rows: T, into: &captured)
            if let g = plan.gradients[p.wGate] {
                Linear.backwardWeight(work.dgate.p, a.xnMlp.p, rows: T, in: C, out: F, g)
            }
            if let g = plan.gradients[p.wUp] {
                Linear.backwardWeight(work.dup.p, a.xnMlp.p, rows: T, in: C, out: F, g)
            }
            if below || plan.wants(p.mlpNorm) {
                Linear.backwardInput(work.dgate.p, w.pointer(p.wGate), rows: T, in: C, out: F, work.dxn.p)
                Linear.backwardInput(work.dup.p, w.pointer(p.wUp), rows: T, in: C, out: F, work.dxn.p, beta: 1)
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
        work.dk.zero(); work.dv.zero()
        Attention.backward(shape(c), dout: work.dattn.p, q: a.q.p, keys: a.k.p, values: a.v.p,
                           probs: a.probs.p, rows: T, dq: work.dq.p, dk: work.dk.p, dv: work.dv.p,
                           scratch: work.dscores.p)
        rope.rotate(work.dq.p, rows: T, pos0: 0, heads: c.heads, inverse: true)
        rope.rotate(work.dk.p, rows: T, pos0: 0, heads: c.kvHeads, inverse: true)
        for (ref, d, n) in [(p.wq, work.dq.p, C), (p.wk, work.dk.p, kv), (p.wv, work.dv.p, kv)] {
            plan.record(ref, u: a.xnAttn.p, delta: d, rows: T, into: &captured)
            if let g = plan.gradients[ref] { Linear.backwardWeight(d, a.xnAttn.p, rows: T, in: C, out: n, g) }
        }
        guard below || plan.wants(p.attnNorm) else { return }
        Linear.backwardInput(work.dq.p, w.pointer(p.wq), rows: T, in: C, out: C, work.dxn.p)
        Linear.backwardInput(work.dk.p, w.pointer(p.wk), rows: T, in: C, out: kv, work.dxn.p, beta: 1)
        Linear.backwardInput(work.dv.p, w.pointer(p.wv), rows: T, in: C, out: kv, work.dxn.p, beta: 1)
        RMSNorm.backward(work.dxn.p, a.input.p, w.pointer(p.attnNorm), a.rstdAttn.p, rows: T, dim: C,
                         dx: below ? dres : nil, dw: plan.gradients[p.attnNorm])
    }
}

/// Gradient buffers of one backward over T rows, reused block to block.
final class LlamaBackwardWork {
    let dxn: FloatBuffer      // (T, C) gradient at a norm's output
    let dact: FloatBuffer     // (T, F)
    let dgate: FloatBuffer    // (T, F)
    let dup: FloatBuffer      // (T, F)
    let dattn: FloatBuffer    // (T, C) gradient at attnOut
    let dq: FloatBuffer       // (T, C)
    let dk: FloatBuffer       // (T, kvDim)
    let dv: FloatBuffer       // (T, kvDim)
    let dscores: FloatBuffer  // (T, T) one head at a time

    init(_ c: LlamaConfig, rows T: Int) {
        dxn = FloatBuffer(T * c.dim); dact = FloatBuffer(T * c.ffn); dgate = FloatBuffer(T * c.ffn)
        dup = FloatBuffer(T * c.ffn); dattn = FloatBuffer(T * c.dim); dq = FloatBuffer(T * c.dim)
        dk = FloatBuffer(T * c.kvDim); dv = FloatBuffer(T * c.kvDim); dscores = FloatBuffer(T * T)
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

    func record(_ p: ParamRef, u: UnsafePointer<Float>, delta: UnsafePointer<Float>, rows T: Int,
                into captured: inout [ParamRef: (u: [Float], delta: [Float])]) {
        guard captures.contains(p) else { return }
        captured[p] = (Array(UnsafeBufferPointer(start: u, count: T * p.cols)),
                       Array(UnsafeBufferPointer(start: delta, count: T * p.rows)))
    }
}
