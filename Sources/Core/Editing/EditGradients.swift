/// The per-row inputs u and output gradients δ of each inner weight, for the mean target NLL of a
/// batch of sequences (docs/MEND.md, "Applying an edit", steps 1-2). Rows of all sequences concatenate.
struct EditRows {
    var u: [[Float]]       // per target: [N, in]
    var delta: [[Float]]   // per target: [N, out]
    var rows: [Int]        // per target: N
    var loss: Float        // mean over sequences of each sequence's mean target NLL
}

enum EditGradients {
    /// Forward from the lowest inner block, loss on the target positions, backward with captures.
    /// `residuals` (optional, per sequence) are the residual streams entering `targets.lowestBlock`.
    static func capture(_ model: LanguageModel, targets: EditTargets, sequences: [TeacherForcing],
                        residuals: [[Float]]? = nil) throws -> EditRows {
        let w = model.network
        var out = EditRows(u: Array(repeating: [], count: targets.params.count),
                           delta: Array(repeating: [], count: targets.params.count),
                           rows: Array(repeating: 0, count: targets.params.count), loss: 0)
        let residuals = try residuals ?? model.lentResiduals(for: sequences.map(\.input), from: targets.lowestBlock)
        let scale = 1 / Float(sequences.count)
        let wanted = Set(targets.params)
        for (s, seq) in sequences.enumerated() {
            try Interrupt.check()
            let trace = try w.forward(tokens: seq.input, from: targets.lowestBlock, residual: residuals?[s])
            let logits = try w.logits(trace, positions: seq.positions)
            var (loss, dLogits) = try Loss.nll(logits: logits, vocab: w.vocabularySize, targets: seq.answer)
            out.loss += loss * scale
            for i in dLogits.indices { dLogits[i] *= scale }
            let caps = try w.backward(trace, positions: seq.positions, dLogits: dLogits, gradients: [:], captures: wanted)
            for (k, p) in targets.params.enumerated() {
                guard let c = caps[p] else { continue }
                out.u[k] += c.u
                out.delta[k] += c.delta
                out.rows[k] += c.u.count / p.cols
            }
        }
        return out
    }
}
