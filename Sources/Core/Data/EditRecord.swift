/// One knowledge edit with everything needed to train on it and to evaluate it. Every data file
/// (KnowEdit, EasyEdit MEND-format ZsRE, ConvSent) loads into this one type; see `Datasets`.
///
/// Strings are trimmed of surrounding whitespace. Answers carry no leading space: whoever tokenizes
/// a prompt and an answer joins them with one space (`TeacherForcing.continuation`).
public struct EditRecord: Sendable, Equatable {
    /// Task key: "counterfact", "recent", "convsent" or "zsre" (the key the instructions use).
    public var task: String
    /// The edit input, e.g. "The name of the country of citizenship of Leonardo DiCaprio is".
    public var prompt: String
    /// The entity the edit is about (ConvSent: the topic).
    public var subject: String
    /// The new answer the edit should produce (ConvSent: one utterance of the wanted sentiment).
    public var target: String
    /// The old answer, where the file has one (KnowEdit recent and ConvSent have none).
    public var groundTruth: String?
    /// Rephrased edit inputs from the data, used for Generalization. Empty for training splits.
    public var rephrases: [String]
    /// The equivalence input for meta-training (same target as `prompt`), always set. In order of
    /// preference: the first rephrase; the prompt restated with the hand-written relation
    /// paraphrase of `relation_paraphrases.json`; a Subject_Aliasing portability prompt whose
    /// answers include the target; the prompt itself.
    public var equivalence: String
    /// Prompts whose answers the edit must not change (empty for ConvSent: see `convSent`).
    public var locality: [LocalityProbe]
    /// Prompts whose answers should follow from the edit.
    public var portability: [PortabilityProbe]
    /// Prompts of other records of the same split with the same relation template and another
    /// subject (`Neighbourhood`); their reference answer is the unedited model's own.
    public var neighbours: [String] = []
    /// ConvSent only: the sentiment edit and the utterances its metrics compare.
    public var convSent: ConvSentEdit?
    /// Where the record came from, e.g. "test_cf.json record 17" (0-based index in the JSON list).
    public var origin: String

    public init(task: String, prompt: String, subject: String, target: String,
                groundTruth: String? = nil, rephrases: [String] = [], equivalence: String? = nil,
                locality: [LocalityProbe] = [], portability: [PortabilityProbe] = [],
                convSent: ConvSentEdit? = nil, origin: String = "") {
        self.task = task
        self.prompt = prompt
        self.subject = subject
        self.target = target
        self.groundTruth = groundTruth
        self.rephrases = rephrases
        self.equivalence = equivalence ?? rephrases.first ?? prompt
        self.locality = locality
        self.portability = portability
        self.convSent = convSent
        self.origin = origin
    }
}

/// A prompt the edit should leave alone, with the unedited answer that is teacher-forced after it.
public struct LocalityProbe: Sendable, Equatable {
    public var prompt: String
    /// The canonical answer (first alias of the first answer in KnowEdit's alias lists).
    public var answer: String
    /// The data's category, e.g. "Relation_Specificity", "Forgetfulness", "NQ".
    public var kind: String

    public init(prompt: String, answer: String, kind: String) {
        self.prompt = prompt
        self.answer = answer
        self.kind = kind
    }
}

/// A prompt whose answer should change along with the edit.
public struct PortabilityProbe: Sendable, Equatable {
    public var prompt: String
    /// Acceptable answers, canonical first. KnowEdit's list of alias lists is flattened in order
    /// (all inner lists are alternatives), so `answers[0]` is the first alias of the first answer.
    public var answers: [String]
    /// The data's category: "Reasoning", "Subject_Aliasing", "Logical_Generalization", "One_Hop".
    public var kind: String

    public init(prompt: String, answers: [String], kind: String) {
        self.prompt = prompt
        self.answers = answers
        self.kind = kind
    }
}

public enum Sentiment: String, Sendable, Equatable, CaseIterable {
    case positive, negative

    public var opposite: Sentiment { self == .positive ? .negative : .positive }
}

/// A ConvSent edit: "make the model speak <sentiment>ly about <topic>".
public struct ConvSentEdit: Sendable, Equatable {
    public var topic: String
    public var sentiment: Sentiment
    /// All utterances of the wanted sentiment for the topic (the record's target is one of them).
    public var wanted: [String]
    /// All utterances of the opposite sentiment.
    public var opposite: [String]
    /// Another topic whose preferences the edit must not flip; nil when the file has no other topic.
    public var locality: ConvSentLocality?

    public init(topic: String, sentiment: Sentiment, wanted: [String], opposite: [String],
                locality: ConvSentLocality?) {
        self.topic = topic
        self.sentiment = sentiment
        self.wanted = wanted
        self.opposite = opposite
        self.locality = locality
    }
}

/// Another topic's question with its utterances, for the ConvSent locality metric.
public struct ConvSentLocality: Sendable, Equatable {
    public var topic: String
    public var prompt: String
    public var positive: [String]
    public var negative: [String]

    public init(topic: String, prompt: String, positive: [String], negative: [String]) {
        self.topic = topic
        self.prompt = prompt
        self.positive = positive
        self.negative = negative
    }
}
