import Core

/// The `tensor` module: Core's tensors in Lua, Torch7 style. Indices and dimensions count from 1
/// (negative ones from the end); operations return new tensors, never views.
enum TensorModule: LuaModule {
    static let name: String? = "tensor"
    static let summary = "Float32 tensors: creation, indexing, arithmetic, matmul, reductions, .npy files."

    static func register(in module: LuaModuleBuilder) throws {
        try module.type(TensorBox.self, name: "Tensor", summary: typeSummary) { t in
            try registerShapeMethods(t)
            try registerMathMethods(t)
            registerReductionMethods(t)
            registerConversionMethods(t)
            t.description { $0.tensor.format() }
        }
        registerCreation(module)
        registerCombination(module)
    }

    static let typeSummary = """
        A dense Float32 tensor. Operators: + - * / ^ elementwise with broadcasting (numbers on either \
        side), unary -, == (same size and values), #t (size of dimension 1), t[i] (row i, or the number \
        at i of a 1-D tensor), t[i] = v. Indices and dimensions count from 1, negative ones from the end; \
        results are new tensors (no views).
        """

    /// A new userdata value for `t`.
    static func value(_ t: Tensor) -> LuaValue { .object(TensorBox(t)) }

    // MARK: Creation

    private static func registerCreation(_ module: LuaModuleBuilder) {
        // One generator per session, seeded 0 when the session starts, so a notebook draws the same
        // numbers on every run; `{seed=}` draws from a fresh generator instead.
        let generator = SessionGenerator()

        module.function("zeros", signature: "tensor.zeros(sizes...) -> Tensor",
                        summary: "A tensor of zeros; sizes as numbers or one table.",
                        example: "t = tensor.zeros(2, 3)   -- or tensor.zeros({2, 3})") { args in
            let (shape, next) = try args.sizes(from: 1)
            try args.checkNoMore(next)
            return [value(try args.blaming(1) { try Tensor.zeros(shape) })]
        }
        module.function("ones", signature: "tensor.ones(sizes...) -> Tensor",
                        summary: "A tensor of ones; sizes as numbers or one table.",
                        example: "t = tensor.ones(3)") { args in
            let (shape, next) = try args.sizes(from: 1)
            try args.checkNoMore(next)
            return [value(try args.blaming(1) { try Tensor.ones(shape) })]
        }
        module.function("full", signature: "tensor.full(sizes..., value) -> Tensor",
                        summary: "A tensor filled with value; sizes as numbers or one table.",
                        example: "t = tensor.full(2, 2, 0.5)   -- or tensor.full({2, 2}, 0.5)") { args in
            let shape: [Int], valueIndex: Int
            if args.kind(1) == .table {
                (shape, valueIndex) = try args.sizes(from: 1)
            } else {
                var numbers = 0
                while args.kind(numbers + 1) == .number { numbers += 1 }
                guard numbers >= 2 else { throw args.typeError(numbers + 1, expected: numbers == 0 ? "sizes" : "number") }
                shape = try (1..<numbers).map { try args.checkInt($0) }
                try args.checkShape(shape, at: 1)
                valueIndex = numbers
            }
            let fill = Float(try args.checkNumber(valueIndex))
            try args.checkNoMore(valueIndex + 1)
            return [value(try args.blaming(1) { try Tensor.full(shape, fill) })]
        }
        module.function("randn", signature: "tensor.randn(sizes... [, {seed=}]) -> Tensor",
                        summary: "Standard normal values; without a seed they continue the session's generator (seeded 0 at start).",
                        example: "t = tensor.randn(2, 3, {seed = 1})") { args in
            [value(try random(args, generator: generator) { shape, rng in try Tensor.randn(shape, using: &rng) })]
        }
        module.function("rand", signature: "tensor.rand(sizes... [, {seed=}]) -> Tensor",
                        summary: "Uniform values in [0, 1); without a seed they continue the session's generator.",
                        example: "t = tensor.rand(4, {seed = 7})") { args in
            [value(try random(args, generator: generator) { shape, rng in try Tensor.rand(shape, using: &rng) })]
        }
        module.function("arange", signature: "tensor.arange([start,] stop [, step]) -> Tensor",
                        summary: "start, start+step, ... up to but excluding stop (start 0 and step 1 by default), as NumPy and PyTorch.",
                        example: "tensor.arange(1, 6)   -- 1 2 3 4 5") { args in
            let one = args.isNoneOrNil(2)
            let start = one ? 0 : try args.checkNumber(1)
            let stop = try args.checkNumber(one ? 1 : 2)
            let step = try args.optNumber(3, default: 1)
            for (i, x) in [(1, start), (one ? 1 : 2, stop), (3, step)] where !x.isFinite {
                throw args.error(i, "finite number expected, got \(x)")
            }
            guard step != 0 else { throw args.error(3, "step must not be zero") }
            let count = ((stop - start) / step).rounded(.up)
            guard count.isFinite, count <= Double(TensorArguments.maxElements) else {
                throw args.error(one ? 1 : 2, "the range would have more than \(TensorArguments.maxElements) elements")
            }
            return [value(try args.blaming(1) { try Tensor.arange(start, stop, step) })]
        }
        module.function("eye", signature: "tensor.eye(n [, m]) -> Tensor",
                        summary: "The n×m identity matrix (m defaults to n).",
                        example: "I = tensor.eye(3)") { args in
            let n = try args.checkInt(1)
            let m = try args.optInt(2, default: n)
            try args.checkShape([n], at: 1)
            try args.checkShape([m], at: 2)
            try args.checkShape([n, m], at: 1)
            return [value(try args.blaming(1) { try Tensor.eye(n, m) })]
        }
        module.function("from", signature: "tensor.from(values) -> Tensor",
                        summary: "A tensor from a number, a (nested, rectangular) table of numbers, or tensors inside tables.",
                        example: "t = tensor.from({{1, 2}, {3, 4}})") { args in
            let isTensor = try args.optTensor(1) != nil
            guard isTensor || [.number, .table].contains(args.kind(1)) else {
                throw args.typeError(1, expected: "table or number")
            }
            let t = try args.blaming(1) { try args.nestedTensor(1) }
            return [value(t)]
        }
        module.function("load", signature: "tensor.load(path) -> Tensor",
                        summary: "Reads a .npy file (float32, float64, int32 or int64, C order).",
                        example: "t = tensor.load('hidden.npy')") { args in
            let path = try args.checkString(1)
            return [value(try args.blaming(1) { try Npy.load(path) })]
        }
    }

    /// randn/rand: sizes, then an optional `{seed=}`.
    private static func random(_ args: LuaArgs, generator: SessionGenerator,
                               draw: ([Int], inout TensorRNG) throws -> Tensor) throws -> Tensor {
        let (shape, next) = try args.sizes(from: 1)
        let options = try args.options(next)
        let seed = try options.int("seed")
        try options.rejectUnknown()
        try args.checkNoMore(next + 1)
        guard let seed else { return try args.blaming(1) { try draw(shape, &generator.rng) } }
        var rng = TensorRNG(seed: UInt64(bitPattern: Int64(seed)))
        return try args.blaming(1) { try draw(shape, &rng) }
    }

    // MARK: Combining tensors

    private static func registerCombination(_ module: LuaModuleBuilder) {
        module.function("cat", signature: "tensor.cat({t1, t2, ...} [, dim]) -> Tensor",
                        summary: "Joins tensors along dimension dim (default 1); the other sizes must agree.",
                        example: "tensor.cat({tensor.ones(2, 3), tensor.zeros(1, 3)})   -- 3x3") { args in
            let tensors = try tensorList(args, 1)
            let first = tensors[0]
            let d = args.isNoneOrNil(2) ? 0 : try args.dimension(2, of: first)
            for (k, t) in tensors.enumerated() {
                var a = t.shape, b = first.shape
                guard a.count == b.count else {
                    throw args.error(1, "tensor \(k + 1) has size \(TensorArguments.describe(a)), tensor 1 has size \(TensorArguments.describe(b)); ranks differ")
                }
                (a[d], b[d]) = (0, 0)
                guard a == b else {
                    throw args.error(1, "tensor \(k + 1) has size \(TensorArguments.describe(t.shape)), tensor 1 has size \(TensorArguments.describe(first.shape)); only dimension \(d + 1) may differ")
                }
            }
            return [value(try args.blaming(1) { try Tensor.concat(tensors, dim: d) })]
        }
        module.function("stack", signature: "tensor.stack({t1, t2, ...} [, dim]) -> Tensor",
                        summary: "Joins tensors of one size along a new dimension dim (default 1).",
                        example: "tensor.stack({tensor.ones(3), tensor.zeros(3)})   -- 2x3") { args in
            let tensors = try tensorList(args, 1)
            let first = tensors[0]
            for (k, t) in tensors.enumerated() where t.shape != first.shape {
                throw args.error(1, "tensor \(k + 1) has size \(TensorArguments.describe(t.shape)), tensor 1 has size \(TensorArguments.describe(first.shape)); all must be equal")
            }
            let d = args.isNoneOrNil(2) ? 0 : try args.dimension(2, of: first, extra: 1)
            return [value(try args.blaming(1) { try Tensor.stack(tensors, dim: d) })]
        }
        module.function("cosine", signature: "tensor.cosine(a, b) -> number | Tensor",
                        summary: "Cosine similarity of two 1-D tensors (a number), or of two matrices row by row (a 1-D tensor).",
                        example: "tensor.cosine(tensor.from({1, 0}), tensor.from({1, 1}))   -- 0.7071") { args in
            let a = try args.checkTensor(1), b = try args.checkTensor(2)
            let c = try args.blaming(2) { try a.cosineSimilarity(b) }
            return [c.rank == 0 ? .number(Double(c.data[0])) : value(c)]
        }
    }

    /// A non-empty sequence of tensors at `index`.
    static func tensorList(_ args: LuaArgs, _ index: Int) throws -> [Tensor] {
        guard let items = try args.checkTable(index).arrayValue, !items.isEmpty else {
            throw args.error(index, "non-empty sequence of Tensors expected")
        }
        return try items.enumerated().map { k, item in
            guard let box = item.object(as: TensorBox.self) else {
                throw args.error(index, "Tensor expected at [\(k + 1)], got \(item.kindName)")
            }
            return box.tensor
        }
    }
}

/// The session's random generator for draws without a seed.
final class SessionGenerator {
    var rng = TensorRNG(seed: 0)
}

extension LuaArgs {
    /// Rejects arguments from `index` on, for functions whose argument lists are easy to get wrong
    /// (`tensor.zeros(2, {seed=1})`).
    func checkNoMore(_ index: Int) throws {
        guard kind(index) == .none || (kind(index) == .nil && count <= index) else {
            throw error(index, "no more arguments expected, got \(stack.typeName(at: Int32(index)))")
        }
    }
}
