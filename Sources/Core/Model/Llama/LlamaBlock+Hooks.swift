/// The block forward with hook points (`ActivationHooks`), for inference passes that have hooks.
/// It computes what `LlamaBlock.forward` computes, in the same order and with the same calls, so a
/// hook that changes nothing leaves every output bit the same; only the activations the hooks ask
/// for cost extra work (attn_out and mlp_out each one more product; the pattern, a (heads, T, keys)
/// buffer that attention otherwise never fills).
extension LlamaBlock {
    static func forward(_ w: LlamaWeights, layer l: Int, _ a: LlamaBlockActivations, pos0: Int = 0,
                        cache: LayerKV? = nil, rope: RopeTable, out: UnsafeMutablePointer<Float>,
                        hooks: ActivationHooks) throws {
        let c = w.config, p = w.layers[l], s = shape(c), T = a.T, C = c.dim, F = c.ffn
        func name(_ kind: ActivationName.Kind) -> ActivationName { ActivationName(layer: l, kind) }

        try hooks.visit(name(.residPre), a.input.p, shape: [T, C])
        let pattern = hooks.wants(name(.pattern))
        let (values, ldv, Tk) = attend(w, layer: l, a, pos0: pos0, cache: cache, rope: rope,
                                       keepProbs: a.keepProbs || pattern)
        if pattern, try hooks.visit(name(.pattern), a.probs.p, shape: [c.heads, T, Tk]) {
            // A new pattern: mix the values with it (out_h = probs_h v_g), as Attention.forward does.
            for h in 0..<s.heads {
                gemm(T, s.headDim, Tk, a.probs.p + h * T * Tk, lda: Tk, values + (h / s.group) * s.headDim,
                     ldb: ldv, a.attnOut.p + h * s.headDim, ldc: s.dim)
            }
        }
        a.mid.p.update(from: a.input.p, count: T * C)
        try add(name(.attnOut), a.attnOut.p, w.pointer(p.wo), in: C, rows: T, dim: C, to: a.mid.p,
                from: a.input.p, hooks: hooks)
        try hooks.visit(name(.residMid), a.mid.p, shape: [T, C])

        mlpActivation(w, layer: l, a)
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
