import Core

/// Sizes, reshaping, and taking parts of tensors: `t:shape()`, `t:narrow(...)`, `t[i]`, `t:get(...)`.
extension TensorModule {
    static func registerShapeMethods(_ t: LuaTypeBuilder<TensorBox>) throws {
        t.method("shape", signature: "t:shape() -> {sizes}", summary: "The sizes of all dimensions, as a table.",
                 example: "tensor.zeros(2, 3):shape()   -- {2, 3}") { box, _ in
            [LuaValue(box.tensor.shape)]
        }
        t.method("size", signature: "t:size([dim]) -> integer | {sizes}",
                 summary: "The size of dimension dim; without dim, all sizes as t:shape().",
                 example: "tensor.zeros(2, 3):size(2)   -- 3") { box, args in
            guard !args.isNoneOrNil(2) else { return [LuaValue(box.tensor.shape)] }
            return [.int(box.tensor.shape[try args.dimension(2, of: box.tensor)])]
        }
        t.method("dim", signature: "t:dim() -> integer", summary: "The number of dimensions (0 for a scalar).",
                 example: "tensor.zeros(2, 3):dim()   -- 2") { box, _ in
            [.int(box.tensor.rank)]
        }
        t.method("numel", signature: "t:numel() -> integer", summary: "The number of elements.",
                 example: "tensor.zeros(2, 3):numel()   -- 6") { box, _ in
            [.int(box.tensor.count)]
        }
        t.method("reshape", signature: "t:reshape(sizes...) -> Tensor",
                 summary: "The same values in a new size; one size may be -1 and is inferred.",
                 example: "tensor.arange(6):reshape(2, -1)   -- 2x3") { box, args in
            [value(try reshape(box.tensor, args))]
        }
        t.method("view", signature: "t:view(sizes...) -> Tensor",
                 summary: "Same as t:reshape (tensors never share storage, so there are no views).",
                 example: "tensor.arange(6):view(3, 2)") { box, args in
            [value(try reshape(box.tensor, args))]
        }
        t.method("t", signature: "t:t() -> Tensor", summary: "The transpose of a matrix (a 1-D tensor as is).",
                 example: "tensor.from({{1, 2}, {3, 4}}):t()") { box, args in
            guard box.tensor.rank <= 2 else {
                throw args.error(1, "1-D or 2-D tensor expected, got size \(TensorArguments.describe(box.tensor.shape)); use t:transpose(d1, d2)")
            }
            return [value(try box.tensor.t())]
        }
        t.method("transpose", signature: "t:transpose(d1, d2) -> Tensor", summary: "Swaps dimensions d1 and d2.",
                 example: "tensor.zeros(2, 3, 4):transpose(1, 3)   -- 4x3x2") { box, args in
            let a = try args.dimension(2, of: box.tensor), b = try args.dimension(3, of: box.tensor)
            return [value(try box.tensor.transpose(a, b))]
        }
        t.method("permute", signature: "t:permute(dims...) -> Tensor",
                 summary: "Reorders the dimensions: dimension i of the result is dimension dims[i]; dims as numbers or one table.",
                 example: "tensor.zeros(2, 3, 4):permute(3, 1, 2)   -- 4x2x3") { box, args in
            [value(try permute(box.tensor, args))]
        }
        t.method("narrow", signature: "t:narrow(dim, start, length) -> Tensor",
                 summary: "length consecutive entries of dimension dim from start.",
                 example: "tensor.arange(10):narrow(1, 3, 4)   -- 2 3 4 5") { box, args in
            let d = try args.dimension(2, of: box.tensor)
            let size = box.tensor.shape[d]
            let start = try args.position(3, size: size, dimension: d)
            let length = try args.checkInt(4)
            guard length >= 0, length <= size - start else {
                throw args.error(4, "length \(length) from \(start + 1) does not fit dimension \(d + 1) of size \(size)")
            }
            return [value(try box.tensor.narrow(d, start: start, length: length))]
        }
        t.method("select", signature: "t:select(dim, index) -> Tensor",
                 summary: "The slice at index of dimension dim, without that dimension.",
                 example: "tensor.eye(3):select(2, 1)   -- column 1: 1 0 0") { box, args in
            let d = try args.dimension(2, of: box.tensor)
            let i = try args.position(3, size: box.tensor.shape[d], dimension: d)
            return [value(try box.tensor.select(d, i))]
        }
        t.method("sub", signature: "t:sub(from1, to1 [, from2, to2, ...]) -> Tensor",
                 summary: "Slicing, as Torch7: entries from..to (inclusive; negative from the end) of dimensions 1, 2, ... in turn.",
                 example: "tensor.arange(12):reshape(3, 4):sub(2, 3, 1, -2)   -- rows 2-3, columns 1-3") { box, args in
            [value(try sub(box.tensor, args))]
        }
        t.method("squeeze", signature: "t:squeeze([dim]) -> Tensor",
                 summary: "Removes dimension dim if its size is 1; without dim, every dimension of size 1.",
                 example: "tensor.zeros(1, 3, 1):squeeze()   -- size 3") { box, args in
            let d = try args.optDimension(2, of: box.tensor)
            return [value(try box.tensor.squeeze(d))]
        }
        t.method("unsqueeze", signature: "t:unsqueeze(dim) -> Tensor",
                 summary: "Inserts a dimension of size 1 at position dim (1 to dim()+1; -1 appends).",
                 example: "tensor.zeros(3):unsqueeze(1)   -- 1x3") { box, args in
            let d = try args.dimension(2, of: box.tensor, extra: 1)
            return [value(try box.tensor.unsqueeze(d))]
        }
        t.method("get", signature: "t:get(i, j, ...) -> number", summary: "The element at one index per dimension.",
                 example: "tensor.eye(2):get(2, 2)   -- 1") { box, args in
            let offset = try flatOffset(box.tensor, args, from: 2)
            return [.number(Double(box.tensor.data[offset]))]
        }
        t.method("set", signature: "t:set(value, i, j, ...) -> t",
                 summary: "Sets the element at one index per dimension, in place; returns t.",
                 example: "t = tensor.zeros(2, 2); t:set(5, 1, 2)") { box, args in
            let v = Float(try args.checkNumber(2))
            let offset = try flatOffset(box.tensor, args, from: 3)
            box.tensor.data[offset] = v
            return [.object(box)]
        }
        t.index { box, args in try index(box.tensor, args) }
        try t.metamethod("__newindex") { args in
            try assign(args.checkUserdata(1, TensorBox.self), args)
            return []
        }
        try t.metamethod("__len") { args in
            let tensor = try args.checkTensor(1)
            guard let rows = tensor.shape.first else { throw args.error(1, "a scalar tensor has no length") }
            return [.int(rows)]
        }
    }

    private static func reshape(_ t: Tensor, _ args: LuaArgs) throws -> Tensor {
        let sizes: [Int]
        if args.kind(2) == .table {
            sizes = try args.checkIntArray(2)
        } else {
            guard args.kind(2) == .number else { throw args.typeError(2, expected: "sizes") }
            var i = 2
            var collected: [Int] = []
            while args.kind(i) == .number {
                collected.append(try args.checkInt(i))
                i += 1
            }
            sizes = collected
        }
        if let s = sizes.first(where: { $0 < -1 }) { throw args.error(2, "size \(s) is negative") }
        try args.checkShape(sizes.filter { $0 != -1 }, at: 2)
        return try args.blaming(2) { try t.reshape(sizes) }
    }

    private static func permute(_ t: Tensor, _ args: LuaArgs) throws -> Tensor {
        let given = args.kind(2) == .table ? try args.checkIntArray(2) : try (2..<max(args.count + 1, 3)).map { try args.checkInt($0) }
        guard given.count == t.rank else {
            throw args.error(2, "\(t.rank) dimensions expected for a tensor of size \(TensorArguments.describe(t.shape)), got \(given.count)")
        }
        let order = try given.map { d in
            try TensorArguments.dimension(d, rank: t.rank, shape: t.shape) { throw args.error(2, $0) }
        }
        guard Set(order).count == order.count else {
            throw args.error(2, "dimensions \(TensorArguments.describe(given)) name a dimension twice")
        }
        return try t.permute(order)
    }

    private static func sub(_ t: Tensor, _ args: LuaArgs) throws -> Tensor {
        let count = args.count - 1
        guard count >= 2, count % 2 == 0, count / 2 <= t.rank else {
            throw args.error(2, "pairs of from, to for at most \(t.rank) dimension\(t.rank == 1 ? "" : "s") expected, got \(count) argument\(count == 1 ? "" : "s")")
        }
        var out = t
        for d in 0..<(count / 2) {
            let size = t.shape[d]
            let from = try args.position(2 + 2 * d, size: size, dimension: d)
            let to = try args.position(3 + 2 * d, size: size, dimension: d)
            guard to >= from else {
                throw args.error(3 + 2 * d, "end \(to + 1) is before start \(from + 1) in dimension \(d + 1)")
            }
            out = try out.narrow(d, start: from, length: to - from + 1)
        }
        return out
    }

    /// The flat offset of one index per dimension, read from position `from` on.
    private static func flatOffset(_ t: Tensor, _ args: LuaArgs, from: Int) throws -> Int {
        let given = args.count - from + 1
        guard given == t.rank else {
            throw args.error(from, "\(t.rank) indices expected for a tensor of size \(TensorArguments.describe(t.shape)), got \(max(given, 0))")
        }
        var offset = 0
        for d in 0..<t.rank {
            offset = offset * t.shape[d] + (try args.position(from + d, size: t.shape[d], dimension: d))
        }
        return offset
    }

    /// `t[i]`: row i, or the number at i of a 1-D tensor; other keys that are not methods are nil.
    private static func index(_ t: Tensor, _ args: LuaArgs) throws -> [LuaValue] {
        guard args.kind(2) == .number else { return [.nil] }
        guard t.rank > 0 else { throw args.error(2, "a scalar tensor cannot be indexed; use t:item()") }
        let i = try args.position(2, size: t.shape[0], dimension: 0)
        if t.rank == 1 { return [.number(Double(t.data[i]))] }
        return [value(try t.select(0, i))]
    }

    /// `t[i] = v`: sets the number at i of a 1-D tensor, or row i to a number or a tensor of the row's size.
    private static func assign(_ box: TensorBox, _ args: LuaArgs) throws {
        guard args.kind(2) == .number else {
            throw args.error(2, "a Tensor's keys are row indices; cannot set \(args.stack.typeName(at: 2)) key")
        }
        let shape = box.tensor.shape
        guard let rows = shape.first else { throw args.error(2, "a scalar tensor cannot be indexed; use t:set(v)") }
        let i = try args.position(2, size: rows, dimension: 0)
        let rowShape = Array(shape.dropFirst())
        let inner = rowShape.reduce(1, *)
        if args.kind(3) == .number {
            let v = Float(try args.checkNumber(3))
            for j in 0..<inner { box.tensor.data[i * inner + j] = v }
            return
        }
        guard let source = try args.optTensor(3) else { throw args.typeError(3, expected: "number or Tensor") }
        guard source.shape == rowShape || (source.count == inner && source.rank <= 1 && rowShape.count <= 1) else {
            throw args.error(3, "a row of size \(TensorArguments.describe(rowShape)) expected, got size \(TensorArguments.describe(source.shape))")
        }
        box.tensor.data.replaceSubrange((i * inner)..<((i + 1) * inner), with: source.data)
    }
}
