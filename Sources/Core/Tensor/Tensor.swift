/// A dense, contiguous, row-major Float32 array with a shape. The common currency between Core and
/// the Lua bindings (logits, hidden states, gradients, analysis inputs).
///
/// Conventions of the whole Tensor API:
/// - Indices and dimensions are 0-based (the Lua layer converts from 1-based). A negative dimension
///   counts from the end (-1 is the last), as in NumPy.
/// - A scalar is a tensor of shape `[]` holding one value.
/// - Operations return new tensors (value semantics); there are no views that alias storage, so
///   `reshape` also covers Torch's `view`.
/// - Anything a user can get wrong (shapes, indices, arguments) throws `InstructEditError` naming the
///   operation and the offending argument.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }
}

extension Tensor {
    /// A tensor from flat row-major data and a shape, checking that they agree.
    public init(validating shape: [Int], data: [Float]) throws {
        let n = try Tensor.elementCount(shape, op: "tensor")
        guard n == data.count else {
            throw InstructEditError("tensor: shape \(Tensor.describe(shape)) needs \(n) values, got \(data.count)")
        }
        self.init(shape: shape, data: data)
    }

    /// A rank-0 tensor holding one value.
    public init(scalar value: Float) { self.init(shape: [], data: [value]) }

    /// A 1-D tensor of the given values.
    public init(_ values: [Float]) { self.init(shape: [values.count], data: values) }

    /// The value of a tensor with exactly one element (any shape).
    public func item() throws -> Float {
        guard data.count == 1 else {
            throw InstructEditError("item: tensor of size \(Tensor.describe(shape)) has \(data.count) elements, expected 1")
        }
        return data[0]
    }

    /// Row-major strides of `shape`, in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Number of elements of a user-given shape; throws on negative sizes and on shapes past the
    /// memory budget (`SizeCheck`, zeros included).
    static func elementCount(_ shape: [Int], op: String) throws -> Int {
        try SizeCheck.elements(shape, op: op)
    }

    /// "[2, 3]", the way shapes appear in error messages.
    static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// Maps a possibly negative dimension to 0..<rank or throws naming the operation.
    func normalizedDim(_ dim: Int, op: String, rank r: Int? = nil) throws -> Int {
        let r = r ?? rank
        let d = dim < 0 ? dim + r : dim
        guard d >= 0 && d < r else {
            throw InstructEditError("\(op): dimension \(dim) out of range for a tensor of size \(Tensor.describe(shape)) (rank \(rank))")
        }
        return d
    }

    /// Splits the shape around `dim` into (elements before, size of dim, elements after), so that an
    /// element is at `(o * size + i) * inner + j`.
    func split(at dim: Int) -> (outer: Int, size: Int, inner: Int) {
        let outer = shape[..<dim].reduce(1, *)
        let inner = shape[(dim + 1)...].reduce(1, *)
        return (outer, shape[dim], inner)
    }
}
