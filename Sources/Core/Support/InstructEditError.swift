/// The one error type Core throws for anything a user can cause: bad files, bad shapes, bad
/// arguments. Its message is shown as is (in the REPL, as a Lua error), so it says what went wrong
/// and where, in words a user can act on.
public struct InstructEditError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
