import Foundation
import XCTest
@testable import Core

/// Full-size editor for SmolLM2-135M's default inner weights: the MLP matrices of the last
/// three blocks (gate and up (1536, 576), down (576, 1536); D = 2112), N = 40 rows each.
final class MENDEditorTimingTests: XCTestCase {
    static func smolLMConfig(rank: Int = MENDConfig.defaultRank) -> MENDConfig {
        let weights = (27...29).flatMap { l -> [MENDConfig.InnerWeight] in
            let p = "model.layers.\(l).mlp."
            return [.init(name: p + "gate_proj.weight", rows: 1536, cols: 576),
                    .init(name: p + "up_proj.weight", rows: 1536, cols: 576),
                    .init(name: p + "down_proj.weight", rows: 576, cols: 1536)]
        }
        return MENDConfig(innerWeights: weights, rank: rank)
    }

    /// Seconds per meta-training step of the editor: transform + backward of all nine weights.
    static func timeStep(_ editor: MENDEditor, rows n: Int, repeats: Int) throws -> (seconds: Double, cosines: [Double]) {
        var rng = SeededRandom(seed: 1)
        let inputs = editor.config.innerWeights.map { w in
            (randomFloats(n * w.cols, &rng), randomFloats(n * w.rows, &rng, scale: 1e-3), randomFloats(w.rows * w.cols, &rng))
        }
        var best = Double.infinity
        var cosines: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            editor.zeroGradients()
            var transformed: [MENDTransformed] = []
            for (l, (u, d, g)) in inputs.enumerated() {
                let t = try editor.transform(weight: l, u: u, delta: d, rows: n)
                try editor.backward(t, weightGradient: g)
                transformed.append(t)
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            cosines = transformed.map { editor.diagnostics($0).cosine }
        }
        return (best, cosines)
    }

    func testFullSizeStepAtDefaultRank() throws {
        let editor = try MENDEditor(config: Self.smolLMConfig())
        XCTAssertEqual(editor.shapes.count, 2)
        XCTAssertEqual(editor.parameters.count, 2 * 2 * (2 * 2112 * 576 + 2112) + 2 * 2 * 2112 * (6 + 3))
        let (seconds, cosines) = try Self.timeStep(editor, rows: 40, repeats: 3)
        // At initialisation the editor is the identity, so ∇̃W = ∇W for every weight.
        for c in cosines { XCTAssertEqual(c, 1, accuracy: 1e-4) }
        XCTAssertTrue(GradientClipping.allFinite([editor.parameterGradients, editor.stepSizeGradients]))
        XCTAssertGreaterThan(GradientClipping.globalNorm([editor.parameterGradients]), 0)
        print(String(format: "MEND timing: transform+backward, 9 MLP weights, N=40, rank %d: %.1f ms (best of 3), %d editor parameters",
                     editor.config.rank, seconds * 1000, editor.parameters.count))
    }
}
