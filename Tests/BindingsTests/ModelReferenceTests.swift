@testable import Bindings
import Core
import Foundation
import XCTest

/// The Lua surface on the real default model, against the independent PyTorch reference values in
/// `../shared/reference/smollm2_reference.json`.
final class ModelReferenceTests: XCTestCase {
    private struct Reference: Decodable {
        struct Prompt: Decodable {
            struct Candidate: Decodable { let id: Int; let logit: Double; let logprob: Double }
            let prompt: String
            let ids: [Int]
            let top20: [Candidate]
            let greedy10_text: String
        }
        let prompts: [Prompt]
    }

    nonisolated(unsafe) private static var session: LuaSession?

    /// One session with the default model as `m`, shared by the tests (loading takes ~0.5 s).
    private func lua() throws -> LuaSession {
        if let session = Self.session { return session }
        let lua = try LuaFixture.session()
        let result = lua.run("m = model.load()", mode: .chunk)
        if let error = result.error { throw error }
        Self.session = lua
        return lua
    }

    private func reference() throws -> Reference {
        let url = LuaFixture.shared.appendingPathComponent("reference/smollm2_reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func testEncodeAndSummary() throws {
        let lua = try lua()
        XCTAssertEqual(lua.values("return table.concat(m:encode('The capital of France is'), ',')"), ["504,3575,282,4649,314"])
        for p in try reference().prompts {
            XCTAssertEqual(lua.values("return table.concat(m:encode(\(quoted(p.prompt))), ',')"), [p.ids.map(String.init).joined(separator: ",")])
        }
        XCTAssertEqual(lua.values("return tostring(m)"), ["Model SmolLM2-135M-Instruct.Q4_1 (llama, 30 layers, dim 576, 134.5M params, no edits)"])
        XCTAssertEqual(lua.values("return m.config.layers, m.config.dim, m.config.heads, m.config.kv_heads, m.config.ffn, m.config.vocab"),
                       ["30", "576", "9", "3", "1536", "49152"])
    }

    func testTopkLogprobAndGreedyGenerationMatchTheReference() throws {
        let lua = try lua()
        for p in try reference().prompts {
            let q = quoted(p.prompt)
            _ = lua.values("top = m:topk(\(q), 5); lens = m:lens(\(q), 30, 5)")
            for (i, candidate) in p.top20.prefix(5).enumerated() {
                let row = lua.row("return top[\(i + 1)].id, top[\(i + 1)].logit, top[\(i + 1)].logprob, lens[\(i + 1)].id")
                XCTAssertEqual(row[0], "\(candidate.id)", p.prompt)
                XCTAssertEqual((Double(row[1]) ?? .nan), candidate.logit, accuracy: 1e-3 * abs(candidate.logit) + 1e-3, p.prompt)
                XCTAssertEqual((Double(row[2]) ?? .nan), candidate.logprob, accuracy: 2e-3, p.prompt)
                XCTAssertEqual(row[3], row[0], "the logit lens at the last layer is the model's output")
            }
            // The best token as a continuation: its log-probability is the same figure.
            let best = p.top20[0]
            let logprob = lua.value("return m:logprob(\(q), m:decode({\(best.id)}))")
            XCTAssertEqual((Double(logprob) ?? .nan), best.logprob, accuracy: 2e-3, p.prompt)
            XCTAssertEqual(lua.values("return m:generate(\(q), {max_tokens=10, eos=false})"), [p.greedy10_text], p.prompt)
        }
    }

    func testHiddenAndAttentionShapes() throws {
        let lua = try lua()
        _ = lua.values("h = m:hidden('The capital of France is'); a = m:attention('The capital of France is', 30)")
        XCTAssertEqual(try LuaFixture.tensor(lua, "h").shape, [32, 5, 576])
        let a = try LuaFixture.tensor(lua, "a")
        XCTAssertEqual(a.shape, [9, 5, 5])
        // Each row of attention probabilities sums to one.
        for row in 0..<(9 * 5) {
            XCTAssertEqual(a.data[(row * 5)..<(row * 5 + 5)].reduce(0, +), 1, accuracy: 1e-4)
        }
    }

    private func quoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
