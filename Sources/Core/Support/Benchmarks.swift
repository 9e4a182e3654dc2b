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

    /// Peak resident memory of this process, MB.
    public static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024   // kilobytes on Linux
    }
}
