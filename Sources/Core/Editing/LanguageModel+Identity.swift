extension LanguageModel {
    /// What an editor checkpoint records about the model it belongs to: its name and a fingerprint
    /// of its shape and of its inner weights' values, so an editor is never applied to another model.
    public var editorIdentity: EditorCheckpoint.ModelIdentity {
        let c = config
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a over sampled weight bits
        for p in weights.layers.suffix(3).flatMap({ [$0.wGate, $0.wUp, $0.wDown] }) + [weights.tokenEmbedding] {
            let b = weights.buffer(p)
            for i in stride(from: 0, to: b.count, by: max(1, b.count / 4096)) {
                hash = (hash ^ UInt64(b[i].bitPattern)) &* 0x100_0000_01b3
            }
        }
        let shape = "\(c.arch) L\(c.layers) d\(c.dim) h\(c.heads)/\(c.kvHeads) ffn\(c.ffn) V\(c.vocab)"
        return .init(name: name, fingerprint: shape + " " + String(hash, radix: 16))
    }
}
