/// The one check for sizes that come from a user or a file (tensor shapes, editor configurations,
/// checkpoint headers, command-line counts), made before anything is allocated.
///
/// The release build compiles with `-Ounchecked`, which removes Swift's overflow traps, so a size
/// product that wraps around would go on to a huge or negative allocation. Every product here is
/// overflow-checked, and a zero factor does not end the check: `[0, 2^31, 2^31]` holds no element, but
/// reducing its first dimension would make `[2^31, 2^31]`. So a shape is accepted only when the
/// product of its sizes, each counted as at least 1, fits the memory budget; every shape derived from
/// it by removing or narrowing dimensions then fits too.
public enum SizeCheck {
    /// The most Float32 values one tensor or one parameter slab may hold: 2^30, 4 GiB.
    public static let maxElements = 1 << 30

    /// The elements of `shape`, or a message saying why it is refused (a negative size, or more
    /// than `limit` elements with every size counted as at least 1).
    public static func elements(_ shape: [Int], limit: Int = maxElements) -> Result<Int, Refusal> {
        var bound = 1
        for (i, s) in shape.enumerated() {
            guard s >= 0 else { return .failure(.negative(dimension: i, size: s)) }
            let (p, overflow) = bound.multipliedReportingOverflow(by: Swift.max(s, 1))
            guard !overflow, p <= limit else { return .failure(.tooLarge(limit: limit)) }
            bound = p
        }
        return .success(shape.contains(0) ? 0 : bound)
    }

    /// Why a size was refused.
    public enum Refusal: Error, Equatable, Sendable {
        case negative(dimension: Int, size: Int)
        case tooLarge(limit: Int)
    }

    /// The elements of a shape, throwing `"<op>: ..."` when it is refused.
    public static func elements(_ shape: [Int], op: String, limit: Int = maxElements) throws -> Int {
        switch elements(shape, limit: limit) {
        case .success(let n): return n
        case .failure(.negative(let d, let s)):
            throw InstructEditError("\(op): size \(s) of dimension \(d) in shape \(describe(shape)) is negative")
        case .failure(.tooLarge(let limit)):
            throw InstructEditError("\(op): shape \(describe(shape)) is too large (more than \(limit) elements)")
        }
    }

    /// The overflow-checked product of non-negative factors, counting zeros as 1 for the bound (as
    /// `elements` does); throws naming `what` when it exceeds `limit`.
    public static func product(_ factors: [Int], limit: Int = maxElements, what: @autoclosure () -> String) throws -> Int {
        try elements(factors, op: what(), limit: limit)
    }

    /// The overflow-checked sum of non-negative terms, at most `limit`; throws naming `what`.
    public static func sum(_ terms: [Int], limit: Int = maxElements, what: @autoclosure () -> String) throws -> Int {
        var total = 0
        for t in terms {
            let (s, overflow) = total.addingReportingOverflow(t)
            guard t >= 0, !overflow, s <= limit else {
                throw InstructEditError("\(what()): too large (more than \(limit) elements)")
            }
            total = s
        }
        return total
    }

    /// A count given by a user (a command-line flag, an option), checked to lie in `range`; the error
    /// names it and the range.
    @discardableResult
    public static func count(_ value: Int, _ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else {
            let expected = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw InstructEditError("\(name) must be \(expected), got \(value)")
        }
        return value
    }

    /// "[2, 3]", the way shapes appear in error messages.
    static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
