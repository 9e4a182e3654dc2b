import Bindings
import Core

// The example from the doc comment of `LuaModule`, verbatim, so the documentation is known to work.

/// A counter, as a complete example of a module with a userdata type.
final class Counter {
    var count = 0
}

enum CounterModule: LuaModule {
    static let name: String? = "counter"
    static let summary = "Counters that go up."

    static func register(in module: LuaModuleBuilder) throws {
        try module.type(Counter.self, name: "Counter", summary: "A number that only goes up.") { t in
            t.method("add", signature: "c:add([n]) -> integer", summary: "Adds n (default 1), returns the count.",
                     example: "c:add(2)") { counter, args in
                let n = try args.optInt(2, default: 1)   // position 1 is self
                guard n >= 0 else { throw args.error(2, "non-negative integer expected, got \(n)") }
                counter.count += n
                return [.int(counter.count)]
            }
            t.field("count", summary: "The current count.") { counter in .int(counter.count) }
            t.description { counter in "Counter(\(counter.count))" }
        }
        module.function("new", signature: "counter.new([options]) -> Counter",
                        summary: "A new counter; options: start (integer, default 0).",
                        example: "c = counter.new({start=5})") { args in
            let options = try args.options(1)
            let counter = Counter()
            counter.count = try options.int("start", default: 0)
            try options.rejectUnknown()
            return [.object(counter)]
        }
    }
}

/// Functions that exercise the machinery: errors, argument checks, conversions, callbacks.
final class Probe {}

enum ProbeModule: LuaModule {
    static let name: String? = "probe"
    static let summary = "Test functions."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("fail", signature: "probe.fail(message)", summary: "Throws an InstructEditError.", example: "") { args in
            throw InstructEditError(try args.checkString(1))
        }
        module.function("echo", signature: "probe.echo(...)", summary: "Returns its arguments converted to Swift and back.", example: "") { args in
            try (0..<args.count).map { try args.value($0 + 1) }
        }
        module.function("typed", signature: "probe.typed(s, i, x, b, t)", summary: "Checks one argument of each kind.", example: "") { args in
            [.string(try args.checkString(1)), .int(try args.checkInt(2)), .number(try args.checkNumber(3)),
             .bool(try args.checkBool(4)), try args.checkTable(5)]
        }
        module.function("ids", signature: "probe.ids(ids)", summary: "Sums a sequence of integers.", example: "") { args in
            [.int(try args.checkIntArray(1).reduce(0, +))]
        }
        module.function("total", signature: "probe.total(counter)", summary: "A counter's count.", example: "") { args in
            [.int(try args.checkUserdata(1, Counter.self).count)]
        }
        module.function("generate", signature: "probe.generate(prompt, options)", summary: "Reads options.", example: "") { args in
            let prompt = try args.checkString(1)
            let options = try args.options(2)
            let maxTokens = try options.int("max_tokens", default: 32)
            let temperature = try options.number("temperature", default: 0)
            let stop = try options.strings("stop") ?? []
            try options.rejectUnknown()
            return [.string(prompt), .int(maxTokens), .number(temperature), LuaValue(stop)]
        }
        module.function("values", signature: "probe.values()", summary: "Returns one value of each kind.", example: "") { _ in
            [nil, true, 42, 2.5, "text", [1, 2, 3], ["a": 1, "b": ["c": "d"]], .object(Counter())]
        }
        module.function("call", signature: "probe.call(f, ...)", summary: "Calls f with the other arguments.", example: "") { args in
            try args.call(1, with: (1..<args.count).map { try args.value($0 + 1) })
        }
        module.function("unregistered", signature: "probe.unregistered()", summary: "Returns an object of an unregistered type.", example: "") { _ in
            [.object(Probe())]
        }
    }
}

func makeSession() throws -> LuaSession {
    try LuaSession(modules: LuaSession.standardModules + [CounterModule.self, ProbeModule.self])
}
