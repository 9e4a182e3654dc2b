/// A Lua value as Swift sees it: what Swift functions receive and return. Sequences (keys 1...n) are
/// `.array`, other tables `.table`; userdata of a registered type is `.object`. Literals work:
/// `return [1, "two", ["k": 3.5], nil]`.
public enum LuaValue: Hashable {
    case `nil`
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    /// A sequence; pushed as a 1-based table.
    case array([LuaValue])
    /// Any other table (an empty Lua table reads as `.table([:])`).
    case table([LuaValue: LuaValue])
    /// A Swift class instance of a type registered with `LuaModuleBuilder.type`; pushed as its userdata.
    case object(AnyObject)

    public static func == (a: LuaValue, b: LuaValue) -> Bool {
        switch (a, b) {
        case (.nil, .nil): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.table(x), .table(y)): x == y
        case let (.object(x), .object(y)): x === y
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .number(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .table(let t): hasher.combine(t)
        case .object(let o): hasher.combine(ObjectIdentifier(o))
        }
    }
}

// MARK: Reading values back

extension LuaValue {
    public var isNil: Bool { self == .nil }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// Integers, and floats with an exact integer value (as Lua converts them).
    public var intValue: Int? {
        switch self {
        case .int(let i): i
        case .number(let d): Int(exactly: d)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// The elements of a sequence (an empty table counts as an empty sequence).
    public var arrayValue: [LuaValue]? {
        switch self {
        case .array(let a): a
        case .table(let t) where t.isEmpty: []
        default: nil
        }
    }

    /// A table with string keys (a sequence only if empty).
    public var dictionaryValue: [String: LuaValue]? {
        if case .array(let a) = self, a.isEmpty { return [:] }
        guard case .table(let t) = self else { return nil }
        var result: [String: LuaValue] = [:]
        for (key, value) in t {
            guard let key = key.stringValue else { return nil }
            result[key] = value
        }
        return result
    }

    /// The value at `key` of a table (nil for anything else).
    public subscript(key: String) -> LuaValue? {
        if case .table(let t) = self { t[.string(key)] } else { nil }
    }

    /// The Swift object of a userdata value, if it is a `T`.
    public func object<T: AnyObject>(as type: T.Type) -> T? {
        if case .object(let o) = self { o as? T } else { nil }
    }
}

// MARK: Literals

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self = .table(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: Swift values → Lua

/// A Swift value with a natural Lua form. Arrays become 1-based tables and dictionaries tables, nested.
public protocol LuaRepresentable {
    var luaValue: LuaValue { get }
}

extension LuaValue: LuaRepresentable { public var luaValue: LuaValue { self } }
extension Bool: LuaRepresentable { public var luaValue: LuaValue { .bool(self) } }
extension Int: LuaRepresentable { public var luaValue: LuaValue { .int(self) } }
extension Int32: LuaRepresentable { public var luaValue: LuaValue { .int(Int(self)) } }
extension Double: LuaRepresentable { public var luaValue: LuaValue { .number(self) } }
extension Float: LuaRepresentable { public var luaValue: LuaValue { .number(Double(self)) } }
extension String: LuaRepresentable { public var luaValue: LuaValue { .string(self) } }
extension Substring: LuaRepresentable { public var luaValue: LuaValue { .string(String(self)) } }

extension Optional: LuaRepresentable where Wrapped: LuaRepresentable {
    public var luaValue: LuaValue { map(\.luaValue) ?? .nil }
}

extension Array: LuaRepresentable where Element: LuaRepresentable {
    public var luaValue: LuaValue { .array(map(\.luaValue)) }
}

extension Dictionary: LuaRepresentable where Key: LuaRepresentable, Value: LuaRepresentable {
    public var luaValue: LuaValue {
        .table(Dictionary<LuaValue, LuaValue>(map { ($0.key.luaValue, $0.value.luaValue) }, uniquingKeysWith: { a, _ in a }))
    }
}

extension LuaValue {
    /// Converts any `LuaRepresentable` Swift value: `LuaValue(["a": [1, 2]])`.
    public init(_ value: some LuaRepresentable) { self = value.luaValue }
}
