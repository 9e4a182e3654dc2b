import Bindings
import XCTest

extension LuaSession {
    /// Runs `code` as a chunk and returns its formatted results, failing the test on a Lua error.
    func values(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let result = run(code, mode: .chunk)
        if let error = result.error { XCTFail("Lua error: \(error)", file: file, line: line) }
        return result.values
    }

    /// Runs `code` as a chunk that must fail, and returns the error message.
    func errorMessage(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let result = run(code, mode: .chunk)
        guard let error = result.error else {
            XCTFail("expected a Lua error from: \(code)", file: file, line: line)
            return ""
        }
        return error.message
    }
}
