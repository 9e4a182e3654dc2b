import Foundation
import Core

/// Data for plots and analysis, accepted as tensors or as Lua tables. Each reader throws an
/// `InstructEditError` saying what it expected; callers add which argument or field was wrong.
extension TensorModule {
    /// Numbers from a tensor with at most one dimension longer than 1, or a sequence of numbers.
    static func numbers(_ v: LuaValue) throws -> [Double] {
        if let box = v.object(as: TensorBox.self) {
            guard box.tensor.shape.filter({ $0 != 1 }).count <= 1 else {
                throw InstructEditError("1-D tensor expected, got size \(TensorArguments.describe(box.tensor.shape))")
            }
            return box.tensor.data.map(Double.init)
        }
        guard let items = v.arrayValue else { throw InstructEditError("sequence of numbers or Tensor expected, got \(described(v))") }
        return try items.enumerated().map { i, item in
            guard let x = item.doubleValue else { throw InstructEditError("number expected at [\(i + 1)], got \(item.kindName)") }
            return x
        }
    }

    /// Labels from a sequence of strings or numbers (3 → "3"), or a 1-D tensor.
    static func labels(_ v: LuaValue) throws -> [String] {
        if v.object(as: TensorBox.self) != nil { return try numbers(v).map(label) }
        guard let items = v.arrayValue else { throw InstructEditError("sequence of strings or numbers expected, got \(described(v))") }
        return try items.enumerated().map { i, item in
            if let s = item.stringValue { return s }
            guard let x = item.doubleValue else { throw InstructEditError("string or number expected at [\(i + 1)], got \(item.kindName)") }
            return label(x)
        }
    }

    static func label(_ x: Double) -> String {
        if let i = Int(exactly: x) { return String(i) }
        return String(format: "%g", x)
    }

    /// Samples for analysis: the rows of a 2-D tensor, or a sequence of tensors of one size (each
    /// flattened, e.g. weight gradients).
    enum Samples {
        case rows(Tensor)
        case list([Tensor])

        var count: Int {
            switch self {
            case .rows(let t): t.shape[0]
            case .list(let l): l.count
            }
        }

        var features: Int {
            switch self {
            case .rows(let t): t.shape[1]
            case .list(let l): l.first?.count ?? 0
            }
        }
    }

    static func samples(_ v: LuaValue) throws -> Samples {
        if let box = v.object(as: TensorBox.self) {
            guard box.tensor.rank == 2 else {
                throw InstructEditError("2-D tensor of samples × features expected, got size \(TensorArguments.describe(box.tensor.shape))")
            }
            return .rows(box.tensor)
        }
        guard let items = v.arrayValue else { throw InstructEditError("Tensor or sequence of Tensors expected, got \(described(v))") }
        let tensors = try items.enumerated().map { i, item in
            guard let box = item.object(as: TensorBox.self) else { throw InstructEditError("Tensor expected at [\(i + 1)], got \(item.kindName)") }
            return box.tensor
        }
        if let first = tensors.first, let k = tensors.firstIndex(where: { $0.count != first.count }) {
            throw InstructEditError("sample \(k + 1) has \(tensors[k].count) values, sample 1 has \(first.count)")
        }
        return .list(tensors)
    }

    private static func described(_ v: LuaValue) -> String {
        if case .object = v { return "userdata" }
        return v.kindName == "table" ? "a table with non-sequence keys" : v.kindName
    }
}
