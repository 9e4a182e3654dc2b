import Foundation

/// A meta-training run: which tasks, with or without instructions, and the schedule. The defaults
/// are the recipe of the shipped editors (`Scripts/recipe.sh`; why each value: RESULTS.md).
public struct MetaTrainingConfig: Codable, Sendable, Equatable {
    public var tasks: [String] = ["counterfact", "recent", "convsent"]
    public var instruct = true
    /// Optimiser steps at most (early stopping may end sooner).
    public var steps = 1250
    /// Edits whose gradients are accumulated into one optimiser step.
    public var accumulation = 2
    public var editorLearningRate: Float = 1e-4
    public var stepSizeLearningRate: Float = 1e-5
    public var clip: Float = 100
    /// Validate every this many steps, on `validationSize` records per task.
    public var validateEvery = 50
    public var validationSize = 10
    /// Stop after this many validations without improvement.
    public var patience = 100
    /// Write the resume checkpoint every this many steps (kill -9 loses at most this many).
    public var saveEvery = 25
    public var rank = 128
    public var cEdit: Float = 1
    public var cLoc: Float = 5
    /// Records per task in the training pool (nil: all).
    public var trainLimit: Int?
    public var seed: UInt64 = 0
    /// The locality inputs of each example, whose KL to the unedited model L_loc averages.
    public var locality: [LocalitySource] = [.own, .neighbour, .unrelated]
    /// The equivalence inputs of each example, whose target NLL L_edit averages (nil: `[.rephrase]`;
    /// optional so that checkpoints written before the setting existed still decode).
    public var equivalence: [EquivalenceSource]?
    /// How each example's L_edit is weighted (nil: `.example`; optional for the same reason).
    public var editWeight: EditWeight?
    /// How both learning rates fall over the run (nil: they stay constant).
    public var lrDecay: LearningRateDecay?
    /// An editor checkpoint (or a shipped editor's name) whose networks, step sizes and
    /// normalisation statistics the run starts from, with a fresh optimiser (nil: a new editor).
    public var initialEditor: String?

    /// A learning-rate schedule over the run's `steps`.
    public enum LearningRateDecay: String, Codable, Sendable, CaseIterable {
        /// lr·(1 − s/steps) at step s (counted from 0): the last step uses lr/steps.
        case linear
        /// lr·½(1 + cos(π·s/steps)).
        case cosine

        /// The factor on the learning rates at optimiser step `step` (from 0) of `steps`.
        public func factor(step: Int, of steps: Int) -> Float {
            let x = Double(min(max(step, 0), steps)) / Double(max(steps, 1))
            switch self {
            case .linear: return Float(1 - x)
            case .cosine: return Float(0.5 * (1 + cos(Double.pi * x)))
            }
        }
    }

    /// Where a training example's locality inputs come from.
    public enum LocalitySource: String, Codable, Sendable, CaseIterable {
        /// The record's own locality probe (KnowEdit: the same subject, another relation).
        case own
        /// A same-relation neighbour's prompt (`EditRecord.neighbours`): another subject.
        case neighbour
        /// Another training record's locality probe, drawn at random.
        case unrelated

        /// Parses "own,neighbour,unrelated".
        public static func list(_ text: String) throws -> [LocalitySource] {
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let list = try parts.map { p in
                guard let s = LocalitySource(rawValue: p) else {
                    throw InstructEditError("unknown locality source '\(p)' (own, neighbour, unrelated)")
                }
                return s
            }
            guard !list.isEmpty else { throw InstructEditError("locality: at least one source (own, neighbour, unrelated) is needed") }
            return list
        }
    }

    /// Where a training example's equivalence inputs come from.
    public enum EquivalenceSource: String, Codable, Sendable, CaseIterable {
        /// The record's rephrase, rendered as the run renders every input (with its instruction
        /// when `instruct`).
        case rephrase
        /// The same rephrase without the instruction: the edit must also hold for a plain question.
        case plain
        /// The edit input itself, as Reliability scores it: the edited model must give the target on
        /// the very prompt it was edited with, not only on its rephrase.
        case edit
    }

    /// How much one example's L_edit (the mean NLL over its target tokens) counts.
    public enum EditWeight: String, Codable, Sendable, CaseIterable {
        /// Every example the same.
        case example
        /// In proportion to its target's length in tokens, over the mean length of its task's
        /// training targets: every target token of a task counts the same, so long answers (where
        /// the misses are) weigh more, and each task's total weight is unchanged.
        case token
    }

    /// `editWeight` with its default filled in.
    public var editWeighting: EditWeight { editWeight ?? .example }

    /// `equivalence` with its default filled in.
    public var equivalenceSources: [EquivalenceSource] { equivalence ?? [.rephrase] }

    public init() {}

    /// Checks every setting; the trainer calls it, and the command line before loading the model.
    public func validate() throws {
        guard !tasks.isEmpty else { throw InstructEditError("train: 'tasks' is empty") }
        for t in tasks where !["counterfact", "recent", "convsent", "zsre"].contains(t) {
            throw InstructEditError("train: unknown task '\(t)' (counterfact, recent, convsent, zsre)")
        }
        for (name, v) in [("steps", steps), ("accumulation", accumulation), ("validate_every", validateEvery),
                          ("validation_size", validationSize), ("save_every", saveEvery), ("rank", rank), ("patience", patience)] where v < 1 {
            throw InstructEditError("train: '\(name)' must be at least 1, got \(v)")
        }
        for (name, v) in [("lr", editorLearningRate), ("alpha_lr", stepSizeLearningRate), ("clip", clip)] where !(v > 0 && v.isFinite) {
            throw InstructEditError("train: '\(name)' must be a positive number, got \(v)")
        }
        for (name, v) in [("c_edit", cEdit), ("c_loc", cLoc)] where !(v >= 0 && v.isFinite) {
            throw InstructEditError("train: '\(name)' must be a finite number >= 0, got \(v)")
        }
        guard cEdit > 0 else { throw InstructEditError("train: 'c_edit' must be above 0: without the edit term there is nothing to learn") }
        guard !locality.isEmpty else { throw InstructEditError("train: 'locality' needs at least one source (own, neighbour, unrelated)") }
        guard !equivalenceSources.isEmpty else { throw InstructEditError("train: 'equivalence' needs at least one source (rephrase, plain, edit)") }
        guard Set(equivalenceSources).count == equivalenceSources.count else {
            throw InstructEditError("train: 'equivalence' lists a source twice")
        }
        if !instruct, equivalenceSources.contains(.plain) {
            throw InstructEditError("train: equivalence source 'plain' needs instructions: without them every input is already plain")
        }
        if let e = initialEditor, e.isEmpty { throw InstructEditError("train: 'init' is empty: give an editor checkpoint or a shipped editor's name") }
    }
}

/// What the trainer reports as it goes (the progress bar and the log).
public struct MetaTrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    /// Running means over recent steps.
    public var loss: Double
    public var editLoss: Double
    public var localityLoss: Double
    public var stepsPerSecond: Double
    public var etaSeconds: Double
    /// Set on the steps that ran a validation.
    public var validationLoss: Double?
    public var bestValidationLoss: Double?
    public var skippedSteps: Int
}

/// How a run ended.
public struct MetaTrainingResult: Sendable {
    public enum Ending: String, Sendable { case finished, earlyStopped = "early-stopped", interrupted }
    public var ending: Ending
    public var steps: Int
    public var bestValidationLoss: Double?
    public var bestPath: String
    public var lastPath: String
    public var seconds: Double
    public var stepsPerSecond: Double
}
