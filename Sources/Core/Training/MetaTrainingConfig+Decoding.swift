extension MetaTrainingConfig {
    /// The settings `train.run`'s options table and `instructedit train`'s flags share: each key is a
    /// Lua field and, with `-` for `_`, a flag (`alpha_lr`, `--alpha-lr`). A test checks both surfaces.
    /// (The checkpoint metadata keeps the property names: resuming and loading old runs depend on it.)
    public enum Key: String, CodingKey, CaseIterable {
        case tasks, instruct, steps, accumulation, rank, lr, clip, patience, locality, seed
        case alphaLR = "alpha_lr", cEdit = "c_edit", cLoc = "c_loc", validateEvery = "validate_every"
        case validationSize = "validation_size", saveEvery = "save_every", trainLimit = "train_limit"
        case lrDecay = "lr_decay", initialEditor = "init", equivalence, editWeight = "edit_weight"
    }

    /// Overrides the settings present in `decoder`'s table (the rest keep their values).
    public mutating func update(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func value<T: Decodable>(_ key: Key, _ current: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? current }
        tasks = try value(.tasks, tasks)
        instruct = try value(.instruct, instruct)
        steps = try value(.steps, steps)
        accumulation = try value(.accumulation, accumulation)
        rank = try value(.rank, rank)
        editorLearningRate = try value(.lr, editorLearningRate)
        stepSizeLearningRate = try value(.alphaLR, stepSizeLearningRate)
        clip = try value(.clip, clip)
        cEdit = try value(.cEdit, cEdit)
        cLoc = try value(.cLoc, cLoc)
        validateEvery = try value(.validateEvery, validateEvery)
        validationSize = try value(.validationSize, validationSize)
        patience = try value(.patience, patience)
        saveEvery = try value(.saveEvery, saveEvery)
        if let limit = try c.decodeIfPresent(Int.self, forKey: .trainLimit) {
            guard limit >= 1 else { throw OptionError(path: [.field("train_limit")], "positive integer expected, got \(limit)") }
            trainLimit = limit
        }
        seed = try value(.seed, seed)
        lrDecay = try c.decodeIfPresent(LearningRateDecay.self, forKey: .lrDecay) ?? lrDecay
        initialEditor = try c.decodeIfPresent(String.self, forKey: .initialEditor) ?? initialEditor
        if let sources = try c.decodeIfPresent([LocalitySource].self, forKey: .locality) {
            guard !sources.isEmpty else { throw OptionError(path: [.field("locality")], "at least one source (own, neighbour, unrelated) is needed") }
            locality = sources
        }
        if let sources = try c.decodeIfPresent([EquivalenceSource].self, forKey: .equivalence) {
            guard !sources.isEmpty else { throw OptionError(path: [.field("equivalence")], "at least one source (rephrase, plain, edit) is needed") }
            // The default stays nil, so a run resumes from a checkpoint written before the setting.
            equivalence = sources == [.rephrase] ? nil : sources
        }
        if let weight = try c.decodeIfPresent(EditWeight.self, forKey: .editWeight) {
            editWeight = weight == .example ? nil : weight
        }
    }
}

extension MetaTrainingConfig.LocalitySource: OptionChoice {}
extension MetaTrainingConfig.LearningRateDecay: OptionChoice {}
extension MetaTrainingConfig.EquivalenceSource: OptionChoice {}
extension MetaTrainingConfig.EditWeight: OptionChoice {}
