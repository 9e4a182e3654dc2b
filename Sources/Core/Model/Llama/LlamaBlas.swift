import CBLAS
import CKernels
import Dispatch
import Foundation
import Synchronization

/// C = alpha·op(A)·op(B) + beta·C, row-major: op(A) is (M, K), op(B) is (K, N), C is (M, N).
/// One row (M == 1) goes through sgemv, the faster kernel for a matrix-vector product.
@inline(__always)
func gemm(transA: Bool = false, transB: Bool = false, _ M: Int, _ N: Int, _ K: Int,
          _ A: UnsafePointer<Float>, lda: Int, _ B: UnsafePointer<Float>, ldb: Int,
          _ C: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
    if M == 1 {
        let incx = Int32(transA ? lda : 1)
        // c = op(B)ᵀ a: B stored (N, K) when transposed, (K, N) otherwise.
        if transB {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(N), Int32(K), alpha, B, Int32(ldb),
                        A, incx, beta, C, 1)
        } else {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(K), Int32(N), alpha, B, Int32(ldb),
                        A, incx, beta, C, 1)
        }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(M), Int32(N), Int32(K), alpha, A, Int32(lda), B, Int32(ldb), beta, C, Int32(ldc))
}

/// The three products of a linear layer y = x Wᵀ with x (T, in), W (out, in), y (T, out).
///
/// The forward product of two or more rows is our own kernel (CKernels, `ie_linear_forward`): tiles
/// of four weight rows × three rows of x in vector registers (six × eight with AVX-512), W read once per
/// block of x, the output rows split over the cores. On the 2-core development machine it is faster than OpenBLAS 0.3.21's
/// sgemm from 3 to 256 rows and equal at 1024 (`Scripts/bench/linear_kernels.c`, RESULTS.md
/// "Speed"), and each output is the same bits whatever the number of rows. One row stays with
/// sgemv, which is bound by reading W and reads it faster, unless the matrix still has the model
/// file's blocks (`LlamaWeights.product`, `BlockCopies`), which are fewer bytes to read.
///
/// The two backward products are our kernels too (`ie_linear_backward_input`, `_weight`): on the
/// shapes of an edit and a meta-training step about twice OpenBLAS's sgemm (RESULTS.md, "Backward
/// products on our kernels"), and each output is one fixed chain of fused multiply-adds, the same bits on every
/// vector path and thread count.
enum Linear {
    /// Below this many multiply-adds one thread is faster than waking a second.
    static let parallelWork = 1 << 17
    /// OpenBLAS's thread count (the cores, or OPENBLAS_NUM_THREADS): one setting for both, so runs
    /// side by side with OPENBLAS_NUM_THREADS=1 stay on one core each.
    static let cores = max(1, min(8, Int(openblas_get_num_threads())))
    /// Set while threads of our own share the cores (`onOneCore`): then each product stays on its
    /// caller's core. Outputs are the same bits either way.
    private static let pinned = Atomic<Int>(0)
    private static let blasThreads = Atomic<Int>(1)
    /// The cores one product may split over now.
    static var threads: Int { pinned.load(ordering: .relaxed) > 0 ? 1 : cores }

    /// Runs `body` with every product on its caller's core (when `active`).
    static func onOneCore<T>(if active: Bool = true, _ body: () throws -> T) rethrows -> T {
        guard active else { return try body() }
        // OpenBLAS's threads spin between calls, taking the core the other thread works on.
        if pinned.add(1, ordering: .relaxed).newValue == 1 {
            blasThreads.store(Int(openblas_get_num_threads()), ordering: .relaxed)
            openblas_set_num_threads(1)
        }
        defer {
            if pinned.subtract(1, ordering: .relaxed).newValue == 0 {
                openblas_set_num_threads(Int32(blasThreads.load(ordering: .relaxed)))
            }
        }
        return try body()
    }

    /// y (T, out) = x Wᵀ + beta·y (rows of y `ldy` apart, when y is a column block of a wider matrix).
    static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows T: Int, in n: Int,
                        out m: Int, _ y: UnsafeMutablePointer<Float>, ldy: Int? = nil, beta: Float = 0) {
        let ldy = ldy ?? m
        guard T > 1 else {  // one row is bound by reading W, where OpenBLAS's sgemv is fastest
            return gemm(transB: true, T, m, n, x, lda: n, w, ldb: n, y, ldc: ldy, beta: beta)
        }
        parallelRows(m, work: T * m * n) { lo, hi in   // each part writes its own columns of y
            ie_linear_forward(x, Int32(T), Int32(n), Int32(n), w, Int32(lo), Int32(hi), y, Int32(ldy), beta)
        }
    }

    /// Runs `body(lo, hi)` over parts of 0..<rows (multiples of 4), one per core when `work`
    /// multiply-adds are worth waking them for.
    static func parallelRows(_ rows: Int, work: Int, _ body: (Int, Int) -> Void) {
        let parts = work < parallelWork ? 1 : min(threads, max(1, rows / 4))
        if parts == 1 { return body(0, rows) }
        let per = (rows / parts + 3) / 4 * 4
        withoutActuallyEscaping(body) { body in
            let run = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { i in
                let body = run.value
                let lo = min(rows, i * per), hi = i == parts - 1 ? rows : min(rows, lo + per)
                if lo < hi { body(lo, hi) }
            }
        }
    }

    /// dx (T, in) = dy W + beta·dx (rows of dx `ldx` apart): our kernel (`ie_linear_backward_input`), dx's columns split
    /// over the cores.
    static func backwardInput(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows T: Int,
                              in n: Int, out m: Int, _ dx: UnsafeMutablePointer<Float>, ldx: Int? = nil, beta: Float = 0) {
        parallelRows(n, work: T * m * n) { lo, hi in
            ie_linear_backward_input(dy, Int32(T), Int32(m), Int32(m), w, Int32(n), Int32(lo), Int32(hi), dx, Int32(ldx ?? n), beta)
        }
    }

    /// dW (out, in) += dyᵀ x (rows of dy `ldy` apart, when dy is a column block of a wider matrix):
    /// our kernel (`ie_linear_backward_weight`), dW's rows split over the cores.
    static func backwardWeight(_ dy: UnsafePointer<Float>, ldy: Int? = nil, _ x: UnsafePointer<Float>,
                               rows T: Int, in n: Int, out m: Int, _ dw: UnsafeMutablePointer<Float>) {
        parallelRows(m, work: T * m * n) { lo, hi in
            ie_linear_backward_weight(dy, Int32(ldy ?? m), x, Int32(n), Int32(T), Int32(n), Int32(lo), Int32(hi), dw, Int32(n))
        }
    }
}

extension HelperQueue {
    /// Whether helper threads pay: more than one core, and OpenBLAS allowed to use them.
    static var worthwhile: Bool { Linear.cores > 1 && ProcessInfo.processInfo.activeProcessorCount > 1 }
}

/// A value handed to the threads of `DispatchQueue.concurrentPerform` whose parts write disjoint memory.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
