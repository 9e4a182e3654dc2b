/// The teacher-forced input for a prompt and an answer, and the positions whose logits predict each
/// answer token (decoder models: the logits at position t predict token t+1). Training losses and
/// every token-level metric use it, so both score the same positions.
public struct TeacherForcing: Sendable, Equatable {
    /// Model input: the prompt ids, then the answer ids except the last (its logits predict nothing
    /// that is scored).
    public let input: [Int]
    /// The labels: the answer ids.
    public let answer: [Int]
    /// `positions[k]` is the index in `input` whose logits predict `answer[k]` (prompt count − 1 + k).
    public let positions: [Int]

    /// Both id lists must be non-empty: the first answer token is predicted by the last prompt token.
    public static func positions(promptIds: [Int], answerIds: [Int]) throws -> TeacherForcing {
        guard !promptIds.isEmpty else { throw InstructEditError("teacher forcing needs at least one prompt token") }
        guard !answerIds.isEmpty else { throw InstructEditError("teacher forcing needs at least one answer token") }
        return TeacherForcing(input: promptIds + answerIds.dropLast(), answer: answerIds,
                              positions: Array(promptIds.count - 1 ..< promptIds.count - 1 + answerIds.count))
    }

    /// The values at the answer positions, e.g. the argmax at every input position → the prediction
    /// for every answer token. `perPosition` has one value per input position (or more).
    public func gather<T>(_ perPosition: [T]) throws -> [T] {
        guard let last = positions.last, last < perPosition.count else {
            throw InstructEditError("teacher forcing: \(perPosition.count) positions given, "
                                    + "\(input.count) needed for the answer")
        }
        return positions.map { perPosition[$0] }
    }

    /// The text that follows a prompt for an answer (answers are stored without a leading space):
    /// tokenize `prompt` and `continuation(answer)` separately for `positions(promptIds:answerIds:)`.
    public static func continuation(_ answer: String) -> String { " " + answer }
}
