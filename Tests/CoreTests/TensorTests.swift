import XCTest
@testable import Core

final class TensorTests: XCTestCase {
    private func m(_ rows: [[Float]]) throws -> Tensor { try Tensor(rows: rows) }

    private func assertThrows(_ needle: String, _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            let message = (error as? InstructEditError)?.message ?? "\(error)"
            XCTAssertTrue(message.contains(needle), "'\(message)' lacks '\(needle)'", line: line)
        }
    }

    func testCreation() throws {
        XCTAssertEqual(try Tensor.ones([2, 3]).data, [Float](repeating: 1, count: 6))
        XCTAssertEqual(try Tensor.full([2], 7).data, [7, 7])
        XCTAssertEqual(try Tensor.arange(0, 1, 0.25).data, [0, 0.25, 0.5, 0.75])
        XCTAssertEqual(try Tensor.arange(5, 0, -2).data, [5, 3, 1])
        XCTAssertEqual(try Tensor.eye(2, 3).data, [1, 0, 0, 0, 1, 0])
        XCTAssertEqual(try Tensor.randn([100], seed: 3), try Tensor.randn([100], seed: 3))
        XCTAssertNotEqual(try Tensor.randn([100], seed: 3), try Tensor.randn([100], seed: 4))
        assertThrows("negative") { _ = try Tensor.zeros([2, -1]) }
        assertThrows("step") { _ = try Tensor.arange(0, 1, 0) }
        assertThrows("needs 6 values") { _ = try Tensor(validating: [2, 3], data: [1, 2]) }
    }

    func testRandomDistributions() throws {
        let n = try Tensor.randn([20000], seed: 11)
        XCTAssertEqual(n.mean(), 0, accuracy: 0.03)
        XCTAssertEqual(n.std(), 1, accuracy: 0.03)
        let u = try Tensor.rand([20000], seed: 11)
        XCTAssertGreaterThanOrEqual(try u.min(), 0)
        XCTAssertLessThan(try u.max(), 1)
        XCTAssertEqual(u.mean(), 0.5, accuracy: 0.01)
    }

    func testNested() throws {
        let t = try Tensor(nested: .list([.list([.value(1), .value(2)]), .list([.value(3), .value(4)])]))
        XCTAssertEqual(t.shape, [2, 2])
        XCTAssertEqual(t.data, [1, 2, 3, 4])
        XCTAssertEqual(try Tensor(nested: t.toNested()), t)
        assertThrows("not rectangular") { _ = try Tensor(rows: [[1, 2], [3]]) }
        assertThrows("not rectangular") {
            _ = try Tensor(nested: .list([.list([.value(1)]), .value(2)]))
        }
    }

    func testReshapeSqueezePermute() throws {
        let t = try Tensor.arange(0, 24).reshape([2, 3, 4])
        XCTAssertEqual(try t.reshape([4, -1]).shape, [4, 6])
        assertThrows("cannot reshape") { _ = try t.reshape([5, -1]) }
        assertThrows("only one size may be -1") { _ = try t.reshape([-1, -1]) }
        XCTAssertEqual(try t.unsqueeze(1).shape, [2, 1, 3, 4])
        XCTAssertEqual(try t.unsqueeze(-1).shape, [2, 3, 4, 1])
        XCTAssertEqual(try t.unsqueeze(0).squeeze().shape, [2, 3, 4])
        let p = try t.permute([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            XCTAssertEqual(try p.element(at: [k, i, j]), try t.element(at: [i, j, k]))
        }}}
        XCTAssertEqual(try t.transpose(0, 2), try t.permute([2, 1, 0]))
        XCTAssertEqual(try m([[1, 2, 3], [4, 5, 6]]).t().data, [1, 4, 2, 5, 3, 6])
        assertThrows("repeat") { _ = try t.permute([0, 0, 1]) }
        assertThrows("dimension 3 out of range") { _ = try t.transpose(0, 3) }
    }

    func testIndexing() throws {
        let t = try Tensor.arange(0, 12).reshape([3, 4])
        XCTAssertEqual(try t.narrow(1, start: 1, length: 2).data, [1, 2, 5, 6, 9, 10])
        XCTAssertEqual(try t.select(0, 1).data, [4, 5, 6, 7])
        XCTAssertEqual(try t.select(1, -1).data, [3, 7, 11])
        XCTAssertEqual(try t.indexSelect(0, [2, 0, 2]).data, [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11])
        var u = t
        try u.setElement(-1, at: [2, 3])
        XCTAssertEqual(try u.element(at: [2, 3]), -1)
        assertThrows("index 3 out of range for dimension 0") { _ = try t.element(at: [3, 0]) }
        assertThrows("1 indices given for a tensor of rank 2") { _ = try t.element(at: [0]) }
        assertThrows("out of range") { _ = try t.narrow(1, start: 3, length: 2) }
        let c = try Tensor.concat([t, t.narrow(0, start: 0, length: 1)], dim: 0)
        XCTAssertEqual(c.shape, [4, 4])
        XCTAssertEqual(try Tensor.concat([t, t], dim: 1).select(0, 1).data, [4, 5, 6, 7, 4, 5, 6, 7])
        let s = try Tensor.stack([t, t.mul(2)], dim: 1)
        XCTAssertEqual(s.shape, [3, 2, 4])
        XCTAssertEqual(try s.element(at: [1, 1, 2]), 12)
        assertThrows("only dimension 0 may differ") { _ = try Tensor.concat([t, t.t()], dim: 0) }
    }

    func testBroadcastingArithmetic() throws {
        let a = try m([[1, 2, 3], [4, 5, 6]])
        let row = Tensor([10, 20, 30])
        let col = try m([[1], [2]])
        XCTAssertEqual(try a.add(row).data, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual(try a.mul(col).data, [1, 2, 3, 8, 10, 12])
        XCTAssertEqual(try col.sub(row).shape, [2, 3])
        XCTAssertEqual(try col.sub(row).data, [-9, -19, -29, -8, -18, -28])
        XCTAssertEqual(try a.div(Tensor(scalar: 2)).data, [0.5, 1, 1.5, 2, 2.5, 3])
        XCTAssertEqual(try a.pow(Tensor([2, 1, 0])).data, [1, 2, 1, 16, 5, 1])
        let b3 = try Tensor.ones([4, 1, 3]).add(a)
        XCTAssertEqual(b3.shape, [4, 2, 3])
        XCTAssertEqual(try b3.select(0, 3).data, a.add(1).data)
        assertThrows("cannot be broadcast") { _ = try a.add(Tensor([1, 2])) }
        XCTAssertEqual(a.neg().sum(), -21)
        XCTAssertEqual(try Tensor([-2, 0.5, 3]).clamp(min: 0, max: 1).data, [0, 0.5, 1])
        XCTAssertEqual(Tensor([-1, 2]).relu().data, [0, 2])
        XCTAssertEqual(Tensor([0]).sigmoid().data[0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(Tensor([1]).exp().log().data[0], 1, accuracy: 1e-6)
        XCTAssertEqual(Tensor([-4]).abs().sqrt().data, [2])
        assertThrows("min 2.0 is greater") { _ = try a.clamp(min: 2, max: 1) }
    }

    func testMatmulAgainstLoops() throws {
        let a = try Tensor.randn([3, 5], seed: 1), b = try Tensor.randn([5, 4], seed: 2)
        func naive(_ a: Tensor, _ b: Tensor) -> [Float] {
            let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
            var c = [Float](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n { for l in 0..<k { c[i * n + j] += a.data[i * k + l] * b.data[l * n + j] } } }
            return c
        }
        let c = try a.matmul(b)
        XCTAssertEqual(c.shape, [3, 4])
        XCTAssertTrue(c.allclose(Tensor(shape: [3, 4], data: naive(a, b)), rtol: 1e-5, atol: 1e-5))
        let v = try Tensor.randn([5], seed: 3)
        XCTAssertTrue(try a.matmul(v).allclose(try a.matmul(v.unsqueeze(1)).flatten(), atol: 1e-6))
        XCTAssertTrue(try v.matmul(b).allclose(try v.unsqueeze(0).matmul(b).flatten(), atol: 1e-6))
        let batch = try Tensor.stack([a, a.mul(2)])
        let bc = try batch.matmul(b)
        XCTAssertEqual(bc.shape, [2, 3, 4])
        XCTAssertTrue(try bc.select(0, 1).allclose(c.mul(2), atol: 1e-5))
        XCTAssertTrue(try batch.matmul(Tensor.stack([b, b])).allclose(bc, atol: 1e-6))
        XCTAssertEqual(try Tensor([1, 2, 3]).dot(Tensor([4, 5, 6])), 32)
        XCTAssertEqual(try Tensor([1, 2]).outer(Tensor([3, 4, 5])).data, [3, 4, 5, 6, 8, 10])
        assertThrows("matmul: inner dimensions differ: [3, 5] x [4, 5]") { _ = try a.matmul(b.t()) }
    }

    func testReductions() throws {
        let t = try m([[1, 5, 3], [4, 2, 6]])
        XCTAssertEqual(t.sum(), 21)
        XCTAssertEqual(try t.sum(dim: 0).data, [5, 7, 9])
        XCTAssertEqual(try t.sum(dim: 1, keepdim: true).shape, [2, 1])
        XCTAssertEqual(try t.mean(dim: -1).data, [3, 4])
        let (values, indices) = try t.max(dim: 1)
        XCTAssertEqual(values.data, [5, 6])
        XCTAssertEqual(indices.data, [1, 2])
        XCTAssertEqual(try t.min(dim: 0).indices.data, [0, 1, 0])
        XCTAssertEqual(try t.argmax(), 5)
        XCTAssertEqual(try t.argmin(dim: 1).data, [0, 1])
        XCTAssertEqual(Tensor([1, 2, 3, 4]).variance(), 5.0 / 3.0, accuracy: 1e-6)
        XCTAssertEqual(Tensor([1, 2, 3, 4]).variance(unbiased: false), 1.25, accuracy: 1e-6)
        XCTAssertEqual(try t.std(dim: 0).data, [Float(4.5).squareRoot(), Float(4.5).squareRoot(), Float(4.5).squareRoot()])
        XCTAssertEqual(try Tensor([3, -4]).norm(), 5)
        XCTAssertEqual(try Tensor([3, -4]).norm(p: 1), 7)
        XCTAssertEqual(try Tensor([3, -4]).norm(p: .infinity), 4)
        XCTAssertEqual(try Tensor([3, -4]).norm(p: 3), Float(Foundation.pow(91.0, 1.0 / 3.0)), accuracy: 1e-5)
        XCTAssertEqual(try t.norm(dim: 1).data[0], Float(35).squareRoot(), accuracy: 1e-6)
        assertThrows("argmax: tensor is empty") { _ = try Tensor([]).argmax() }
        assertThrows("norm: p must be positive") { _ = try t.norm(p: 0) }
    }

    func testSoftmaxIsStableAndNormalised() throws {
        let x = try m([[1000, 1001, 1002], [-5, 0, 5]])
        let s = try x.softmax(dim: 1)
        XCTAssertFalse(s.data.contains { $0.isNaN })
        XCTAssertEqual(try s.sum(dim: 1).data[0], 1, accuracy: 1e-6)
        let e: [Float] = [1, Float(M_E), Float(M_E * M_E)].map { $0 / Float(1 + M_E + M_E * M_E) }
        XCTAssertTrue(Tensor(Array(s.data[0..<3])).allclose(Tensor(e), atol: 1e-6))
        XCTAssertTrue(try x.logSoftmax().allclose(s.log(), atol: 1e-5))
        let col = try x.softmax(dim: 0)
        XCTAssertEqual(try col.sum(dim: 0).data, [1, 1, 1])
    }

    func testTopkAndSort() throws {
        let x = try m([[0.1, 0.9, 0.5, 0.9], [3, 1, 2, 0]])
        let (v, i) = try x.topk(2)
        XCTAssertEqual(v.data, [0.9, 0.9, 3, 2])
        XCTAssertEqual(i.data, [1, 3, 0, 2])
        XCTAssertEqual(try x.topk(1, largest: false).indices.data, [0, 3])
        let big = try Tensor.randn([1000], seed: 5)
        let top = try big.topk(10)
        let sorted = try big.sort(descending: true)
        XCTAssertEqual(top.values.data, Array(sorted.values.data[0..<10]))
        XCTAssertEqual(top.values.data, Array(big.data.sorted(by: >)[0..<10]))
        XCTAssertEqual(try x.sort(dim: 0).values.data, [0.1, 0.9, 0.5, 0, 3, 1, 2, 0.9])
        assertThrows("k = 5 out of range") { _ = try x.topk(5) }
    }

    func testCosineAndAllclose() throws {
        XCTAssertEqual(try Tensor([1, 0]).cosineSimilarity(Tensor([1, 1])).item(), Float(0.5).squareRoot(), accuracy: 1e-6)
        let rows = try m([[1, 0], [0, 2], [0, 0]]).cosineSimilarity(m([[2, 0], [0, -1], [1, 1]]))
        XCTAssertEqual(rows.data, [1, -1, 0])
        XCTAssertTrue(Tensor([1, 2]).allclose(Tensor([1, 2.000001])))
        XCTAssertFalse(Tensor([1, 2]).allclose(Tensor([1, 2.1])))
        XCTAssertFalse(Tensor([1, 2]).allclose(Tensor([1, 2, 3])))
        XCTAssertFalse(Tensor([.nan]).allclose(Tensor([.nan])))
    }
}
