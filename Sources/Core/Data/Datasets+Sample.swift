extension Datasets {
    /// The records an evaluation uses: split `split` of `task`, shuffled with `seed`, the first `n`
    /// (all when nil). The one place both `eval.run` and `instructedit eval` sample test records.
    public static func sample(task: String, split: String = "test", seed: UInt64, n: Int?) throws -> [EditRecord] {
        var records = try load(task: task, split: split).records
        var rng = SeededRandom(seed: seed)
        records.shuffle(using: &rng)
        return Array(records.prefix(n ?? records.count))
    }
}
