import Core

extension LuaArgs {
    /// The options table at `index` as settings for `OptionDecoder` (a missing argument or nil reads
    /// as an empty table); `skipping` names fields read separately (a Model, a callback).
    public func optionTable(_ index: Int, skipping: Set<String> = []) throws -> OptionValue {
        if isNoneOrNil(index) { return .table([:]) }
        guard kind(index) == .table else { throw typeError(index, expected: "table") }
        guard case .table(var fields) = Self.optionValue(try checkTable(index)) else { return .table([:]) }
        for name in skipping { fields[name] = nil }
        return .table(fields)
    }

    /// Decodes `type` from the options table at `index`; errors name the field, in Lua's wording:
    /// "bad argument #2 to 'mend' (field 'rank': positive integer expected, got 0)".
    public func decode<T: Decodable>(_ type: T.Type, options index: Int, skipping: Set<String> = []) throws -> T {
        let table = try optionTable(index, skipping: skipping)
        return try reportingOptions(index) { try OptionDecoder.decode(type, from: table) }
    }

    /// Runs `body`, reporting an `OptionError` as a bad argument `index`.
    public func reportingOptions<T>(_ index: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as OptionError { throw error(index, e.description) }
    }

    /// A converted Lua value as settings: sequences become lists, other tables keep their string
    /// keys (another key stays as a field the decoder will reject by name).
    static func optionValue(_ v: LuaValue) -> OptionValue {
        switch v {
        case .nil: .other("nil")
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .number(let d): .number(d)
        case .string(let s): .string(s)
        case .array(let items): .list(items.map(optionValue))
        case .table(let t):
            .table(Dictionary(t.map { key, value in (key.stringValue ?? "[\(key.kindName) key]", optionValue(value)) },
                              uniquingKeysWith: { a, _ in a }))
        case .object: .other("userdata")
        }
    }
}
