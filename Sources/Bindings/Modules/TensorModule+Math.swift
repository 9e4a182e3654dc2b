import Core

/// Arithmetic operators (elementwise, broadcasting), matrix products through BLAS, and elementwise
/// functions.
extension TensorModule {
    static func registerMathMethods(_ t: LuaTypeBuilder<TensorBox>) throws {
        try t.metamethod("__add") { args in try arithmetic(args, { try $0.add($1) }, { $0.add($1) }) }
        try t.metamethod("__sub") { args in try arithmetic(args, { try $0.sub($1) }, { $0.sub($1) }) }
        try t.metamethod("__mul") { args in try arithmetic(args, { try $0.mul($1) }, { $0.mul($1) }) }
        try t.metamethod("__div") { args in try arithmetic(args, { try $0.div($1) }, { $0.div($1) }) }
        try t.metamethod("__pow") { args in try arithmetic(args, { try $0.pow($1) }, { $0.pow($1) }) }
        try t.metamethod("__unm") { args in [value(try args.checkTensor(1).neg())] }
        try t.metamethod("__eq") { args in
            guard let a = try args.optTensor(1), let b = try args.optTensor(2) else { return [false] }
            return [.bool(a == b)]
        }

        t.method("mm", signature: "t:mm(u) -> Tensor", summary: "Matrix product of two 2-D tensors (BLAS sgemm).",
                 example: "tensor.ones(2, 3):mm(tensor.ones(3, 4))   -- 2x4 of 3s") { box, args in
            let a = box.tensor, b = try args.checkTensor(2)
            guard a.rank == 2 else { throw args.error(1, "2-D tensor expected, got size \(TensorArguments.describe(a.shape)); t:matmul handles other ranks") }
            guard b.rank == 2 else { throw args.error(2, "2-D tensor expected, got size \(TensorArguments.describe(b.shape)); t:matmul handles other ranks") }
            return [value(try product(a, b, args))]
        }
        t.method("matmul", signature: "t:matmul(u) -> Tensor",
                 summary: "Matrix product: 2-D × 2-D, matrix × vector, vector × matrix, vector · vector (a scalar tensor), batched 3-D × 3-D or 3-D × 2-D.",
                 example: "tensor.ones(2, 3):matmul(tensor.ones(3))   -- 3 3") { box, args in
            [value(try product(box.tensor, args.checkTensor(2), args))]
        }
        t.method("dot", signature: "t:dot(u) -> number", summary: "Inner product of two 1-D tensors of one length.",
                 example: "tensor.from({1, 2}):dot(tensor.from({3, 4}))   -- 11") { box, args in
            let b = try args.checkTensor(2)
            return [.number(Double(try args.blaming(2) { try box.tensor.dot(b) }))]
        }
        t.method("outer", signature: "t:outer(u) -> Tensor", summary: "Outer product of two 1-D tensors: [n] and [m] give [n, m].",
                 example: "tensor.from({1, 2}):outer(tensor.from({1, 10}))") { box, args in
            let a = box.tensor, b = try args.checkTensor(2)
            guard a.rank == 1, b.rank == 1 else {
                throw args.error(a.rank == 1 ? 2 : 1, "two 1-D tensors expected, got sizes \(TensorArguments.describe(a.shape)) and \(TensorArguments.describe(b.shape))")
            }
            try args.checkShape([a.count, b.count], at: 2)
            return [value(try a.outer(b))]
        }

        let functions: [(String, String, (Tensor) -> Tensor)] = [
            ("exp", "e to the power of each element", { $0.exp() }),
            ("log", "Natural logarithm of each element", { $0.log() }),
            ("sqrt", "Square root of each element", { $0.sqrt() }),
            ("abs", "Absolute value of each element", { $0.abs() }),
            ("tanh", "Hyperbolic tangent of each element", { $0.tanh() }),
            ("sigmoid", "1 / (1 + exp(-x)) of each element", { $0.sigmoid() }),
            ("relu", "max(x, 0) of each element", { $0.relu() }),
        ]
        for (name, summary, f) in functions {
            t.method(name, signature: "t:\(name)() -> Tensor", summary: summary + ".", example: "tensor.from({-1, 0, 1}):\(name)()") { box, _ in
                [value(f(box.tensor))]
            }
        }
        t.method("clamp", signature: "t:clamp(min, max) -> Tensor",
                 summary: "Each element limited to [min, max]; either bound may be nil.",
                 example: "tensor.randn(5):clamp(-1, 1)") { box, args in
            let lo = try args.optNumber(2).map(Float.init), hi = try args.optNumber(3).map(Float.init)
            return [value(try args.blaming(3) { try box.tensor.clamp(min: lo, max: hi) })]
        }
    }

    /// `a op b` for two operands, each a number or a tensor, broadcasting as NumPy.
    private static func arithmetic(_ args: LuaArgs, _ tensors: (Tensor, Tensor) throws -> Tensor,
                                   _ scalar: (Tensor, Float) -> Tensor) throws -> [LuaValue] {
        let a = try args.operand(1), b = try args.operand(2)
        if args.kind(2) == .number && args.kind(1) != .number { return [value(scalar(a, b.data[0]))] }
        _ = try args.blaming(2) { try TensorArguments.broadcast(a.shape, b.shape) }
        return [value(try args.blaming(2) { try tensors(a, b) })]
    }

    /// `a:matmul(b)`, with the result's size checked before it is allocated.
    private static func product(_ a: Tensor, _ b: Tensor, _ args: LuaArgs) throws -> Tensor {
        switch (a.rank, b.rank) {
        case (2, 2): try args.checkShape([a.shape[0], b.shape[1]], at: 2)
        case (3, 2), (3, 3): try args.checkShape([a.shape[0], a.shape[1], b.shape[b.rank - 1]], at: 2)
        default: break
        }
        return try args.blaming(2) { try a.matmul(b) }
    }
}
