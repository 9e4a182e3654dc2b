import CLua
import Core

/// Nested tables of numbers (and tensors inside tables) as tensors, with errors that give the place
/// 1-based: "a number expected at [2][1], got string". `tensor.from` reads the table straight from
/// the Lua stack, because converting a table of a million numbers to `LuaValue` first takes
/// seconds; option fields that already arrived as a `LuaValue` (plot data) are read by the same rules.
enum NestedNumbers {
    /// Deeper nesting is certainly a mistake, and would recurse without bound.
    static let maxDepth = 32

    static func at(_ path: [Int]) -> String { path.isEmpty ? "" : " at " + path.map { "[\($0)]" }.joined() }

    static func notRectangular(_ path: [Int], count: Int, expected: Int) -> InstructEditError {
        InstructEditError("tables are not rectangular: the table\(at(path)) has \(count) elements, expected \(expected)")
    }

    static func misplacedTensor(_ path: [Int], _ t: Tensor, expected: ArraySlice<Int>) -> InstructEditError {
        InstructEditError("tables are not rectangular: the Tensor\(at(path)) has size \(TensorArguments.describe(t.shape)), expected \(TensorArguments.describe(Array(expected)))")
    }

    static func wrongKind(_ path: [Int], _ shape: [Int], depth: Int, got: String) -> InstructEditError {
        let expected = depth < shape.count ? "a table of \(shape[depth])" : "a number"
        return InstructEditError("\(expected) expected\(at(path)), got \(got)")
    }

    static func checkSize(_ shape: [Int]) throws {
        guard shape.count <= maxDepth else { throw InstructEditError("tables nested more than \(maxDepth) deep") }
        guard TensorArguments.elementCount(shape) != nil else {
            throw InstructEditError("size \(TensorArguments.describe(shape)) is too large (more than \(TensorArguments.maxElements) elements)")
        }
    }
}

extension LuaArgs {
    /// The number, Tensor, or nested rectangular tables of numbers and Tensors at `index`, as one tensor.
    func nestedTensor(_ index: Int) throws -> Tensor {
        let L = state
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        // The shape: follow the first elements down.
        var shape: [Int] = []
        lua_pushvalue(L, Int32(index))
        while lua_type(L, -1) == LUA_TTABLE && shape.count <= NestedNumbers.maxDepth {
            let n = Int(lua_rawlen(L, -1))
            shape.append(n)
            if n == 0 { break }
            lua_rawgeti(L, -1, 1)
            ie_lua_remove(L, -2)
        }
        if let t = try optTensor(Int(lua_gettop(L))) { shape += t.shape }
        lua_settop(L, top)
        try NestedNumbers.checkSize(shape)

        var data: [Float] = []
        data.reserveCapacity(shape.reduce(1, *))
        var path: [Int] = []
        func walk(_ position: Int32, depth: Int) throws {
            let type = lua_type(L, position)
            if type == LUA_TNUMBER && depth == shape.count {
                data.append(Float(lua_tonumberx(L, position, nil)))
            } else if type == LUA_TTABLE && depth < shape.count {
                let n = Int(lua_rawlen(L, position))
                guard n == shape[depth] else { throw NestedNumbers.notRectangular(path, count: n, expected: shape[depth]) }
                guard lua_checkstack(L, 2) != 0 else { throw InstructEditError("Lua stack overflow reading nested tables") }
                for i in stride(from: 1, through: n, by: 1) {
                    lua_rawgeti(L, position, lua_Integer(i))
                    path.append(i)
                    try walk(lua_gettop(L), depth: depth + 1)
                    path.removeLast()
                    ie_lua_pop(L, 1)
                }
            } else if let t = try optTensor(Int(position)) {
                guard t.shape[...] == shape[depth...] else { throw NestedNumbers.misplacedTensor(path, t, expected: shape[depth...]) }
                data.append(contentsOf: t.data)
            } else {
                throw NestedNumbers.wrongKind(path, shape, depth: depth, got: stack.typeName(at: position))
            }
        }
        try walk(Int32(index), depth: 0)
        return Tensor(shape: shape, data: data)
    }
}

extension TensorModule {
    /// A number, Tensor, or nested rectangular tables of them, already converted to a `LuaValue`.
    static func nestedTensor(_ value: LuaValue) throws -> Tensor {
        var shape: [Int] = []
        var node = value
        while let items = node.arrayValue, shape.count <= NestedNumbers.maxDepth {
            shape.append(items.count)
            guard let first = items.first else { break }
            node = first
        }
        if let box = node.object(as: TensorBox.self) { shape += box.tensor.shape }
        try NestedNumbers.checkSize(shape)

        var data: [Float] = []
        data.reserveCapacity(shape.reduce(1, *))
        var path: [Int] = []
        func walk(_ v: LuaValue, depth: Int) throws {
            if let x = v.doubleValue, depth == shape.count {
                data.append(Float(x))
            } else if let items = v.arrayValue, depth < shape.count {
                guard items.count == shape[depth] else { throw NestedNumbers.notRectangular(path, count: items.count, expected: shape[depth]) }
                for (i, item) in items.enumerated() {
                    path.append(i + 1)
                    try walk(item, depth: depth + 1)
                    path.removeLast()
                }
            } else if let t = v.object(as: TensorBox.self)?.tensor {
                guard t.shape[...] == shape[depth...] else { throw NestedNumbers.misplacedTensor(path, t, expected: shape[depth...]) }
                data.append(contentsOf: t.data)
            } else {
                throw NestedNumbers.wrongKind(path, shape, depth: depth, got: v.kindName == "table" ? "a table with other keys" : v.kindName)
            }
        }
        try walk(value, depth: 0)
        return Tensor(shape: shape, data: data)
    }
}
