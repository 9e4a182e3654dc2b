import Foundation
import Synchronization

/// Task instructions: for each task, descriptions that say what the task is, split into `seen`
/// (drawn during meta-training) and `unseen` (held out, for evaluating unseen instructions). The
/// shipped set is the data file `Resources/instructions.json`; users can load their own.
///
/// An edit input is rendered exactly as
///
///     Task: {task}
///     Description: {description}
///     Input: {prompt}
///
/// where {task} is the task key. Description indices are 0-based here; the Lua layer is 1-based.
public struct InstructionSet: Sendable, Equatable {
    /// One task's descriptions. They may contain the placeholders `{topic}` and `{sentiment}`.
    public struct TaskInstructions: Sendable, Equatable {
        public let key: String
        /// A display name for tables and reports, e.g. "WikiData CounterFact".
        public let name: String
        public let seen: [String]
        public let unseen: [String]

        public init(key: String, name: String, seen: [String], unseen: [String]) {
            self.key = key
            self.name = name
            self.seen = seen
            self.unseen = unseen
        }
    }

    /// The placeholders a description may use, filled by `render`.
    public static let placeholders = ["{topic}", "{sentiment}"]

    /// In file order.
    public let instructions: [TaskInstructions]

    /// The shipped instructions (`Resources/instructions.json`), read once.
    public static func builtIn() throws -> InstructionSet {
        if let set = cache.withLock({ $0 }) { return set }
        let set = try load(path: try ResourceFolder.root() + "/instructions.json")
        cache.withLock { $0 = set }
        return set
    }

    private static let cache = Mutex<InstructionSet?>(nil)

    /// Task keys in file order, e.g. ["counterfact", "recent", "convsent", "zsre"].
    public func tasks() -> [String] { instructions.map(\.key) }

    public func name(task: String) throws -> String { try instructions(for: task).name }

    /// The seen (default) or unseen descriptions of a task, placeholders unfilled.
    public func descriptions(task: String, unseen: Bool = false) throws -> [String] {
        let entry = try instructions(for: task)
        return unseen ? entry.unseen : entry.seen
    }

    /// The instruction-rendered input for `prompt`. `index` picks a description (0-based, among the
    /// seen or unseen ones); nil draws one uniformly with `rng`. `topic` and `sentiment` fill the
    /// placeholders and are required when the task's descriptions use them.
    public func render(task: String, prompt: String, unseen: Bool = false, index: Int? = nil,
                       topic: String? = nil, sentiment: String? = nil,
                       using rng: inout some RandomNumberGenerator) throws -> String {
        let list = try descriptions(task: task, unseen: unseen)
        let which = unseen ? "unseen" : "seen"
        guard !list.isEmpty else { throw InstructEditError("task '\(task)' has no \(which) descriptions") }
        for (placeholder, value) in [("{topic}", topic), ("{sentiment}", sentiment)]
        where value == nil && list.contains(where: { $0.contains(placeholder) }) {
            throw InstructEditError("task '\(task)' descriptions need a \(placeholder.dropFirst().dropLast()) to render")
        }
        let chosen: Int
        if let index {
            guard list.indices.contains(index) else {
                throw InstructEditError("description index out of range: task '\(task)' has \(list.count) \(which) descriptions")
            }
            chosen = index
        } else {
            chosen = Int.random(in: 0..<list.count, using: &rng)
        }
        var description = list[chosen]
        if let topic { description = description.replacingOccurrences(of: "{topic}", with: topic) }
        if let sentiment { description = description.replacingOccurrences(of: "{sentiment}", with: sentiment) }
        return Self.format(task: task, description: description, prompt: prompt)
    }

    /// The one layout of an instruction-rendered input.
    public static func format(task: String, description: String, prompt: String) -> String {
        "Task: \(task)\nDescription: \(description)\nInput: \(prompt)"
    }

    private func instructions(for task: String) throws -> TaskInstructions {
        guard let entry = instructions.first(where: { $0.key == task }) else {
            throw InstructEditError("no instructions for task '\(task)' (tasks: \(tasks().joined(separator: ", ")))")
        }
        return entry
    }
}
