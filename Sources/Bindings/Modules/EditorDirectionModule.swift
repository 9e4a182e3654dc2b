import Core

/// `ed:direction(m, request [, weight])`: the editing direction of a MEND editor for one request,
/// the object of the paper's analysis of update directions (E6).
extension EditorModule {
    static func registerDirection(_ t: LuaTypeBuilder<LuaEditor>) {
        t.method("direction", signature: "ed:direction(m, request [, weight]) -> Tensor [out, in]",
                 summary: "The pseudo-gradient ∇̃W that a MEND editor computes for the request (a table as ed:edit takes, or a list of them) for one inner weight (by name; default: the last of ed.weights). The model is left as it was.",
                 example: "d = ed:direction(m, {prompt=\"The capital of France is\", target=\" Rome\", task=\"counterfact\"})") { ed, args in
            let m = try args.checkUserdata(2, LuaModel.self)
            let requests = try requests(args, 3)
            guard let mend = try ed.editor(for: m) as? MENDEditor else {
                throw InstructEditError("direction: needs a MEND editor; \(ed.method) computes no pseudo-gradient")
            }
            let names = mend.config.innerWeights.map(\.name)
            let name = try args.optString(4) ?? names[names.count - 1]
            let index = try mend.weightIndex(named: name)
            return [.object(TensorBox(try direction(mend, m.model, requests, weight: index)))]
        }
    }

    /// ∇̃W read off the edit itself: W̃ = W − α ∇̃W, so ∇̃W = (W − W̃) / α, with the edit undone
    /// before returning. (The capture of (u, δ) that `transform` needs is internal to Core; the
    /// edit is its public route, and costs the same.)
    static func direction(_ mend: MENDEditor, _ model: LanguageModel, _ requests: [EditRequest],
                          weight index: Int) throws -> Tensor {
        let alpha = mend.stepSizes[index]
        let inner = mend.config.innerWeights[index]
        guard alpha != 0 else {
            throw InstructEditError("direction: the step size of '\(inner.name)' is 0, so its edit shows no direction")
        }
        guard let param = model.weights.param(named: inner.name) else {
            throw InstructEditError("direction: the model has no weight '\(inner.name)'")
        }
        let before = Array(model.weights.buffer(param))
        let edit = try mend.edit(model, requests)
        var g = [Float](repeating: 0, count: before.count)
        let after = model.weights.buffer(param)
        let scale = 1 / alpha
        g.withUnsafeMutableBufferPointer { out in
            before.withUnsafeBufferPointer { b in
                for i in out.indices { out[i] = (b[i] - after[i]) * scale }
            }
        }
        try edit.undo()
        return Tensor(shape: [param.rows, param.cols], data: g)
    }
}
