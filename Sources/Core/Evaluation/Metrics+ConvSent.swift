/// ConvSent has no single right answer; its metrics compare how likely the model finds utterances of
/// the wanted and of the opposite sentiment after a question. Each utterance is scored by its mean
/// per-token log-likelihood, and every (wanted, opposite) pair — all combinations — is compared.
extension Metrics {
    /// The mean per-token log-likelihood of an utterance from its answer-token log-probabilities.
    public static func meanLogLikelihood(_ tokenLogProbs: [Float]) throws -> Double {
        guard !tokenLogProbs.isEmpty else { throw InstructEditError("mean log-likelihood: no tokens") }
        return tokenLogProbs.reduce(0.0) { $0 + Double($1) } / Double(tokenLogProbs.count)
    }

    /// ConvSent Reliability: the share of (wanted, opposite) pairs in which the wanted utterance has
    /// the higher mean log-likelihood (a tie is not a preference).
    public static func sentimentPreference(wanted: [Double], opposite: [Double]) throws -> Double {
        guard !wanted.isEmpty, !opposite.isEmpty else {
            throw InstructEditError("sentiment preference needs utterances of both sentiments")
        }
        var preferred = 0
        for w in wanted { for o in opposite where w > o { preferred += 1 } }
        return Double(preferred) / Double(wanted.count * opposite.count)
    }

    /// ConvSent Generalization: the preference under each rephrased question, averaged.
    public static func sentimentGeneralization(_ perQuestion: [(wanted: [Double], opposite: [Double])]) throws -> Double {
        guard !perQuestion.isEmpty else { throw InstructEditError("sentiment generalization: no rephrased question") }
        let scores = try perQuestion.map { try sentimentPreference(wanted: $0.wanted, opposite: $0.opposite) }
        return scores.reduce(0, +) / Double(scores.count)
    }

    /// ConvSent Locality: for another topic's (positive, negative) pairs, the share whose order
    /// (higher, equal, lower) is the same after the edit as before it.
    public static func sentimentLocality(before: (positive: [Double], negative: [Double]),
                                         after: (positive: [Double], negative: [Double])) throws -> Double {
        guard before.positive.count == after.positive.count, before.negative.count == after.negative.count else {
            throw InstructEditError("sentiment locality: different utterances before and after the edit")
        }
        guard !before.positive.isEmpty, !before.negative.isEmpty else {
            throw InstructEditError("sentiment locality needs utterances of both sentiments")
        }
        var kept = 0
        for i in before.positive.indices {
            for j in before.negative.indices {
                let was = order(before.positive[i], before.negative[j])
                if was == order(after.positive[i], after.negative[j]) { kept += 1 }
            }
        }
        return Double(kept) / Double(before.positive.count * before.negative.count)
    }

    private static func order(_ a: Double, _ b: Double) -> Int { a > b ? 1 : (a < b ? -1 : 0) }
}
