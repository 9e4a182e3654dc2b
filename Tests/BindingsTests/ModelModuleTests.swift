@testable import Bindings
@testable import Core
import Foundation
import XCTest
import TestSupport

/// `model.load` and the `Model` methods on a tiny random model (exact agreement with Core), with
/// their argument errors.
final class ModelModuleTests: XCTestCase {
    func testLoadConfigNameAndSummary() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let c = LuaFixture.tinyConfig
        XCTAssertEqual(lua.values("return m.config.layers, m.config.dim, m.config.heads, m.config.kv_heads, m.config.ffn, m.config.vocab, m.config.arch, m.config.context_length"),
                       ["\(c.layers)", "\(c.dim)", "\(c.heads)", "\(c.kvHeads)", "\(c.ffn)", "\(c.vocab)", "llama", "\(c.contextLength)"])
        let model = try LuaFixture.model(lua)
        XCTAssertEqual(lua.values("return m.config.params"), ["\(model.weights.all.reduce(0) { $0 + $1.count })"])
        XCTAssertEqual(lua.values("return m.name"), [URL(fileURLWithPath: LuaFixture.tinyPath).deletingPathExtension().lastPathComponent])
        XCTAssertEqual(lua.value("return tostring(m)").prefix(6), "Model ")
        XCTAssertTrue(lua.value("return tostring(m)").hasSuffix("(llama, 3 layers, dim 64, \(LuaModel.count(model.weights.all.reduce(0) { $0 + $1.count })) params, no edits)"))
        XCTAssertTrue(lua.errorMessage("model.load('/no/such/model.gguf')").contains("model not found: /no/such/model.gguf"))
        XCTAssertTrue(lua.errorMessage("model.load({})").contains("bad argument #1 to 'load' (string expected, got table)"))
    }

    func testParameterCountsReadLikeModelCards() {
        XCTAssertEqual(LuaModel.count(134_515_008), "134.5M")
        XCTAssertEqual(LuaModel.count(1_500_000_000), "1.5B")
        XCTAssertEqual(LuaModel.count(86_300), "86.3K")
        XCTAssertEqual(LuaModel.count(999), "999")
    }

    func testEncodeDecodeAndToken() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let ids = model.tokenizer.encode("the cat is in paris")
        XCTAssertEqual(lua.values("return table.concat(m:encode('the cat is in paris'), ',')"), [ids.map(String.init).joined(separator: ",")])
        XCTAssertEqual(lua.values("return m:decode(m:encode('the cat is in paris'))"), ["the cat is in paris"])
        XCTAssertEqual(lua.values("return #m:encode('')"), ["0"])
        XCTAssertEqual(lua.values("return m:token(\(ids[1]))"), [model.tokenizer.decode([ids[1]]), model.tokenizer.tokenString(ids[1])])
        let v = model.config.vocab
        XCTAssertTrue(lua.errorMessage("m:token(\(v))").contains("bad argument #1 to 'token' (token id \(v) is outside the vocabulary 0..\(v - 1))"))
        XCTAssertTrue(lua.errorMessage("m:decode({1, -1})").contains("token id -1 at [2] is outside the vocabulary"))
        XCTAssertTrue(lua.errorMessage("m:decode({1, 'x'})").contains("integer expected at [2], got string"))
        XCTAssertTrue(lua.errorMessage("m:encode()").contains("bad argument #1 to 'encode' (string expected, got no value)"))
    }

    func testLogitsHiddenAndAttentionMatchCore() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let ids = model.tokenizer.encode("the cat is in paris")
        _ = lua.values("t = m:logits('the cat is in paris'); u = m:logits(m:encode('the cat is in paris')); h = m:hidden('the cat is in paris'); a = m:attention('the cat is in paris', 3)")
        let logits = try LlamaForward.logits(model.weights, tokens: ids)
        XCTAssertEqual(try LuaFixture.tensor(lua, "t"), logits)
        XCTAssertEqual(try LuaFixture.tensor(lua, "u"), logits)
        let c = model.config
        XCTAssertEqual(try LuaFixture.tensor(lua, "h").shape, [c.layers + 2, ids.count, c.dim])
        XCTAssertEqual(try LuaFixture.tensor(lua, "h"), try LlamaForward.hiddenStates(model.weights, tokens: ids))
        XCTAssertEqual(try LuaFixture.tensor(lua, "a"), try LlamaForward.attention(model.weights, tokens: ids, layer: 2))
        XCTAssertEqual(try LuaFixture.tensor(lua, "a").shape, [c.heads, ids.count, ids.count])

        XCTAssertTrue(lua.errorMessage("m:logits('')").contains("bad argument #1 to 'logits' (non-empty text expected, got an empty string)"))
        XCTAssertTrue(lua.errorMessage("m:logits({})").contains("non-empty sequence of token ids expected"))
        XCTAssertTrue(lua.errorMessage("m:logits(5)").contains("(string or sequence of token ids expected, got number)"))
        XCTAssertTrue(lua.errorMessage("m:logits({1, \(c.vocab)})").contains("token id \(c.vocab) at [2] is outside the vocabulary 0..\(c.vocab - 1)"))
        let tooLong = String(repeating: "a ", count: c.contextLength + 5)
        XCTAssertTrue(lua.errorMessage("m:hidden('\(tooLong)')").contains("exceed the model's context length \(c.contextLength)"))
        XCTAssertTrue(lua.errorMessage("m:attention('the cat', 0)").contains("bad argument #2 to 'attention' (layer must be in 1..3, got 0)"))
        XCTAssertTrue(lua.errorMessage("m:attention('the cat', 4)").contains("layer must be in 1..3, got 4"))
        XCTAssertTrue(lua.errorMessage("m:attention('the cat')").contains("bad argument #2 to 'attention' (number expected, got no value)"))
        XCTAssertTrue(lua.errorMessage("m.logits(42, 'x')").contains("bad argument #1 to 'logits' (Model expected, got number)"))
    }

    func testTopkIsBestFirstWithLogProbabilities() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let ids = model.tokenizer.encode("the cat is in")
        let logits = try LlamaForward.logits(model.weights, tokens: ids)
        let v = model.config.vocab
        let last = Array(logits.data[((ids.count - 1) * v)...])
        let logProbs = try Loss.logSumExp(last)
        let order = last.indices.sorted { last[$0] > last[$1] || (last[$0] == last[$1] && $0 < $1) }
        _ = lua.values("top = m:topk('the cat is in', 7)")
        XCTAssertEqual(lua.values("return #top"), ["7"])
        for r in 0..<7 {
            let row = lua.row("local e = top[\(r + 1)]; return e.id, e.token, e.logit, e.logprob, e.prob")
            let id = order[r]
            XCTAssertEqual(row[0], "\(id)")
            XCTAssertEqual(row[1], model.tokenizer.decode([id]))
            XCTAssertEqual((Double(row[2]) ?? .nan), Double(last[id]), accuracy: 1e-5)
            XCTAssertEqual((Double(row[3]) ?? .nan), Double(last[id]) - logProbs, accuracy: 1e-4)
            XCTAssertEqual((Double(row[4]) ?? .nan), exp(Double(last[id]) - logProbs), accuracy: 1e-5)
        }
        XCTAssertEqual(lua.values("return #m:topk('the cat is in')"), ["5"])
        XCTAssertEqual(lua.values("return #m:topk('the cat is in', \(v))"), ["\(v)"])
        XCTAssertTrue(lua.errorMessage("m:topk('the cat', 0)").contains("bad argument #2 to 'topk' (k must be in 1..\(v), got 0)"))
        XCTAssertTrue(lua.errorMessage("m:topk('the cat', \(v + 1))").contains("k must be in 1..\(v)"))
    }

    func testGenerateMatchesTheGeneratorAndStreams() throws {
        let lua = try LuaFixture.session()
        try LuaFixture.loadTiny(lua)
        let model = try LuaFixture.model(lua)
        let generator = Generator(weights: model.weights, tokenizer: model.tokenizer)
        let prompt = model.tokenizer.encode("the cat")
        let greedy = try generator.generate(prompt: prompt, parameters: GenerationParameters(maxTokens: 12, stopAtEOS: false))
        XCTAssertEqual(lua.values("return m:generate('the cat', {max_tokens=12, eos=false})"), [greedy.text])
        XCTAssertEqual(lua.values("return m:generate(m:encode('the cat'), {max_tokens=12, eos=false})"), [greedy.text])
        let sampled = try generator.generate(prompt: prompt, parameters: GenerationParameters(maxTokens: 12, temperature: 0.9, topP: 0.8, seed: 7, stopAtEOS: false))
        XCTAssertEqual(lua.values("return m:generate('the cat', {max_tokens=12, temperature=0.9, top_p=0.8, seed=7, eos=false})"), [sampled.text])

        // A stream function receives pieces that make up the text; returning false stops.
        XCTAssertEqual(lua.values("""
            local pieces = {}
            local s = m:generate('the cat', {max_tokens=12, eos=false, stream=function(p) pieces[#pieces + 1] = p end})
            return s == table.concat(pieces), #pieces > 0
            """), ["true", "true"])
        XCTAssertEqual(lua.values("""
            local calls = 0
            local s = m:generate('the cat', {max_tokens=12, eos=false, stream=function(p) calls = calls + 1; return false end})
            return calls
            """), ["1"])
        // An error in the callback stops generation and reaches the caller.
        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {max_tokens=5, stream=function() error('boom') end})").contains("boom"))

        // A stop string ends the text before it.
        if let cut = greedy.text.dropFirst(2).first(where: { $0.isASCII && $0.isLetter }).map(String.init) {
            let stopped = lua.value("return m:generate('the cat', {max_tokens=12, eos=false, stop={\(luaString(cut))}})")
            XCTAssertFalse(stopped.contains(cut))
            XCTAssertTrue(greedy.text.hasPrefix(stopped))
        }
        XCTAssertEqual(lua.values("return m:generate('the cat', {max_tokens=0})"), [""])

        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {max_tokens='x'})").contains("bad argument #2 to 'generate' (field 'max_tokens': number expected, got string)"))
        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {max_token=3})").contains("unknown option 'max_token'"))
        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {temperature=-1})").contains("temperature must be a finite number >= 0"))
        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {top_p=0})").contains("top_p must be in (0, 1]"))
        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {stream=3})").contains("field 'stream': boolean or function expected, got number"))
        XCTAssertTrue(lua.errorMessage("m:generate('the cat', {seed=-1})").contains("field 'seed': non-negative integer expected"))
        XCTAssertTrue(lua.errorMessage("m:generate('')").contains("non-empty text expected"))
    }

    func testGenerateStopsOnInterrupt() throws {
        let lua = try LuaFixture.session()
        // A tiny model with a long context: 20000 tokens take seconds (attention grows with the length).
        var config = LuaFixture.tinyConfig
        config.contextLength = 20_000
        try lua.setGlobal("long", .object(LuaModel(try TinyModel.model(config: config, seed: 1))))
        let start = Date()
        let result = LuaFixture.runInterrupted(lua, "return long:generate('the cat', {max_tokens=19000, eos=false})")
        XCTAssertEqual(result.error?.message, "interrupted!")
        XCTAssertLessThan(Date().timeIntervalSince(start), 3, "the interrupt ends the generation long before its 19000 tokens")
        XCTAssertEqual(lua.values("return type(long:generate('the cat', {max_tokens=3, eos=false}))"), ["string"])
    }

    private func luaString(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'").replacingOccurrences(of: "\n", with: "\\n") + "'"
    }
}

/// Sessions with the standard modules and tiny models for the binding tests of models, editors,
/// data, templates, evaluation and training.
enum LuaFixture {
    /// A 3-layer tiny model, so the default edit targets (the MLPs of the last three blocks) exist.
    static let tinyConfig: LlamaConfig = {
        var c = LlamaConfig.tiny
        c.layers = 3
        c.contextLength = 1024   // instruction-rendered prompts take many tokens of the tiny vocabulary
        return c
    }()

    /// A tiny GGUF written once per test process.
    static let tinyPath: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luamodel-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("tiny-3layer.gguf").path
        if !FileManager.default.fileExists(atPath: path) { try? TinyModel.write(to: path, config: tinyConfig, seed: 1) }
        return path
    }()

    /// The project's shared inputs: `<repo root>/../shared`.
    static var shared: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A fresh folder for files a test writes.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("luamodel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A session with the standard modules, plus a minimal `Tensor` type while no standard module
    /// registers one (the tensor module comes from another branch).
    static func session() throws -> LuaSession {
        let lua = try LuaSession()
        if lua.help.entry(named: "Tensor") != nil { return lua }
        lua.close()
        return try LuaSession(modules: LuaSession.standardModules + [TestTensorModule.self])
    }

    /// Sets the global `m` to the tiny model.
    static func loadTiny(_ lua: LuaSession, as name: String = "m") throws {
        let result = lua.run("\(name) = model.load('\(tinyPath)')", mode: .chunk)
        if let error = result.error { throw error }
    }

    static func model(_ lua: LuaSession, _ name: String = "m") throws -> LanguageModel {
        try XCTUnwrap(lua.global(name).object(as: LuaModel.self)).model
    }

    /// Runs `code` while another thread interrupts the session every 50 ms until it ends.
    static func runInterrupted(_ lua: LuaSession, _ code: String) -> LuaRunResult {
        let done = Atomic()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            while !done.value {
                usleep(50_000)
                if !done.value { lua.interrupt() }
            }
            finished.signal()
        }
        thread.start()
        let result = lua.run(code, mode: .chunk)
        done.value = true
        finished.wait()
        return result
    }

    static func tensor(_ lua: LuaSession, _ name: String) throws -> Tensor {
        try XCTUnwrap(lua.global(name).object(as: TensorBox.self)).tensor
    }
}

extension LuaSession {
    /// The first value of `code` ("" after an error, which `values` reports).
    func value(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        values(code, file: file, line: line).first ?? ""
    }

    /// The values of `code`, padded with "" so a test can index them without crashing on an error.
    func row(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        values(code, file: file, line: line) + Array(repeating: "", count: 16)
    }
}

/// Registers `TensorBox` as `Tensor` with its shape, for sessions without the tensor module.
enum TestTensorModule: LuaModule {
    static let name: String? = "testtensor"
    static let summary = "A stand-in Tensor type for tests."

    static func register(in module: LuaModuleBuilder) throws {
        try module.type(TensorBox.self, name: "Tensor", summary: "A tensor (test stand-in).") { t in
            t.field("dims", summary: "The shape.") { LuaValue($0.tensor.shape) }
        }
    }
}

extension Loss {
    /// log Σ exp over a row, for the tests.
    static func logSumExp(_ row: [Float]) throws -> Double {
        row.withUnsafeBufferPointer { logSumExp($0.baseAddress!, row.count) }
    }
}
