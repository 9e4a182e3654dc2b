/// What to edit: make `prompt` continue with `target`. With `instruct`, the prompt is rendered with
/// a description of `task` (InstructEdit's `Task: …\nDescription: …\nInput: …`).
public struct EditRequest: Sendable, Equatable {
    public var prompt: String
    public var target: String
    public var task: String?
    public var instruct: Bool
    /// Draw the description from the held-out (unseen) ones.
    public var unseen: Bool
    /// A fixed description (0-based) instead of a seeded draw.
    public var descriptionIndex: Int?
    /// ConvSent placeholders.
    public var topic: String?
    public var sentiment: String?
    /// Rephrasings with the same target (meta-training's equivalence input; evaluation).
    public var rephrase: String?

    public init(prompt: String, target: String, task: String? = nil, instruct: Bool = false,
                unseen: Bool = false, descriptionIndex: Int? = nil, topic: String? = nil,
                sentiment: String? = nil, rephrase: String? = nil) {
        self.prompt = prompt; self.target = target; self.task = task; self.instruct = instruct
        self.unseen = unseen; self.descriptionIndex = descriptionIndex; self.topic = topic
        self.sentiment = sentiment; self.rephrase = rephrase
    }

    /// The text the model sees for `input` (the prompt or a rephrase): rendered with an instruction
    /// when `instruct` is set. The same seed gives the same description for prompt and rephrase.
    public func render(_ input: String, instructions: InstructionSet, seed: UInt64) throws -> String {
        guard instruct else { return input }
        guard let task else { throw InstructEditError("edit: 'instruct' needs a 'task' (one of \(instructions.tasks().joined(separator: ", ")))") }
        var rng = SeededRandom(seed: seed)
        return try instructions.render(task: task, prompt: input, unseen: unseen, index: descriptionIndex,
                                       topic: topic, sentiment: sentiment, using: &rng)
    }
}
