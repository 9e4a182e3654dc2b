/// Float32 from GGML's storage types. Every kernel handles whole blocks of one row at a time, so
/// callers can split tensors by rows and run them in parallel.
import Dispatch

enum Dequantize {
    /// One contiguous run to convert: `count` elements of `type` at `src` into `dst`.
    struct Job: @unchecked Sendable {  // raw pointers into a parameter slab and a mapped file
        let src: UnsafeRawPointer
        let dst: UnsafeMutablePointer<Float>
        let type: GGMLType
        let count: Int
    }

    /// Runs the jobs on all cores. Loaders cut tensors into jobs of about 64K elements so the
    /// cores stay busy down to the last tensor.
    static func parallel(_ jobs: [Job]) {
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            run(jobs[j].type, jobs[j].src, jobs[j].dst, count: jobs[j].count)
        }
    }

    /// All 65,536 half-precision values as Float32: a table look-up beats converting each one.
    static let halfTable: [Float] = (0...UInt16.max).map { halfToFloat($0) }

    /// IEEE half → single, exactly (subnormals, infinities and NaN payloads included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = UInt32(h >> 10) & 0x1F
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            let v = Float(mant) * 0x1p-24
            return sign == 0 ? v : -v
        }
        let bits = exp == 0x1F ? sign | 0x7F80_0000 | (mant << 13) : sign | ((exp + 112) << 23) | (mant << 13)
        return Float(bitPattern: bits)
    }

    /// Dequantises `count` elements (a whole number of blocks) of `type` from `src` into `dst`.
    /// Callers check `type.canDequantize` and the sizes first.
    static func run(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        halfTable.withUnsafeBufferPointer { table in
            let half = table.baseAddress!
            switch type {
            case .f32:
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
            case .f16:
                for i in 0..<count { dst[i] = half[Int(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))] }
            case .bf16:
                for i in 0..<count {
                    dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
                }
            case .q8_0:  // block: f16 scale d, 32 × int8 q; x = d·q
                for b in 0..<count / 32 {
                    let blk = src + 34 * b
                    let d = half[Int(blk.loadUnaligned(as: UInt16.self))]
                    let q = (blk + 2).assumingMemoryBound(to: Int8.self)
                    let out = dst + 32 * b
                    for j in 0..<32 { out[j] = d * Float(q[j]) }
                }
            case .q4_0:  // block: f16 d, 16 bytes of nibbles (low nibbles = first 16 values); x = d·(q − 8)
                for b in 0..<count / 32 {
                    let blk = src + 18 * b
                    let d = half[Int(blk.loadUnaligned(as: UInt16.self))]
                    let q = (blk + 2).assumingMemoryBound(to: UInt8.self)
                    let out = dst + 32 * b
                    for j in 0..<16 {
                        out[j] = d * Float(Int(q[j] & 0x0F) - 8)
                        out[j + 16] = d * Float(Int(q[j] >> 4) - 8)
                    }
                }
            case .q4_1:  // block: f16 d, f16 min m, 16 bytes of nibbles; x = d·q + m
                for b in 0..<count / 32 {
                    let blk = src + 20 * b
                    let d = half[Int(blk.loadUnaligned(as: UInt16.self))]
                    let m = half[Int(blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self))]
                    let q = (blk + 4).assumingMemoryBound(to: UInt8.self)
                    let out = dst + 32 * b
                    for j in 0..<16 {
                        out[j] = d * Float(q[j] & 0x0F) + m
                        out[j + 16] = d * Float(q[j] >> 4) + m
                    }
                }
            default:
                break
            }
        }
    }
}
