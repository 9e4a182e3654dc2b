extension EvaluationOptions {
    /// The settings `eval.run`'s options table and `instructedit eval`'s flags share, by key.
    public enum Key: String, CodingKey, CaseIterable {
        case n, instruct, unseen, description, seed, alias, split
    }

    /// Overrides the settings present in `decoder`'s table, validating each.
    public mutating func update(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let n = try c.decodeIfPresent(Int.self, forKey: .n) {
            guard n >= 1 else { throw OptionError(path: [.field("n")], "positive integer expected, got \(n)") }
            self.n = n
        }
        instruct = try c.decodeIfPresent(Bool.self, forKey: .instruct) ?? instruct
        unseen = try c.decodeIfPresent(Bool.self, forKey: .unseen) ?? unseen
        if let d = try c.decodeIfPresent(Int.self, forKey: .description) {
            guard d >= 1 else { throw OptionError(path: [.field("description")], "index from 1 expected, got \(d)") }
            descriptionIndex = d - 1
        }
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        aliasChoice = try c.decodeIfPresent(Metrics.AliasChoice.self, forKey: .alias) ?? aliasChoice
        split = try c.decodeIfPresent(String.self, forKey: .split) ?? split
    }
}

extension Metrics.AliasChoice: OptionChoice {}
