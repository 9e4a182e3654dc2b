import Core

/// Reading tensor arguments from Lua: tensors, 1-based dimensions and indices, sizes, and operands,
/// each checked here so that errors name the Lua argument and count from 1 as the user does.
extension LuaArgs {
    /// The tensor behind a `Tensor` userdata argument: "bad argument #1 to 'mm' (Tensor expected, got table)".
    public func checkTensor(_ index: Int) throws -> Tensor {
        try checkUserdata(index, TensorBox.self).tensor
    }

    /// A dimension of `t` given 1-based (or negative, counting from the end: -1 is the last) as Core's
    /// 0-based one. `extra` widens the range for dimensions that may be one past the end (unsqueeze).
    func dimension(_ index: Int, of t: Tensor, extra: Int = 0) throws -> Int {
        try TensorArguments.dimension(checkInt(index), rank: t.rank + extra, shape: t.shape) { throw error(index, $0) }
    }

    func optDimension(_ index: Int, of t: Tensor) throws -> Int? {
        isNoneOrNil(index) ? nil : try dimension(index, of: t)
    }

    /// A position 1...size (or -size...-1 from the end) along a dimension, as a 0-based index.
    func position(_ index: Int, size: Int, dimension d: Int) throws -> Int {
        let i = try checkInt(index)
        guard let p = TensorArguments.position(i, size: size) else {
            throw error(index, "index \(i) out of range for dimension \(d + 1) of size \(size)")
        }
        return p
    }

    /// Sizes given as numbers from `index` on (`zeros(2, 3)`) or as one table (`zeros({2, 3})`);
    /// returns them with the position after the last one read. `{}` is the shape of a scalar.
    func sizes(from index: Int) throws -> (shape: [Int], next: Int) {
        if kind(index) == .table {
            guard let items = try checkTable(index).arrayValue else {
                throw error(index, "sizes expected as a sequence of integers, got a table with other keys")
            }
            let shape = try items.enumerated().map { k, item in
                guard let s = item.intValue else { throw error(index, "size expected at [\(k + 1)], got \(item.kindName)") }
                return s
            }
            try checkShape(shape, at: index)
            return (shape, index + 1)
        }
        guard kind(index) == .number else { throw typeError(index, expected: "sizes") }
        var shape: [Int] = []
        var i = index
        while kind(i) == .number {
            shape.append(try checkInt(i))
            i += 1
        }
        try checkShape(shape, at: index)
        return (shape, i)
    }

    /// Sizes must be non-negative and their product small enough to allocate.
    func checkShape(_ shape: [Int], at index: Int) throws {
        if let s = shape.first(where: { $0 < 0 }) { throw error(index, "size \(s) is negative") }
        guard TensorArguments.elementCount(shape) != nil else {
            throw error(index, "size \(TensorArguments.describe(shape)) is too large (more than \(TensorArguments.maxElements) elements)")
        }
    }

    /// The tensor at `index`, or nil for any other value (a closed tensor is still an error).
    func optTensor(_ index: Int) throws -> Tensor? {
        let info = try session.typeInfo(for: TensorBox.self)
        return (try session.object(at: Int32(index), state: state, of: info) as? TensorBox)?.tensor
    }

    /// A tensor, or a number as a scalar tensor (the operands of `+`, `-`, `*`, `/`, `^`).
    func operand(_ index: Int) throws -> Tensor {
        if kind(index) == .number { return Tensor(scalar: Float(try checkNumber(index))) }
        guard let t = try optTensor(index) else { throw typeError(index, expected: "number or Tensor") }
        return t
    }

    /// Runs a Core operation whose failure is the fault of argument `index`: its `InstructEditError`
    /// becomes a bad-argument error ("bad argument #1 to 'mm' (inner dimensions differ: ...)").
    func blaming<R>(_ index: Int, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let e as InstructEditError {
            throw error(index, TensorArguments.withoutOperationPrefix(e.message))
        }
    }
}

/// Conversions between the Lua conventions (1-based, negative from the end) and Core's, and the
/// allocation limit, shared by the tensor, plot and analysis modules.
enum TensorArguments {
    /// The most elements a tensor made from Lua may have: Core's memory budget (`SizeCheck`).
    static let maxElements = SizeCheck.maxElements

    /// Product of sizes, or nil when the shape is past the budget, zeros included (sizes are known
    /// non-negative).
    static func elementCount(_ shape: [Int]) -> Int? {
        try? SizeCheck.elements(shape).get()
    }

    /// 1...rank → 0..., -rank...-1 → from the end; reports anything else through `fail`.
    static func dimension(_ d: Int, rank: Int, shape: [Int], fail: (String) throws -> Never) throws -> Int {
        if d >= 1 && d <= rank { return d - 1 }
        if d < 0 && d >= -rank { return d + rank }
        if rank == 0 { try fail("dimension \(d) out of range: the tensor is a scalar (no dimensions)") }
        try fail("dimension \(d) out of range for a tensor of size \(describe(shape)) (1 to \(rank), or -\(rank) to -1 from the end)")
    }

    /// 1...size → 0..., -size...-1 → from the end; nil otherwise.
    static func position(_ i: Int, size: Int) -> Int? {
        if i >= 1 && i <= size { return i - 1 }
        if i < 0 && i >= -size { return i + size }
        return nil
    }

    /// "[2, 3]", as Core writes shapes in its messages.
    static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// The shape two shapes broadcast to (Core's rule), with an error that counts dimensions from the
    /// end and a size check before anything is allocated.
    static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let out: [Int]
        switch Tensor.broadcast(a, b) {
        case .success(let shape): out = shape
        case .failure(let m):
            throw InstructEditError("sizes \(describe(a)) and \(describe(b)) do not broadcast: \(m.x) against \(m.y) in the \(ordinal(m.fromEnd)) dimension from the end (sizes must match or be 1)")
        }
        guard elementCount(out) != nil else {
            throw InstructEditError("the result of size \(describe(out)) would have more than \(maxElements) elements")
        }
        return out
    }

    static func ordinal(_ n: Int) -> String {
        switch n {
        case 1: "last"
        case 2: "2nd"
        case 3: "3rd"
        default: "\(n)th"
        }
    }

    /// Core messages start with the operation ("narrow: ...", "plot.line: ..."), which the Lua error
    /// names already.
    static func withoutOperationPrefix(_ message: String) -> String {
        guard let colon = message.firstIndex(of: ":"),
              message[..<colon].allSatisfy({ $0.isLetter || $0 == "_" || $0 == "." }),
              message[message.index(after: colon)...].hasPrefix(" ") else { return message }
        return String(message[message.index(colon, offsetBy: 2)...])
    }
}
