import CBLAS

/// n samples of d features, either the rows of a 2-D tensor or a list of equally sized tensors
/// (each flattened), read in column blocks so that wide data (e.g. 200 flattened weight gradients of
/// 885k values) is never copied whole.
struct SampleRows {
    let n: Int
    let d: Int
    private let matrix: Tensor?
    private let list: [Tensor]

    init(_ x: Tensor, op: String) throws {
        guard x.rank == 2 else {
            throw InstructEditError("\(op): expects a 2-D tensor of samples × features, got size \(Tensor.describe(x.shape))")
        }
        (n, d, matrix, list) = (x.shape[0], x.shape[1], x, [])
    }

    init(_ rows: [Tensor], op: String) throws {
        let d = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() where r.count != d {
            throw InstructEditError("\(op): sample \(i) has \(r.count) values, sample 0 has \(d)")
        }
        (n, self.d, matrix, list) = (rows.count, d, nil, rows)
    }

    /// Columns c0..<c1 of every sample into `out` (n × (c1 - c0), row-major), minus `shift[c]`.
    func block(_ c0: Int, _ c1: Int, minus shift: [Double]?, into out: UnsafeMutablePointer<Float>) {
        let b = c1 - c0
        for i in 0..<n {
            let row = out + i * b
            let copy = { (src: UnsafeBufferPointer<Float>) in
                for j in 0..<b { row[j] = src[c0 + j] }
            }
            if let matrix {
                matrix.data.withUnsafeBufferPointer { copy(UnsafeBufferPointer(rebasing: $0[(i * d)..<((i + 1) * d)])) }
            } else {
                list[i].data.withUnsafeBufferPointer(copy)
            }
            if let shift { for j in 0..<b { row[j] = Float(Double(row[j]) - shift[c0 + j]) } }
        }
    }

    static let blockWidth = 4096

    /// Calls `body(c0, c1, block)` for consecutive column blocks of the (optionally shifted) data.
    func forEachBlock(minus shift: [Double]?, _ body: (Int, Int, UnsafeMutablePointer<Float>) throws -> Void) throws {
        let width = Swift.min(SampleRows.blockWidth, Swift.max(d, 1))
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n * width, 1))
        defer { buffer.deallocate() }
        var c0 = 0
        while c0 < d {
            try Interrupt.check()
            let c1 = Swift.min(c0 + width, d)
            block(c0, c1, minus: shift, into: buffer)
            try body(c0, c1, buffer)
            c0 = c1
        }
    }

    /// Mean of every feature over the samples.
    func columnMeans() throws -> [Double] {
        var mean = [Double](repeating: 0, count: d)
        try forEachBlock(minus: nil) { c0, c1, p in
            let b = c1 - c0
            for i in 0..<n { for j in 0..<b { mean[c0 + j] += Double(p[i * b + j]) } }
        }
        return mean.map { $0 / Double(Swift.max(n, 1)) }
    }

    /// The n × n Gram matrix of the samples minus `mean` (inner products of centred samples),
    /// accumulated block by block in Double.
    func centredGram(mean: [Double]) throws -> [Double] {
        var gram = [Double](repeating: 0, count: n * n)
        var partial = [Float](repeating: 0, count: n * n)
        try forEachBlock(minus: mean) { c0, c1, p in
            let b = c1 - c0
            partial.withUnsafeMutableBufferPointer { g in
                // sgemm rather than ssyrk: twice the arithmetic, but OpenBLAS runs it several times faster.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(b), 1, p, Int32(b), p, Int32(b), 0, g.baseAddress, Int32(n))
            }
            for i in 0..<n { for j in i..<n { gram[i * n + j] += Double(partial[i * n + j]) } }
        }
        for i in 0..<n { for j in 0..<i { gram[i * n + j] = gram[j * n + i] } }
        return gram
    }
}
