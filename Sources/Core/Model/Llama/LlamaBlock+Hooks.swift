/// The block forward with hook points (`ActivationHooks`), for inference passes that have hooks.
/// It computes what `LlamaBlock.forward` computes, in the same order and with the same calls, so a
/// hook that changes nothing leaves every output bit the same; only the activations the hooks ask
/// for cost extra work (attn_out and mlp_out each one more product).
extension LlamaBlock {
    static func forward(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, pos0: Int = 0,
                        cache: LayerKV? = nil, rope: RopeTable, out: UnsafeMutablePointer<Float>,
                        hooks: ActivationHooks) throws {
        let c = w.config, p = w.layers[l], s = shape(c), T = a.T, C = c.dim, kv = c.kvDim, F = c.ffn
        func name(_ kind: ActivationName.Kind) -> ActivationName { ActivationName(layer: l, kind) }

        try hooks.visit(name(.residPre), a.input.p, shape: [T, C])
        RMSNorm.forward(a.input.p, w.pointer(p.attnNorm), rows: T, dim: C, eps: c.normEps,
                        out: a.xnAttn.p, rstd: a.rstdAttn.p)
        Linear.forward(a.xnAttn.p, w.pointer(p.wq), rows: T, in: C, out: s.qkvDim, a.qkv.p)
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
                          keys: Tk, pos0: pos0, probs: a.probs.p, out: a.attnOut.p)
        if try hooks.visit(name(.pattern), a.probs.p, shape: [c.heads, T, Tk]) {
            // A new pattern: mix the values with it (out_h = probs_h v_g), as Attention.forward does.
            for h in 0..<s.heads {
                gemm(T, s.headDim, Tk, a.probs.p + h * T * Tk, lda: Tk, values + (h / s.group) * s.headDim,
                     ldb: ldkv, a.attnOut.p + h * s.headDim, ldc: s.dim)
            }
        }
        a.mid.p.update(from: a.input.p, count: T * C)
        try add(name(.attnOut), a.attnOut.p, w.pointer(p.wo), in: C, rows: T, dim: C, to: a.mid.p,
                from: a.input.p, hooks: hooks)
        try hooks.visit(name(.residMid), a.mid.p, shape: [T, C])

        RMSNorm.forward(a.mid.p, w.pointer(p.mlpNorm), rows: T, dim: C, eps: c.normEps,
                        out: a.xnMlp.p, rstd: a.rstdMlp.p)
        Linear.forward(a.xnMlp.p, w.pointer(p.wGate), rows: T, in: C, out: 2 * F, a.gateUp.p)
        SwiGLU.forward(gateUp: a.gateUp.p, act: a.act.p, rows: T, ffn: F)
        out.update(from: a.mid.p, count: T * C)
        try add(name(.mlpOut), a.act.p, w.pointer(p.wDown), in: F, rows: T, dim: C, to: out,
                from: a.mid.p, hooks: hooks)
        try hooks.visit(name(.residPost), out, shape: [T, C])
    }

    /// residual (holding `base`) += x Wᵀ, the product added in place as the plain forward does. When
    /// the hooks want the product on its own it is computed apart as well, and if they change it
    /// the residual becomes base + the changed product.
    private static func add(_ name: ActivationName, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                            in n: Int, rows T: Int, dim C: Int, to residual: UnsafeMutablePointer<Float>,
                            from base: UnsafePointer<Float>, hooks: ActivationHooks) throws {
        Linear.forward(x, weight, rows: T, in: n, out: C, residual, beta: 1)
        guard hooks.wants(name) else { return }
        let product = FloatBuffer(T * C)
        Linear.forward(x, weight, rows: T, in: n, out: C, product.p)
        guard try hooks.visit(name, product.p, shape: [T, C]) else { return }
        for i in 0..<(T * C) { residual[i] = base[i] + product.p[i] }
    }
}
