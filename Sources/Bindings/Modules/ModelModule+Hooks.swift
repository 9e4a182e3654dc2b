import CLua
import Core

/// Hooks from Lua: functions run at named activations of a forward pass. A model's hooks live in
/// the session's weak-keyed registry table (model userdata → {{id=, name=, fn=}, ...}), so a hook
/// that refers to its own model does not keep it alive. Before a pass, every hook function that
/// applies is pushed onto the calling function's stack, where the pass calls it.
final class LuaHookSet {
    private let args: LuaArgs
    private let layers: Int
    /// Each hook's activation and the stack position of its function, in the order they run.
    private var hooks: [(name: ActivationName, function: Int32)] = []
    /// What `m:run` keeps: nil nothing, an empty set every activation.
    private var cacheNames: Set<ActivationName>?
    /// The activations kept by the passes run with `activationHooks` (`keep`).
    private(set) var kept: [ActivationName: Tensor] = [:]

    /// The hooks set on the model at argument 1 (`m:hook`).
    init(_ args: LuaArgs, _ m: LuaModel) throws {
        self.args = args
        layers = m.config.layers
        let L = args.state
        lua_getfield(L, ie_lua_registryindex(), RegistryKey.hooks)
        lua_pushvalue(L, 1)
        guard lua_rawget(L, -2) == LUA_TTABLE else {
            ie_lua_pop(L, 2)
            return
        }
        let list = lua_gettop(L)
        var i: lua_Integer = 1
        while lua_rawgeti(L, list, i) == LUA_TTABLE {
            let entry = lua_gettop(L)
            args.stack.rawField(entry, "name")
            let name = args.stack.string(at: -1).flatMap { ActivationName($0, layers: layers) }
            ie_lua_pop(L, 1)
            args.stack.rawField(entry, "fn")
            ie_lua_remove(L, entry)
            if let name {
                guard lua_checkstack(L, 4) != 0 else { throw InstructEditError("too many hooks") }
                hooks.append((name, lua_gettop(L)))
            } else {
                ie_lua_pop(L, 1)
            }
            i += 1
        }
        ie_lua_pop(L, 1)   // the nil that ended the list; the list and registry table stay below the functions
    }

    /// Adds the hooks of a `hooks={[name]=fn, ...}` table at stack position `index` (after the
    /// model's own, so they see what those changed).
    func add(table index: Int32, argument: Int) throws {
        let L = args.state
        var names: [String] = []
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            defer { ie_lua_pop(L, 1) }
            guard let key = args.stack.string(at: -2) else {
                throw args.error(argument, "field 'hooks': activation names as keys expected, got a \(args.stack.typeName(at: -2)) key")
            }
            guard lua_type(L, -1) == LUA_TFUNCTION else {
                throw args.error(argument, "field 'hooks': [\"\(key)\"] must be a function, got \(args.stack.typeName(at: -1))")
            }
            names.append(key)
        }
        for key in names.sorted() {
            guard let name = ActivationName(key, layers: layers) else { throw args.error(argument, "field 'hooks': " + Self.nameError(key, layers: layers)) }
            guard lua_checkstack(L, 4) != 0 else { throw InstructEditError("too many hooks") }
            args.stack.pushString(key)
            lua_rawget(L, index)
            hooks.append((name, lua_gettop(L)))
        }
    }

    /// Keeps the activations named (nil: every one) as the pass goes.
    func keep(_ names: Set<ActivationName>?) { cacheNames = names ?? [] }

    /// The hooks for a forward pass, or nil when there is nothing to run or keep (the plain pass).
    var activationHooks: ActivationHooks? {
        guard !hooks.isEmpty || cacheNames != nil else { return nil }
        var wanted: Set<ActivationName>? = Set(hooks.map(\.name))
        if let cacheNames { wanted = cacheNames.isEmpty ? nil : wanted?.union(cacheNames) }
        let (hooks, args, keep) = (self.hooks, self.args, cacheNames)
        return ActivationHooks(names: wanted) { [self] name, tensor in
            for hook in hooks where hook.name == name {
                tensor = try Self.call(args, hook.function, name, tensor)
            }
            if let keep, keep.isEmpty || keep.contains(name) { kept[name] = tensor }
        }
    }

    /// Calls a hook with the activation (a Tensor) and its name: it returns a Tensor to replace the
    /// activation, or nil to keep it (with any changes it made to the Tensor in place).
    private static func call(_ args: LuaArgs, _ function: Int32, _ name: ActivationName, _ tensor: Tensor) throws -> Tensor {
        let box = TensorBox(tensor)
        let results = try args.call(Int(function), with: [.object(box), .string(name.description)])
        switch results.first ?? .nil {
        case .nil: return box.tensor
        case let value:
            guard let replaced = value.object(as: TensorBox.self) else {
                throw InstructEditError("hook for \(name) returned a \(value.kindName); a Tensor (the new activation) or nothing expected")
            }
            return replaced.tensor
        }
    }

    static func nameError(_ text: String, layers: Int) -> String {
        "activation name 'blocks.<1..\(layers)>.<kind>' expected (kinds: \(ActivationName.Kind.allCases.map(\.rawValue).joined(separator: ", "))), got '\(text)'"
    }
}
