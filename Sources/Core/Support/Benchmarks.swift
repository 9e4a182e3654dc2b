import CBLAS
import CKernels
import Foundation

/// Measurements for `instructedit bench`.
public enum Benchmarks {
    /// Median wall time of `repeats` runs of `body`, after one warm-up run.
    public static func median(repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repeats {
            let t = Date()
            try body()
            times.append(Date().timeIntervalSince(t))
        }
        return times.sorted()[times.count / 2]
    }

    /// The machine's BLAS ceiling: GFLOP/s of an n³ sgemm (best of three).
    public static func sgemmGFLOPS(n: Int = 2048) -> Double {
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        for _ in 0..<3 {
            let t = Date()
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
            best = min(best, Date().timeIntervalSince(t))
        }
        return 2 * Double(n * n * n) / best / 1e9
    }

    /// The vector path the C kernels take on this CPU: "avx512", "avx2" or "portable".
    public static var vectorPath: String { String(cString: ie_kernel_path_name()) }

    /// The vector paths, widest last; `useVectorPath` takes one of these names.
    public static let vectorPaths = ["portable", "avx2", "avx512"]

    /// Makes the kernels take a narrower path than the CPU's widest, so that paths can be compared
    /// on one machine. Throws when the CPU lacks `name`'s instructions.
    public static func useVectorPath(_ name: String) throws {
        guard let path = vectorPaths.firstIndex(of: name) else {
            throw InstructEditError("unknown vector path '\(name)' (\(vectorPaths.joined(separator: ", ")))")
        }
        guard path <= Int(ie_kernel_path_supported()) else {
            throw InstructEditError("this CPU has no \(name) path (its widest is \(vectorPaths[Int(ie_kernel_path_supported())]))")
        }
        _ = ie_set_kernel_path(Int32(path))
    }

    /// Peak resident memory of this process, MB.
    public static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024   // kilobytes on Linux
    }
}
