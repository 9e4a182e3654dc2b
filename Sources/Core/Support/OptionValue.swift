/// A table of named settings as the two front ends give it: a Lua table (`{rank=4, targets={...}}`)
/// or command-line flags. Both are decoded by `OptionDecoder` into the same `Decodable` type, so
/// the Lua keys and the command-line flags cannot drift apart (docs/LUA_API.md, "Options").
public indirect enum OptionValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    /// Typed on a command line: a string that also reads as a number, a boolean or a
    /// comma-separated list when the field asks for one.
    case text(String)
    case list([OptionValue])
    case table([String: OptionValue])
    /// A value no setting can hold (a Lua function or userdata), by its type name.
    case other(String)

    /// The type name errors use, in Lua's words ("number", "string", "table", ...).
    public var typeName: String {
        switch self {
        case .bool: "boolean"
        case .int, .number: "number"
        case .string, .text: "string"
        case .list, .table: "table"
        case .other(let name): name
        }
    }
}

/// A setting that cannot be decoded, with the path of fields leading to it:
/// "field 'locality'[2]: field 'answer': string expected, got nil".
public struct OptionError: Error, Sendable, CustomStringConvertible {
    /// A step of the path: a named field or a 0-based list index (shown from 1, as Lua counts).
    public enum Step: Sendable, Equatable { case field(String), index(Int) }
    public var path: [Step]
    public var message: String

    public init(path: [Step], _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        for step in path {
            switch step {
            case .field(let name): parts.append("field '\(name)'")
            case .index(let i): if parts.isEmpty { parts.append("[\(i + 1)]") } else { parts[parts.count - 1] += "[\(i + 1)]" }
            }
        }
        return (parts + [message]).joined(separator: ": ")
    }
}
