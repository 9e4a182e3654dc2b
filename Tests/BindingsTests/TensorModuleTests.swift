import Bindings
import Core
import Foundation
import XCTest

extension LuaSession {
    /// A session with the standard modules and `ser(v)`, which writes numbers with %g and tables as
    /// `{a,b}`, so results compare as text.
    static func withSerializer() throws -> LuaSession {
        let lua = try LuaSession()
        _ = lua.values("""
            function ser(v)
              if type(v) == 'table' then
                local parts = {}
                for i, x in ipairs(v) do parts[i] = ser(x) end
                return '{' .. table.concat(parts, ',') .. '}'
              end
              if type(v) == 'number' then return string.format('%g', v) end
              return tostring(v)
            end
            """)
        return lua
    }
}

/// `ser` of numbers, and of nested rows, written from Swift for comparison.
func ser(_ x: Double) -> String { String(format: "%g", x) }
func ser(_ xs: [Double]) -> String { "{" + xs.map(ser).joined(separator: ",") + "}" }
func ser(_ rows: [[Double]]) -> String { "{" + rows.map(ser).joined(separator: ",") + "}" }

/// The `tensor` module through Lua: creation, 1-based indexing, broadcasting, products, reductions,
/// files and printing.
final class TensorModuleTests: XCTestCase {
    private var lua: LuaSession!

    override func setUpWithError() throws { lua = try LuaSession.withSerializer() }
    override func tearDown() { lua.close() }

    func testCreation() {
        XCTAssertEqual(lua.values("local t = tensor.zeros(2, 3); return ser(t:shape()), t:dim(), t:numel(), #t, ser(t:sum())"),
                       ["{2,3}", "2", "6", "2", "0"])
        XCTAssertEqual(lua.values("return ser(tensor.zeros({2, 3}):shape()), ser(tensor.ones(4):totable())"), ["{2,3}", "{1,1,1,1}"])
        XCTAssertEqual(lua.values("return ser(tensor.full(2, 2, 0.5):totable()), ser(tensor.full({3}, 7):totable())"),
                       ["{{0.5,0.5},{0.5,0.5}}", "{7,7,7}"])
        XCTAssertEqual(lua.values("return ser(tensor.arange(1, 6):totable()), ser(tensor.arange(4):totable()), ser(tensor.arange(0, 1, 0.25):totable())"),
                       ["{1,2,3,4,5}", "{0,1,2,3}", "{0,0.25,0.5,0.75}"])
        XCTAssertEqual(lua.values("return ser(tensor.eye(2):totable()), ser(tensor.eye(2, 3):shape())"), ["{{1,0},{0,1}}", "{2,3}"])
        XCTAssertEqual(lua.values("local t = tensor.from({{1, 2}, {3, 4}}); return ser(t:shape()), t:get(2, 1)"), ["{2,2}", "3.0"])
        XCTAssertEqual(lua.values("local s = tensor.from(3); return s:dim(), s:item()"), ["0", "3.0"])
        XCTAssertEqual(lua.values("return ser(tensor.from({tensor.ones(2), tensor.zeros(2)}):totable())"), ["{{1,1},{0,0}}"])
        XCTAssertEqual(lua.values("return tensor.zeros({}):dim(), tensor.zeros(0):numel()"), ["0", "0"])
    }

    func testRandomDrawsAreSeededAndPlausible() throws {
        XCTAssertEqual(lua.values("""
            local a, b = tensor.randn(1000, {seed = 1}), tensor.randn({1000}, {seed = 1})
            local c = tensor.randn(1000, {seed = 2})
            return a == b, a == c, math.abs(a:mean()) < 0.1, math.abs(a:std() - 1) < 0.1
            """), ["true", "false", "true", "true"])
        XCTAssertEqual(lua.values("local u = tensor.rand(1000, {seed = 3}); return u:min() >= 0, u:max() < 1, math.abs(u:mean() - 0.5) < 0.05"),
                       ["true", "true", "true"])
        // Without a seed, draws continue one generator per session, seeded the same in every session.
        let first = lua.values("a1 = tensor.randn(5); a2 = tensor.randn(5); return a1 == a2")
        XCTAssertEqual(first, ["false"])
        let other = try LuaSession()
        defer { other.close() }
        XCTAssertEqual(other.values("b1 = tensor.randn(5); return 0"), ["0"])
        let a1 = try XCTUnwrap(try lua.global("a1").object(as: TensorBox.self)).tensor
        let b1 = try XCTUnwrap(try other.global("b1").object(as: TensorBox.self)).tensor
        XCTAssertEqual(a1, b1)
    }

    func testIndexingCountsFromOne() {
        _ = lua.values("t = tensor.from({{1, 2, 3}, {4, 5, 6}})")
        XCTAssertEqual(lua.values("return t[1][1], t[2][3], t[-1][-1], t:get(2, 1), t:get(-2, -3)"), ["1.0", "6.0", "6.0", "4.0", "1.0"])
        XCTAssertEqual(lua.values("return ser(t[2]:totable()), ser(t:select(2, 1):totable()), ser(t:select(1, -1):totable())"),
                       ["{4,5,6}", "{1,4}", "{4,5,6}"])
        XCTAssertEqual(lua.values("return ser(t:narrow(2, 2, 2):totable()), ser(t:narrow(1, -1, 1):totable())"),
                       ["{{2,3},{5,6}}", "{{4,5,6}}"])
        XCTAssertEqual(lua.values("return ser(t:sub(1, 1, 2, 3):totable()), ser(t:sub(-1, -1):totable()), ser(t:sub(1, 2, -1, -1):totable())"),
                       ["{{2,3}}", "{{4,5,6}}", "{{3},{6}}"])
        XCTAssertEqual(lua.values("t:set(9, 1, 3); t[2] = 0; return ser(t:totable())"), ["{{1,2,9},{0,0,0}}"])
        XCTAssertEqual(lua.values("t[2] = tensor.from({7, 8, 9}); return ser(t:totable())"), ["{{1,2,9},{7,8,9}}"])
        XCTAssertEqual(lua.values("local v = tensor.arange(1, 4); v[2] = 5; return v[2], #v, ser(v:totable())"), ["5.0", "3", "{1,5,3}"])
        // Parts are copies: changing one leaves the tensor it came from alone.
        XCTAssertEqual(lua.values("local r = t[1]; r[1] = 100; local c = t:clone(); c:set(-1, 1, 1); return t:get(1, 1)"), ["1.0"])

        XCTAssertEqual(lua.errorMessage("return t[0]"), "stdin:1: bad argument #2 to 'index' (index 0 out of range for dimension 1 of size 2)")
        XCTAssertEqual(lua.errorMessage("return t:get(3, 1)"), "stdin:1: bad argument #1 to 'get' (index 3 out of range for dimension 1 of size 2)")
        XCTAssertEqual(lua.errorMessage("return t:get(1)"), "stdin:1: bad argument #1 to 'get' (2 indices expected for a tensor of size [2, 3], got 1)")
        XCTAssertEqual(lua.errorMessage("return t:narrow(3, 1, 1)"),
                       "stdin:1: bad argument #1 to 'narrow' (dimension 3 out of range for a tensor of size [2, 3] (1 to 2, or -2 to -1 from the end))")
        XCTAssertEqual(lua.errorMessage("return t:narrow(2, 2, 3)"),
                       "stdin:1: bad argument #3 to 'narrow' (length 3 from 2 does not fit dimension 2 of size 3)")
        XCTAssertEqual(lua.errorMessage("return t:select('x', 1)"), "stdin:1: bad argument #1 to 'select' (number expected, got string)")
        XCTAssertEqual(lua.errorMessage("t[1] = tensor.ones(2)"), "stdin:1: bad argument #3 to 'newindex' (a row of size [3] expected, got size [2])")
        XCTAssertEqual(lua.errorMessage("return t:sub(2, 1)"), "stdin:1: bad argument #2 to 'sub' (end 1 is before start 2 in dimension 1)")
        XCTAssertEqual(lua.values("return t.nosuchfield"), ["nil"])
    }

    func testShapeOperations() {
        _ = lua.values("t = tensor.arange(1, 7):reshape(2, 3)")
        XCTAssertEqual(lua.values("return ser(t:totable()), ser(t:reshape({3, -1}):shape()), ser(t:view(6):totable())"),
                       ["{{1,2,3},{4,5,6}}", "{3,2}", "{1,2,3,4,5,6}"])
        XCTAssertEqual(lua.values("return ser(t:t():totable()), ser(t:transpose(1, 2):totable())"),
                       ["{{1,4},{2,5},{3,6}}", "{{1,4},{2,5},{3,6}}"])
        XCTAssertEqual(lua.values("local z = tensor.zeros(2, 3, 4); return ser(z:permute(3, 1, 2):shape()), ser(z:permute({2, 3, 1}):shape()), ser(z:transpose(1, -1):shape())"),
                       ["{4,2,3}", "{3,4,2}", "{4,3,2}"])
        XCTAssertEqual(lua.values("local z = tensor.zeros(1, 3, 1); return ser(z:squeeze():shape()), ser(z:squeeze(3):shape()), ser(z:unsqueeze(1):shape()), ser(z:unsqueeze(-1):shape())"),
                       ["{3}", "{1,3}", "{1,1,3,1}", "{1,3,1,1}"])
        XCTAssertEqual(lua.values("return ser(tensor.cat({t, t}):shape()), ser(tensor.cat({t, tensor.ones(2, 1)}, 2):totable())"),
                       ["{4,3}", "{{1,2,3,1},{4,5,6,1}}"])
        XCTAssertEqual(lua.values("return ser(tensor.stack({t, t}):shape()), ser(tensor.stack({t, t}, 3):shape())"), ["{2,2,3}", "{2,3,2}"])
        XCTAssertEqual(lua.errorMessage("return t:reshape(4, 2)"),
                       "stdin:1: bad argument #1 to 'reshape' (cannot reshape a tensor of size [2, 3] to [4, 2]: 6 elements vs 8)")
        XCTAssertEqual(lua.errorMessage("return t:permute(1, 1)"), "stdin:1: bad argument #1 to 'permute' (dimensions [1, 1] name a dimension twice)")
        XCTAssertEqual(lua.errorMessage("return tensor.cat({t, tensor.ones(3)})"),
                       "stdin:1: bad argument #1 to 'cat' (tensor 2 has size [3], tensor 1 has size [2, 3]; ranks differ)")
        XCTAssertEqual(lua.errorMessage("return tensor.stack({t, 3})"), "stdin:1: bad argument #1 to 'stack' (Tensor expected at [2], got number)")
    }

    func testArithmeticBroadcasts() {
        _ = lua.values("a = tensor.from({{1, 2, 3}, {4, 5, 6}}); b = tensor.from({10, 20, 30}); c = tensor.from({{100}, {200}})")
        let a: [[Double]] = [[1, 2, 3], [4, 5, 6]], b: [Double] = [10, 20, 30], c: [Double] = [100, 200]
        func each(_ f: (Int, Int) -> Double) -> String { ser((0..<2).map { i in (0..<3).map { j in f(i, j) } }) }
        XCTAssertEqual(lua.values("return ser((a + b):totable())"), [each { a[$0][$1] + b[$1] }])
        XCTAssertEqual(lua.values("return ser((a - c):totable())"), [each { a[$0][$1] - c[$0] }])
        XCTAssertEqual(lua.values("return ser((b * c):totable())"), [each { b[$1] * c[$0] }])
        XCTAssertEqual(lua.values("return ser((a / b):totable())"), [each { Double(Float(a[$0][$1]) / Float(b[$1])) }])
        XCTAssertEqual(lua.values("return ser((2 * a):totable()), ser((a * 2):totable())"), [each { 2 * a[$0][$1] }, each { 2 * a[$0][$1] }])
        XCTAssertEqual(lua.values("return ser((1 - a):totable()), ser((a - 1):totable())"), [each { 1 - a[$0][$1] }, each { a[$0][$1] - 1 }])
        XCTAssertEqual(lua.values("return ser((a ^ 2):totable()), ser((2 ^ b):totable())"),
                       [each { a[$0][$1] * a[$0][$1] }, ser(b.map { Foundation.pow(2, $0) })])
        XCTAssertEqual(lua.values("return ser((-a):totable()), ser((a - a:mean(2, true)):totable())"),
                       [each { -a[$0][$1] }, each { a[$0][$1] - a[$0].reduce(0, +) / 3 }])
        XCTAssertEqual(lua.values("return tensor.from({1, 2}) == tensor.from({1, 2}), tensor.from({1, 2}) == tensor.from({1, 3}), a == 1"),
                       ["true", "false", "false"])
        XCTAssertEqual(lua.values("return ser(tensor.from({-1, 4}):abs():totable()), ser(tensor.from({4, 9}):sqrt():totable()), ser(tensor.from({-2, 0.5, 3}):clamp(-1, 1):totable()), ser(tensor.from({-2, 3}):relu():totable())"),
                       ["{1,4}", "{2,3}", "{-1,0.5,1}", "{0,3}"])
        XCTAssertEqual(lua.values("local x = tensor.from({0.5, -1}); return (x:exp():log() - x):abs():max() < 1e-6, (x:sigmoid() - 1 / (1 + (-x):exp())):abs():max() < 1e-6, (x:tanh() - (x:exp() - (-x):exp()) / (x:exp() + (-x):exp())):abs():max() < 1e-6"),
                       ["true", "true", "true"])
        XCTAssertEqual(lua.errorMessage("return a + tensor.ones(2)"),
                       "stdin:1: bad argument #2 to 'add' (sizes [2, 3] and [2] do not broadcast: 3 against 2 in the last dimension from the end (sizes must match or be 1))")
        XCTAssertEqual(lua.errorMessage("return a * {}"), "stdin:1: bad argument #2 to 'mul' (number or Tensor expected, got table)")
        XCTAssertEqual(lua.errorMessage("return {} - a"), "stdin:1: bad argument #1 to 'sub' (number or Tensor expected, got table)")
    }

    func testProductsMatchHandComputation() {
        let a: [[Double]] = [[1, 2], [3, 4], [5, 6]], b: [[Double]] = [[7, 8, 9], [10, 11, 12]], v: [Double] = [1, -1, 2]
        var ab = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<2 { ab[i][j] += a[i][k] * b[k][j] } } }
        let bv = (0..<2).map { i in (0..<3).reduce(0.0) { $0 + b[i][$1] * v[$1] } }
        _ = lua.values("A = tensor.from({{1, 2}, {3, 4}, {5, 6}}); B = tensor.from({{7, 8, 9}, {10, 11, 12}}); v = tensor.from({1, -1, 2})")
        XCTAssertEqual(lua.values("return ser(A:mm(B):totable()), ser(A:matmul(B):totable()), ser(B:matmul(v):totable())"),
                       [ser(ab), ser(ab), ser(bv)])
        XCTAssertEqual(lua.values("return v:dot(v), ser(v:outer(tensor.from({1, 10})):totable()), v:matmul(v):item()"),
                       ["6.0", ser(v.map { [$0, $0 * 10] }), "6.0"])
        XCTAssertEqual(lua.values("return ser(tensor.ones(4, 2, 3):matmul(B:t()):shape())"), ["{4,2,2}"])
        XCTAssertEqual(lua.errorMessage("return A:mm(A)"), "stdin:1: bad argument #1 to 'mm' (inner dimensions differ: [3, 2] x [3, 2])")
        XCTAssertEqual(lua.errorMessage("return A:mm(v)"), "stdin:1: bad argument #1 to 'mm' (2-D tensor expected, got size [3]; t:matmul handles other ranks)")
        XCTAssertEqual(lua.errorMessage("return v:dot(A)"), "stdin:1: bad argument #1 to 'dot' (expects two 1-D tensors of one length, got [3] and [3, 2])")
    }

    func testReductions() {
        let rows: [[Double]] = [[1, 5, 3], [4, 2, 6]]
        let flat = rows.flatMap { $0 }
        let mean = flat.reduce(0, +) / 6
        let variance = flat.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 5
        _ = lua.values("t = tensor.from({{1, 5, 3}, {4, 2, 6}})")
        XCTAssertEqual(lua.values("return ser(t:sum()), ser(t:sum(1):totable()), ser(t:sum(2):totable()), ser(t:sum(2, true):shape())"),
                       [ser(flat.reduce(0, +)), ser([5, 7, 9]), ser([9, 12]), "{2,1}"])
        XCTAssertEqual(lua.values("return ser(t:mean()), ser(t:var()), ser(t:std()), ser(t:mean(-1):totable())"),
                       [ser(mean), ser(Double(Float(variance))), ser(Double(Float(variance.squareRoot()))), ser([3, 4])])
        XCTAssertEqual(lua.values("local v, i = t:max(); local w, j = t:min(); return v, i, w, j, t:argmax(), t:argmin()"),
                       ["6.0", "6", "1.0", "1", "6", "1"])
        XCTAssertEqual(lua.values("local v, i = t:max(2); return ser(v:totable()), ser(i:totable()), ser(t:argmin(1):totable())"),
                       ["{5,6}", "{2,3}", "{1,2,1}"])
        XCTAssertEqual(lua.values("return ser(t:norm()), ser(t:norm(1)), ser(t:norm(math.huge)), ser(t:norm(2, 2):totable())"),
                       [ser(Double(Float(flat.reduce(0) { $0 + $1 * $1 }.squareRoot()))), ser(21), ser(6),
                        ser(rows.map { Double(Float($0.reduce(0) { $0 + $1 * $1 }.squareRoot())) })])
        XCTAssertEqual(lua.values("""
            local p = t:softmax(); local q = t:log_softmax(2):exp()
            return ser(p:sum(2):totable()), (p - q):abs():max() < 1e-6, ser(t:softmax(1):sum(1):totable())
            """), ["{1,1}", "true", "{1,1,1}"])
        XCTAssertEqual(lua.values("local v, i = tensor.from({0.1, 0.7, 0.2, 0.9}):topk(2); return ser(v:totable()), ser(i:totable())"),
                       [ser([Double(Float(0.9)), Double(Float(0.7))]), "{4,2}"])
        XCTAssertEqual(lua.values("local v, i = tensor.from({3, 1, 2}):topk(1, false); return ser(v:totable()), ser(i:totable())"), ["{1}", "{2}"])
        XCTAssertEqual(lua.values("local v, i = tensor.from({3, 1, 2}):sort(); local w, j = t:sort(2, true); return ser(v:totable()), ser(i:totable()), ser(j:totable())"),
                       ["{1,2,3}", "{2,3,1}", "{{2,3,1},{3,1,2}}"])
        XCTAssertEqual(lua.values("return ser(tensor.cosine(tensor.from({1, 0}), tensor.from({1, 1}))), ser(tensor.cosine(t, t):totable())"),
                       [ser(Double(Float(1 / 2.0.squareRoot()))), "{1,1}"])
        XCTAssertEqual(lua.errorMessage("return t:item()"), "stdin:1: calling 'item' on bad self (tensor of size [2, 3] has 6 elements, expected 1)")
        XCTAssertEqual(lua.errorMessage("return t:topk(4)"), "stdin:1: bad argument #1 to 'topk' (k = 4 out of range for a last dimension of size 3)")
        XCTAssertEqual(lua.errorMessage("return tensor.zeros(0):max()"), "stdin:1: calling 'max' on bad self (the tensor is empty)")
        XCTAssertEqual(lua.errorMessage("return t:sum(0)"),
                       "stdin:1: bad argument #1 to 'sum' (dimension 0 out of range for a tensor of size [2, 3] (1 to 2, or -2 to -1 from the end))")
    }

    func testNpyRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ie-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.npy").path
        try lua.setGlobal("path", .string(path))
        XCTAssertEqual(lua.values("t = tensor.randn(3, 4, {seed = 5}); t:save(path); u = tensor.load(path); return u == t, ser(u:shape())"),
                       ["true", "{3,4}"])
        // The file is plain NumPy: Core reads it back the same.
        let t = try XCTUnwrap(try lua.global("t").object(as: TensorBox.self)).tensor
        XCTAssertEqual(try Npy.load(path), t)
        XCTAssertTrue(lua.errorMessage("return tensor.load(path .. '.missing')").hasPrefix("stdin:1: bad argument #1 to 'load' (cannot read"))
    }

    func testPrintingUsesTorchStyle() throws {
        XCTAssertEqual(lua.values("return tostring(tensor.eye(2))"), [try Tensor.eye(2).format()])
        let printed = lua.run("return tensor.arange(1, 5):reshape(2, 2)")
        XCTAssertEqual(printed.values, [try Tensor(rows: [[1, 2], [3, 4]]).format()])
        XCTAssertTrue(printed.values.first?.hasSuffix("[Tensor of size 2x2]") ?? false, printed.values.first ?? "")
    }

    func testArgumentErrorsNameTheArgument() {
        XCTAssertEqual(lua.errorMessage("return tensor.zeros('x')"), "stdin:1: bad argument #1 to 'zeros' (sizes expected, got string)")
        XCTAssertEqual(lua.errorMessage("return tensor.zeros(2, -1)"), "stdin:1: bad argument #1 to 'zeros' (size -1 is negative)")
        XCTAssertEqual(lua.errorMessage("return tensor.zeros(2, {seed = 1})"), "stdin:1: bad argument #2 to 'zeros' (no more arguments expected, got table)")
        XCTAssertEqual(lua.errorMessage("return tensor.zeros(1e6, 1e6)"),
                       "stdin:1: bad argument #1 to 'zeros' (size [1000000, 1000000] is too large (more than 1073741824 elements))")
        XCTAssertEqual(lua.errorMessage("return tensor.randn(2, {sead = 1})"), "stdin:1: bad argument #2 to 'randn' (unknown option 'sead' (known: seed))")
        XCTAssertEqual(lua.errorMessage("return tensor.from({{1, 2}, {3}})"),
                       "stdin:1: bad argument #1 to 'from' (tables are not rectangular: the table at [2] has 1 elements, expected 2)")
        XCTAssertEqual(lua.errorMessage("return tensor.from({1, 'x'})"), "stdin:1: bad argument #1 to 'from' (a number expected at [2], got string)")
        XCTAssertEqual(lua.errorMessage("return tensor.from({{1}, 2})"), "stdin:1: bad argument #1 to 'from' (a table of 1 expected at [2], got number)")
        XCTAssertEqual(lua.errorMessage("return tensor.from({tensor.ones(2), tensor.ones(3)})"),
                       "stdin:1: bad argument #1 to 'from' (tables are not rectangular: the Tensor at [2] has size [3], expected [2])")
        XCTAssertEqual(lua.errorMessage("return tensor.from('x')"), "stdin:1: bad argument #1 to 'from' (table or number expected, got string)")
        XCTAssertEqual(lua.errorMessage("return tensor.arange(0, 1, 0)"), "stdin:1: bad argument #3 to 'arange' (step must not be zero)")
        XCTAssertEqual(lua.errorMessage("return tensor.arange(0, 1e300)"),
                       "stdin:1: bad argument #2 to 'arange' (the range would have more than 1073741824 elements)")
        XCTAssertEqual(lua.errorMessage("return tensor.cosine(tensor.ones(2), {})"), "stdin:1: bad argument #2 to 'cosine' (Tensor expected, got table)")
        XCTAssertEqual(lua.errorMessage("return tensor.ones(2):mm()"), "stdin:1: bad argument #1 to 'mm' (Tensor expected, got no value)")
        XCTAssertEqual(lua.errorMessage("return #tensor.from(1)"), "stdin:1: bad argument #1 to 'len' (a scalar tensor has no length)")
    }

    func testEveryFunctionAndMethodHasHelp() throws {
        let names = lua.values("""
            local names = {}
            for _, m in ipairs({'tensor', 'plot', 'analysis'}) do
              for k, v in pairs(_G[m]) do if type(v) == 'function' then names[#names + 1] = m .. '.' .. k end end
            end
            for k in pairs(getmetatable(tensor.ones(1)).__methods) do names[#names + 1] = 'Tensor:' .. k end
            table.sort(names)
            return table.concat(names, ' ')
            """).first?.split(separator: " ").map(String.init) ?? []
        XCTAssertGreaterThan(names.count, 60)
        for name in names {
            let entry = try XCTUnwrap(lua.help.entry(named: name), "no help for \(name)")
            XCTAssertFalse(entry.summary.isEmpty, name)
            XCTAssertFalse(entry.example.isEmpty, name)
            XCTAssertTrue(entry.signature.contains(name.split(whereSeparator: { $0 == "." || $0 == ":" }).last ?? ""), name)
        }
        XCTAssertNotNil(lua.help.text(for: "Tensor"))
        XCTAssertTrue(lua.helpText(for: "tensor.zeros").contains("tensor.zeros(sizes...) -> Tensor"))
    }
}
