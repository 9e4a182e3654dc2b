import Foundation

/// Losses over rows of logits ([P, vocab] flat) with their gradients, and evaluation helpers.
/// Sums run in Double so that the loss of a large vocabulary keeps Float precision.
public enum Loss {
    /// Mean negative log-likelihood of `targets[i]` under logits row i; returns the loss and
    /// dLoss/dLogits = (softmax − onehot) / P.
    public static func nll(logits: [Float], vocab: Int, targets: [Int]) throws -> (loss: Float, dLogits: [Float]) {
        let P = try rows(logits, vocab: vocab, in: "nll")
        guard targets.count == P else {
            throw InstructEditError("nll: \(targets.count) targets for \(P) rows of logits")
        }
        if let t = targets.first(where: { $0 < 0 || $0 >= vocab }) {
            throw InstructEditError("nll: target id \(t) is outside the vocabulary 0..<\(vocab)")
        }
        var grad = [Float](repeating: 0, count: logits.count)
        var total = 0.0
        logits.withUnsafeBufferPointer { lb in
            grad.withUnsafeMutableBufferPointer { gb in
                for i in 0..<P {
                    let l = lb.baseAddress! + i * vocab, g = gb.baseAddress! + i * vocab
                    let lse = softmax(l, vocab, into: g)
                    total += lse - Double(l[targets[i]])
                    g[targets[i]] -= 1
                    for j in 0..<vocab { g[j] /= Float(P) }
                }
            }
        }
        return (Float(total / Double(P)), grad)
    }

    /// Mean over rows of KL(p ‖ q), p = softmax(referenceLogits) (a constant), q = softmax(logits);
    /// dLoss/dLogits = (q − p) / rows.
    public static func kl(referenceLogits: [Float], logits: [Float], vocab: Int) throws -> (loss: Float, dLogits: [Float]) {
        let R = try rows(logits, vocab: vocab, in: "kl")
        guard referenceLogits.count == logits.count else {
            throw InstructEditError("kl: reference logits have \(referenceLogits.count) values, logits \(logits.count)")
        }
        var grad = [Float](repeating: 0, count: logits.count)
        var p = [Float](repeating: 0, count: vocab)
        var total = 0.0
        referenceLogits.withUnsafeBufferPointer { rb in
            logits.withUnsafeBufferPointer { lb in
                grad.withUnsafeMutableBufferPointer { gb in
                    p.withUnsafeMutableBufferPointer { pb in
                        for i in 0..<R {
                            let r = rb.baseAddress! + i * vocab, l = lb.baseAddress! + i * vocab
                            let q = gb.baseAddress! + i * vocab, pp = pb.baseAddress!
                            let lseP = softmax(r, vocab, into: pp), lseQ = softmax(l, vocab, into: q)
                            // KL = Σ p (log p − log q), log p = r − lseP, log q = l − lseQ
                            var sum = 0.0
                            for j in 0..<vocab where pp[j] > 0 {
                                sum += Double(pp[j]) * (Double(r[j]) - Double(l[j]) - lseP + lseQ)
                            }
                            total += sum
                            for j in 0..<vocab { q[j] = (q[j] - pp[j]) / Float(R) }
                        }
                    }
                }
            }
        }
        return (Float(total / Double(R)), grad)
    }

    /// Index of the largest logit in each row (the first on ties).
    public static func argmax(logits: [Float], vocab: Int) throws -> [Int] {
        let R = try rows(logits, vocab: vocab, in: "argmax")
        return logits.withUnsafeBufferPointer { lb in
            (0..<R).map { argmax(lb.baseAddress! + $0 * vocab, vocab) }
        }
    }

    /// Log-softmax of each row.
    public static func logSoftmax(logits: [Float], vocab: Int) throws -> [Float] {
        let R = try rows(logits, vocab: vocab, in: "logSoftmax")
        var out = logits
        out.withUnsafeMutableBufferPointer { ob in
            for i in 0..<R {
                let row = ob.baseAddress! + i * vocab
                let lse = Float(logSumExp(row, vocab))
                for j in 0..<vocab { row[j] -= lse }
            }
        }
        return out
    }

    // MARK: - Row kernels

    static func rows(_ logits: [Float], vocab: Int, in function: String) throws -> Int {
        guard vocab > 0, !logits.isEmpty, logits.count % vocab == 0 else {
            throw InstructEditError("\(function): \(logits.count) logits are not whole rows of vocab \(vocab)")
        }
        return logits.count / vocab
    }

    static func argmax(_ row: UnsafePointer<Float>, _ n: Int) -> Int {
        var best = 0
        for j in 1..<max(n, 1) where row[j] > row[best] { best = j }
        return best
    }

    /// log Σ exp(row), shifted by the maximum.
    static func logSumExp(_ row: UnsafePointer<Float>, _ n: Int) -> Double {
        var m = -Float.infinity
        for j in 0..<n { m = max(m, row[j]) }
        var s = 0.0
        for j in 0..<n { s += Double(Foundation.exp(row[j] - m)) }
        return Double(m) + Foundation.log(s)
    }

    /// out = softmax(row); returns log Σ exp(row).
    @discardableResult
    static func softmax(_ row: UnsafePointer<Float>, _ n: Int, into out: UnsafeMutablePointer<Float>) -> Double {
        var m = -Float.infinity
        for j in 0..<n { m = max(m, row[j]) }
        var s = 0.0
        for j in 0..<n { let e = Foundation.exp(row[j] - m); out[j] = e; s += Double(e) }
        let inv = Float(1 / s)
        for j in 0..<n { out[j] *= inv }
        return Double(m) + Foundation.log(s)
    }
}
