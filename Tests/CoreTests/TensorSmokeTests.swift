import XCTest
@testable import Core

final class TensorSmokeTests: XCTestCase {
    func testPrint() throws {
        print(try Tensor.randn([3, 4], seed: 1))
        print(try Tensor.randn([3, 4], seed: 1).mul(0.001))
        print(try Tensor.randn([3, 20], seed: 1).mul(100))
        print(try Tensor.arange(0, 12).reshape([3, 4]))
        print(try Tensor.randn([30], seed: 1))
        print(try Tensor.randn([2, 3, 4], seed: 1))
        print(try Tensor.randn([5, 49152], seed: 1).format())
        print(Tensor(scalar: 3.14159))
        print(try Tensor.randn([2, 3], seed: 1).mul(1e6))
        print(try Tensor.randn([2, 3], seed: 1).pow(3).mul(100))
    }
}
