import CKernels
import Foundation

/// The GGUF file's Q4_1 and Q8_0 blocks of the weight matrices, kept beside the Float32 slab for
/// one-row products (decoding), which are bound by reading W: 5 or 8.5 bits per weight instead of
/// 32. The blocks dequantise to exactly the slab's values, and `ie_quant_forward_row` sums as the
/// Float32 kernel does, so a product gives the same bits from either. A matrix's blocks are dropped
/// for good the moment anything asks to write its Float32 values (`LlamaWeights.mutableBuffer`):
/// an edited matrix is read from the slab only.
final class BlockCopies: @unchecked Sendable {
    struct Matrix {
        let type: Int32
        let rowBytes: Int
        let data: UnsafeMutableRawPointer
    }

    private var matrices: [Int: Matrix] = [:]   // by ParamRef.offset
    /// Matrices of fewer weights are read by one core.
    static let splitWeights = 1 << 22
    private let lock = NSLock()

    deinit { for m in matrices.values { free(m.data) } }

    /// Keeps a copy of `p`'s rows of blocks of kernel type `code` (`IE_QUANT_*`), row r read from
    /// `row(r)`, each `rowBytes` long; nothing when the kernel does not take such rows or memory
    /// is short.
    func keep(_ p: ParamRef, code: Int32, rowBytes: Int, row: (Int) -> UnsafeRawPointer) {
        guard ie_quant_row_bytes(code, Int32(p.cols)) == rowBytes, rowBytes > 0,
              let data = malloc(max(1, rowBytes * p.rows)) else { return }
        for r in 0..<p.rows { (data + r * rowBytes).copyMemory(from: row(r), byteCount: rowBytes) }
        lock.withLock { matrices[p.offset] = Matrix(type: code, rowBytes: rowBytes, data: data) }
    }

    /// Drops `p`'s blocks: its Float32 values are about to change.
    func drop(_ p: ParamRef) {
        let m = lock.withLock { matrices.removeValue(forKey: p.offset) }
        if let m { free(m.data) }
    }

    /// Whether `p` still has its blocks.
    func holds(_ p: ParamRef) -> Bool { lock.withLock { matrices[p.offset] != nil } }

    /// y (out) = x Wᵀ + beta·y for one row x, W the consecutive matrices `params` (a fused q | k | v
    /// or gate | up product); false, doing nothing, unless every one of them still has its blocks.
    func forwardRow(_ params: [ParamRef], _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, beta: Float) -> Bool {
        lock.lock()
        defer { lock.unlock() }   // a drop waits for the product
        let parts = params.compactMap { matrices[$0.offset] }
        guard parts.count == params.count, let K = params.first?.cols, params.allSatisfy({ $0.cols == K }) else { return false }
        var first = 0
        for (p, m) in zip(params, parts) {
            // Waking a second core costs more than a block's matrix takes to read (the 2-core Zen 4
            // decoded 40-48 tok/s split against 46-51 not); the LM head is worth splitting.
            Linear.parallelRows(p.rows, work: p.count < Self.splitWeights ? 0 : p.count) { lo, hi in
                ie_quant_forward_row(m.type, m.data, m.rowBytes, Int32(K), x, Int32(lo), Int32(hi), y + first, beta)
            }
            first += p.rows
        }
        return true
    }
}
