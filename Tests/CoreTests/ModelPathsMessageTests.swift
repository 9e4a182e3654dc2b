import XCTest
@testable import Core

/// A missing default model is reported with the variable that chose its place.
final class ModelPathsMessageTests: XCTestCase {
    func testAMissingModelUnderInstructEditHomeNamesThatVariable() throws {
        let (oldModel, oldHome) = (getenv("INSTRUCTEDIT_MODEL").map { String(cString: $0) }, getenv("INSTRUCTEDIT_HOME").map { String(cString: $0) })
        unsetenv("INSTRUCTEDIT_MODEL")
        setenv("INSTRUCTEDIT_HOME", "/nonexistent/home", 1)
        defer {
            if let oldModel { setenv("INSTRUCTEDIT_MODEL", oldModel, 1) }
            if let oldHome { setenv("INSTRUCTEDIT_HOME", oldHome, 1) } else { unsetenv("INSTRUCTEDIT_HOME") }
        }
        XCTAssertEqual(ModelPaths.defaultModelVariable, "INSTRUCTEDIT_HOME")
        XCTAssertThrowsError(try LanguageModel.load()) { e in
            XCTAssertEqual((e as? InstructEditError)?.message,
                           "default model not found at /nonexistent/home/models/SmolLM2-135M-Instruct.Q4_1.gguf (under INSTRUCTEDIT_HOME): run Scripts/setup.sh with the same INSTRUCTEDIT_HOME, or set INSTRUCTEDIT_MODEL")
        }
    }
}
