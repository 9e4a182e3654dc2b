import Core

/// Reductions (over everything, giving a number, or along a dimension, giving a tensor), softmax,
/// ranking, and conversion to Lua values and files. Indices returned to Lua count from 1.
extension TensorModule {
    static func registerReductionMethods(_ t: LuaTypeBuilder<TensorBox>) {
        let reductions: [(String, String, (Tensor) -> Float, (Tensor, Int, Bool) throws -> Tensor)] = [
            ("sum", "Sum of all elements, or along dim", { $0.sum() }, { try $0.sum(dim: $1, keepdim: $2) }),
            ("mean", "Mean of all elements, or along dim", { $0.mean() }, { try $0.mean(dim: $1, keepdim: $2) }),
            ("var", "Variance (divided by n - 1) of all elements, or along dim", { $0.variance() },
             { try $0.variance(dim: $1, keepdim: $2) }),
            ("std", "Standard deviation (divided by n - 1) of all elements, or along dim", { $0.std() },
             { try $0.std(dim: $1, keepdim: $2) }),
        ]
        for (name, summary, all, along) in reductions {
            t.method(name, signature: "t:\(name)([dim [, keepdim]]) -> number | Tensor",
                     summary: summary + " (a tensor without dim, or with it of size 1 when keepdim is true).",
                     example: "tensor.from({{1, 2}, {3, 4}}):\(name)(1)") { box, args in
                guard let d = try args.optDimension(2, of: box.tensor) else { return [.number(Double(all(box.tensor)))] }
                let keep = try args.optBool(3, default: false)
                return [value(try along(box.tensor, d, keep))]
            }
        }
        for (name, largest) in [("max", true), ("min", false)] {
            t.method(name, signature: "t:\(name)([dim [, keepdim]]) -> value, index",
                     summary: "The \(largest ? "largest" : "smallest") element and its 1-based index (flat); along dim, tensors of values and indices.",
                     example: "v, i = tensor.from({3, 9, 4}):\(name)()") { box, args in
                let t = box.tensor
                guard let d = try args.optDimension(2, of: t) else {
                    guard t.count > 0 else { throw args.error(1, "the tensor is empty") }
                    let i = try largest ? t.argmax() : t.argmin()
                    return [.number(Double(t.data[i])), .int(i + 1)]
                }
                try checkNotEmpty(t, d, args)
                let keep = try args.optBool(3, default: false)
                let (values, indices) = try largest ? t.max(dim: d, keepdim: keep) : t.min(dim: d, keepdim: keep)
                return [value(values), value(indices.add(1))]
            }
        }
        for (name, largest) in [("argmax", true), ("argmin", false)] {
            t.method(name, signature: "t:\(name)([dim [, keepdim]]) -> integer | Tensor",
                     summary: "The 1-based (flat) index of the \(largest ? "largest" : "smallest") element; along dim, a tensor of indices.",
                     example: "tensor.from({3, 9, 4}):\(name)()") { box, args in
                let t = box.tensor
                guard let d = try args.optDimension(2, of: t) else {
                    guard t.count > 0 else { throw args.error(1, "the tensor is empty") }
                    return [.int(try (largest ? t.argmax() : t.argmin()) + 1)]
                }
                try checkNotEmpty(t, d, args)
                let keep = try args.optBool(3, default: false)
                return [value(try (largest ? t.argmax(dim: d, keepdim: keep) : t.argmin(dim: d, keepdim: keep)).add(1))]
            }
        }
        t.method("norm", signature: "t:norm([p [, dim [, keepdim]]]) -> number | Tensor",
                 summary: "The p-norm (p = 2 by default, 1, math.huge for the largest magnitude, any p > 0) of all elements, or along dim.",
                 example: "tensor.from({3, 4}):norm()   -- 5") { box, args in
            let p = Float(try args.optNumber(2, default: 2))
            guard p > 0 else { throw args.error(2, "p must be positive (or math.huge), got \(p)") }
            guard let d = try args.optDimension(3, of: box.tensor) else { return [.number(Double(try box.tensor.norm(p: p)))] }
            let keep = try args.optBool(4, default: false)
            return [value(try box.tensor.norm(p: p, dim: d, keepdim: keep))]
        }
        t.method("softmax", signature: "t:softmax([dim]) -> Tensor", summary: "Softmax along dim (default: the last).",
                 example: "tensor.from({1, 2, 3}):softmax()") { box, args in
            [value(try box.tensor.softmax(dim: try lineDimension(box.tensor, args)))]
        }
        t.method("log_softmax", signature: "t:log_softmax([dim]) -> Tensor",
                 summary: "log(softmax) along dim (default: the last), computed stably.",
                 example: "tensor.from({1, 2, 3}):log_softmax()") { box, args in
            [value(try box.tensor.logSoftmax(dim: try lineDimension(box.tensor, args)))]
        }
        t.method("topk", signature: "t:topk(k [, largest]) -> values, indices",
                 summary: "The k largest (smallest when largest is false) entries along the last dimension, best first, with their 1-based indices.",
                 example: "v, i = tensor.from({0.1, 0.7, 0.2}):topk(2)   -- 0.7 0.2, 2 3") { box, args in
            let k = try args.checkInt(2)
            let largest = try args.optBool(3, default: true)
            guard box.tensor.rank >= 1 else { throw args.error(1, "a scalar tensor has nothing to rank") }
            let (values, indices) = try args.blaming(2) { try box.tensor.topk(k, largest: largest) }
            return [value(values), value(indices.add(1))]
        }
        t.method("sort", signature: "t:sort([dim [, descending]]) -> values, indices",
                 summary: "Sorted along dim (default: the last; ascending unless descending is true), with the 1-based original positions; stable.",
                 example: "v, i = tensor.from({3, 1, 2}):sort()") { box, args in
            let d = try lineDimension(box.tensor, args)
            let descending = try args.optBool(3, default: false)
            let (values, indices) = try box.tensor.sort(dim: d, descending: descending)
            return [value(values), value(indices.add(1))]
        }
    }

    /// The optional dimension at position 2, defaulting to the last one.
    private static func lineDimension(_ t: Tensor, _ args: LuaArgs) throws -> Int {
        guard t.rank >= 1 else { throw args.error(1, "a scalar tensor has no dimension to work along") }
        return try args.optDimension(2, of: t) ?? t.rank - 1
    }

    private static func checkNotEmpty(_ t: Tensor, _ d: Int, _ args: LuaArgs) throws {
        guard t.shape[d] > 0 else { throw args.error(2, "dimension \(d + 1) is empty (size \(TensorArguments.describe(t.shape)))") }
    }

    // MARK: Conversion

    static func registerConversionMethods(_ t: LuaTypeBuilder<TensorBox>) {
        t.method("item", signature: "t:item() -> number", summary: "The value of a tensor with exactly one element.",
                 example: "tensor.ones(1, 1):item()   -- 1.0") { box, args in
            [.number(Double(try args.blaming(1) { try box.tensor.item() }))]
        }
        t.method("totable", signature: "t:totable() -> table",
                 summary: "The values as nested Lua tables (a scalar as a number).",
                 example: "tensor.eye(2):totable()   -- {{1.0, 0.0}, {0.0, 1.0}}") { box, _ in
            [luaValue(box.tensor.toNested())]
        }
        t.method("clone", signature: "t:clone() -> Tensor", summary: "A copy (changes to it with set or t[i] = v leave t alone).",
                 example: "u = t:clone()") { box, _ in
            [value(box.tensor)]
        }
        t.method("save", signature: "t:save(path)", summary: "Writes the tensor as a float32 .npy file (NumPy: np.load(path)).",
                 example: "t:save('hidden.npy')") { box, args in
            let path = try args.checkString(2)
            try args.blaming(2) { try Npy.save(box.tensor, to: path) }
            return []
        }
    }

    private static func luaValue(_ nested: Tensor.Nested) -> LuaValue {
        switch nested {
        case .value(let v): .number(Double(v))
        case .list(let items): .array(items.map(luaValue))
        }
    }
}
