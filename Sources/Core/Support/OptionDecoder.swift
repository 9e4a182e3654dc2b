import Foundation

/// Decodes a `Decodable` settings type from an `OptionValue` table: the one reader of named
/// settings behind both Lua tables and command-line flags. Keys are the type's `CodingKeys`
/// (snake_case, as users write them); a key no field asks for is rejected, and every error names
/// the path to the field ("field 'locality'[2]: field 'answer': string expected, got nil").
///
///     struct Options: Decodable { var steps: Int?; var lr: Double? }
///     let o = try OptionDecoder.decode(Options.self, from: .table(["steps": .int(5)]))
public enum OptionDecoder {
    /// Decodes `type`, then rejects keys of any table it read that no field asked for (unless
    /// `rejectingUnknown` is false: records, say, may carry notes of their own).
    public static func decode<T: Decodable>(_ type: T.Type, from value: OptionValue, rejectingUnknown: Bool = true) throws -> T {
        try decode(from: value, rejectingUnknown: rejectingUnknown) { try T(from: $0) }
    }

    /// Runs `body` on a decoder over `value` (for types decoded by hand, or several types decoded
    /// from one table), then rejects unknown keys.
    public static func decode<T>(from value: OptionValue, rejectingUnknown: Bool = true, _ body: (Decoder) throws -> T) throws -> T {
        let tracker = KeyTracker()
        let result = try body(ValueDecoder(value: value, path: [], tracker: tracker))
        if rejectingUnknown { try tracker.rejectUnknown() }
        return result
    }
}

/// The keys each table has and the keys fields asked for, per table path.
final class KeyTracker {
    struct Seen { var path: [OptionError.Step]; var keys: [String]; var asked: Set<String> }
    private var tables: [String: Seen] = [:]
    private var order: [String] = []

    func table(_ path: [OptionError.Step], keys: [String]) {
        let id = "\(path)"
        if tables[id] == nil { tables[id] = Seen(path: path, keys: keys, asked: []); order.append(id) }
    }

    func asked(_ path: [OptionError.Step], _ key: String) {
        tables["\(path)"]?.asked.insert(key)
    }

    func rejectUnknown() throws {
        for id in order {
            guard let seen = tables[id] else { continue }
            let unknown = seen.keys.filter { !seen.asked.contains($0) }.sorted()
            guard !unknown.isEmpty else { continue }
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            throw OptionError(path: seen.path, "unknown option\(unknown.count > 1 ? "s" : "") \(names) (known: \(seen.asked.sorted().joined(separator: ", ")))")
        }
    }
}

/// A `CodingKey` for list positions and arbitrary names.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

struct ValueDecoder: Decoder {
    let value: OptionValue?
    let path: [OptionError.Step]
    let tracker: KeyTracker
    var codingPath: [CodingKey] {
        path.map { step in
            switch step {
            case .field(let name): AnyKey(stringValue: name)
            case .index(let i): AnyKey(intValue: i)
            }
        }
    }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func fail(_ message: String) -> OptionError { OptionError(path: path, message) }
    func typeError(_ expected: String) -> OptionError { fail("\(expected) expected, got \(value?.typeName ?? "nil")") }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let table: [String: OptionValue]
        switch value {
        case .table(let t): table = t
        case .list(let l) where l.isEmpty: table = [:]
        default: throw typeError("table")
        }
        tracker.table(path, keys: Array(table.keys))
        return KeyedDecodingContainer(KeyedContainer<Key>(table: table, decoder: self))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        switch value {
        case .list(let items): return ListContainer(items: items, decoder: self)
        case .table(let t) where t.isEmpty: return ListContainer(items: [], decoder: self)
        // One string stands for a list of one; a command line's "a,b" for a list of two.
        case .string(let s): return ListContainer(items: [.string(s)], decoder: self)
        case .text(let s): return ListContainer(items: s.split(separator: ",").map { .text($0.trimmingCharacters(in: .whitespaces)) }, decoder: self)
        default: throw typeError("list")
        }
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleValue(decoder: self) }

    // MARK: scalars

    func decodeBool() throws -> Bool {
        switch value {
        case .bool(let b): return b
        case .text("true"): return true
        case .text("false"): return false
        default: throw typeError("boolean")
        }
    }

    func decodeString() throws -> String {
        switch value {
        case .string(let s), .text(let s): return s
        default: throw typeError("string")
        }
    }

    func decodeDouble() throws -> Double {
        switch value {
        case .int(let i): return Double(i)
        case .number(let d): return d
        case .text(let s): if let d = Double(s) { return d }; throw fail("number expected, got '\(s)'")
        default: throw typeError("number")
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let wide: Int
        switch value {
        case .int(let i): wide = i
        case .number(let d):
            guard let i = Int(exactly: d) else { throw fail("number has no integer representation") }
            wide = i
        case .text(let s):
            guard let i = Int(s) else { throw fail("integer expected, got '\(s)'") }
            wide = i
        default: throw typeError("number")
        }
        guard let v = T(exactly: wide) else {
            throw fail(wide < 0 ? "non-negative integer expected, got \(wide)" : "integer out of range, got \(wide)")
        }
        return v
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let table: [String: OptionValue]
    let decoder: ValueDecoder
    var codingPath: [CodingKey] { decoder.codingPath }
    var allKeys: [Key] { table.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        decoder.tracker.asked(decoder.path, key.stringValue)
        return table[key.stringValue] != nil
    }

    func child(_ key: Key) -> ValueDecoder {
        decoder.tracker.asked(decoder.path, key.stringValue)
        return ValueDecoder(value: table[key.stringValue], path: decoder.path + [.field(key.stringValue)], tracker: decoder.tracker)
    }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decodeValue(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        return try decode(type, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> Decoder { child(key) }
}

struct ListContainer: UnkeyedDecodingContainer {
    let items: [OptionValue]
    let decoder: ValueDecoder
    var currentIndex = 0
    var codingPath: [CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() -> ValueDecoder {
        defer { currentIndex += 1 }
        return ValueDecoder(value: currentIndex < items.count ? items[currentIndex] : nil,
                            path: decoder.path + [.index(currentIndex)], tracker: decoder.tracker)
    }

    mutating func decodeNil() throws -> Bool { isAtEnd }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { next() }
}

struct SingleValue: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [CodingKey] { decoder.codingPath }
    func decodeNil() -> Bool { decoder.value == nil }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}

extension ValueDecoder {
    /// Scalars directly (so errors read "number expected"), anything else through its own `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Bool.Type: return try decodeBool() as! T
        case is String.Type: return try decodeString() as! T
        case is Double.Type: return try decodeDouble() as! T
        case is Float.Type: return Float(try decodeDouble()) as! T
        case is Int.Type: return try decodeInteger(Int.self) as! T
        case is UInt64.Type: return try decodeInteger(UInt64.self) as! T
        case is Int32.Type: return try decodeInteger(Int32.self) as! T
        case is UInt32.Type: return try decodeInteger(UInt32.self) as! T
        default:
            if value == nil { throw typeError(Self.expectedName(type)) }
            if let choice = type as? any OptionChoice.Type { return try decodeChoice(choice) as! T }
            return try T(from: self)
        }
    }

    static func expectedName(_ type: Any.Type) -> String {
        String(describing: type).hasPrefix("Array") ? "list" : "table"
    }
}

/// A setting that is one of a few words (lauxlib's `luaL_checkoption`): decoded with the error
/// "\"best\" or \"first\" expected, got \"worst\"".
public protocol OptionChoice: CaseIterable, RawRepresentable, Decodable where RawValue == String {}

extension ValueDecoder {
    func decodeChoice<C: OptionChoice>(_ type: C.Type) throws -> C {
        let word = try decodeString()
        if let c = C(rawValue: word) { return c }
        let names = C.allCases.map { "\"\($0.rawValue)\"" }.sorted()
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1] : names.joined()
        throw fail("\(list) expected, got \"\(word)\"")
    }
}
