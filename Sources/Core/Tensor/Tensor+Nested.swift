/// Conversion between tensors and nested lists (how Lua tables of tables come in and go out).
extension Tensor {
    /// A value or a list of nested values: the shape of a Lua table literal such as `{{1, 2}, {3, 4}}`.
    public enum Nested: Sendable, Equatable {
        case value(Float)
        case list([Nested])
    }

    /// A tensor from nested lists, which must be rectangular: every list at one depth has the same
    /// length and holds lists (or values) alike.
    public init(nested: Nested) throws {
        var shape: [Int] = []
        var level = nested
        while case .list(let items) = level {
            shape.append(items.count)
            guard let first = items.first else { break }
            level = first
        }
        var data: [Float] = []
        data.reserveCapacity(shape.reduce(1, *))
        func walk(_ node: Nested, depth: Int, path: [Int]) throws {
            let at = path.isEmpty ? "" : " at index " + Tensor.describe(path)
            switch node {
            case .value(let v):
                guard depth == shape.count else {
                    throw InstructEditError("tensor: nested list is not rectangular: found a number\(at) where a list of \(shape[depth]) was expected")
                }
                data.append(v)
            case .list(let items):
                guard depth < shape.count else {
                    throw InstructEditError("tensor: nested list is not rectangular: found a list\(at) where a number was expected")
                }
                guard items.count == shape[depth] else {
                    throw InstructEditError("tensor: nested list is not rectangular: list\(at) has \(items.count) elements, expected \(shape[depth])")
                }
                for (i, item) in items.enumerated() { try walk(item, depth: depth + 1, path: path + [i]) }
            }
        }
        try walk(nested, depth: 0, path: [])
        self.init(shape: shape, data: data)
    }

    /// A 2-D tensor from rows of equal length.
    public init(rows: [[Float]]) throws {
        try self.init(nested: .list(rows.map { .list($0.map(Nested.value)) }))
    }

    /// The tensor as nested lists (a scalar becomes `.value`).
    public func toNested() -> Nested {
        func build(_ dim: Int, _ offset: Int, _ strides: [Int]) -> Nested {
            if dim == shape.count { return .value(data[offset]) }
            return .list((0..<shape[dim]).map { build(dim + 1, offset + $0 * strides[dim], strides) })
        }
        return build(0, 0, Tensor.strides(shape))
    }
}
