import CLua
import Core

/// `m:run` (logits with the activation cache), `m:hook`, `m:unhook`, `m:hooks`.
extension ModelModule {
    /// The activation names, for the help text.
    static let activationHelp = "blocks.L.hook_resid_pre, blocks.L.attn.hook_pattern, blocks.L.hook_attn_out, blocks.L.hook_resid_mid, blocks.L.hook_mlp_out, blocks.L.hook_resid_post (L from 1; residuals and outputs [T, dim], patterns [heads, T, T])"

    static func registerActivations(_ t: LuaTypeBuilder<LuaModel>) {
        t.method("run", signature: "m:run(text or ids [, {cache=false, hooks={[name]=fn, ...}}]) -> logits, cache",
                 summary: "One forward pass: the logits [T, vocab], and with cache=true every block's activations by name (\(activationHelp)) as a table of Tensors; cache={names} keeps only those. hooks= adds hooks for this pass only (after the model's own, see m:hook).",
                 example: "logits, cache = m:run(\"The capital of France is\", {cache=true}); cache[\"blocks.3.hook_mlp_out\"]") { m, args in
            let ids = try tokens(args, 2, m)
            let options = try args.options(3)
            let hooks = try LuaHookSet(args, m)
            if args.kind(3) == .table {
                let L = args.state
                args.stack.pushString("hooks")
                lua_rawget(L, 3)
                switch args.kind(Int(lua_gettop(L))) {
                case .nil: break
                case .table: try hooks.add(table: lua_gettop(L), argument: 3)
                default: throw args.error(3, "field 'hooks': table of functions by activation name expected, got \(args.stack.typeName(at: -1))")
                }
                _ = try? options.value("hooks")   // marks it known; the functions were read from the stack
            }
            let cacheOption = try options.value("cache")
            switch cacheOption {
            case nil, .bool(false)?: break
            case .bool(true)?: hooks.keep(nil)
            case let value?:
                guard let names = value.arrayValue?.compactMap(\.stringValue), names.count == value.arrayValue?.count, !names.isEmpty else {
                    throw args.error(3, "field 'cache': true or a list of activation names expected")
                }
                hooks.keep(Set(try names.map { text in
                    guard let name = ActivationName(text, layers: m.config.layers) else {
                        throw args.error(3, "field 'cache': " + LuaHookSet.nameError(text, layers: m.config.layers))
                    }
                    return name
                }))
            }
            try options.rejectUnknown()
            let logits = try LlamaForward.logits(m.model.weights, tokens: ids, hooks: hooks.activationHooks)
            guard cacheOption != nil, cacheOption != .bool(false) else { return [.object(TensorBox(logits))] }
            var cache: [LuaValue: LuaValue] = [:]
            for (name, tensor) in hooks.kept { cache[.string(name.description)] = .object(TensorBox(tensor)) }
            return [.object(TensorBox(logits)), .table(cache)]
        }
        t.method("hook", signature: "m:hook(name, fn) -> id",
                 summary: "Runs fn(activation, name) at the named activation (\(activationHelp)) in every forward pass of m:run, m:logits, m:topk, m:logprob, m:lens and m:generate (not edits, evaluation or training). fn may change the Tensor in place or return a new one of the same size to replace the activation; returning nothing keeps it. Hooks run in the order they were set; m:unhook removes them.",
                 example: "id = m:hook(\"blocks.2.hook_mlp_out\", function(a) return a * 0 end)") { m, args in
            let text = try args.checkString(2)
            guard ActivationName(text, layers: m.config.layers) != nil else {
                throw args.error(2, LuaHookSet.nameError(text, layers: m.config.layers))
            }
            guard args.kind(3) == .function else { throw args.typeError(3, expected: "function") }
            guard args.count == 3 else { throw args.error(4, "no more arguments expected") }
            m.hookCount += 1
            let L = args.state
            let list = hookList(args, create: true)
            lua_createtable(L, 0, 3)
            lua_pushinteger(L, lua_Integer(m.hookCount))
            lua_setfield(L, -2, "id")
            args.stack.pushString(text)
            lua_setfield(L, -2, "name")
            lua_pushvalue(L, 3)
            lua_setfield(L, -2, "fn")
            lua_rawseti(L, list, lua_Integer(lua_rawlen(L, list)) + 1)
            return [.int(m.hookCount)]
        }
        t.method("unhook", signature: "m:unhook([id or name]) -> integer",
                 summary: "Removes the hook with that id (from m:hook), or every hook at that activation name, or with no argument every hook; returns how many it removed.",
                 example: "m:unhook()") { _, args in
            let id: Int?, name: String?
            switch args.kind(2) {
            case .none, .nil: (id, name) = (nil, nil)
            case .number: (id, name) = (try args.checkInt(2), nil)
            case .string: (id, name) = (nil, try args.checkString(2))
            default: throw args.typeError(2, expected: "hook id or activation name")
            }
            let L = args.state
            let list = hookList(args, create: false)
            guard list != 0 else { return [.int(0)] }
            let entries = hookEntries(args, list)
            var kept: [Int32] = []
            for (i, entry) in entries.enumerated() {
                let matches = (id == nil && name == nil) || entry.id == id || entry.name == name
                if !matches { kept.append(Int32(i + 1)) }
            }
            lua_createtable(L, Int32(kept.count), 0)
            for (j, i) in kept.enumerated() {
                lua_rawgeti(L, list, lua_Integer(i))
                lua_rawseti(L, -2, lua_Integer(j + 1))
            }
            lua_getfield(L, ie_lua_registryindex(), RegistryKey.hooks)
            lua_pushvalue(L, 1)
            lua_pushvalue(L, -3)
            lua_rawset(L, -3)
            return [.int(entries.count - kept.count)]
        }
        t.method("hooks", signature: "m:hooks() -> {{id=, name=}, ...}",
                 summary: "The hooks set on the model, in the order they run.",
                 example: "for _, h in ipairs(m:hooks()) do print(h.id, h.name) end") { _, args in
            let list = hookList(args, create: false)
            guard list != 0 else { return [.array([])] }
            return [.array(hookEntries(args, list).map { ["id": .int($0.id), "name": .string($0.name)] })]
        }
    }

    /// The id and name of each entry of the hook list at `list`.
    private static func hookEntries(_ args: LuaArgs, _ list: Int32) -> [(id: Int, name: String)] {
        let L = args.state
        var entries: [(id: Int, name: String)] = []
        var i: lua_Integer = 1
        while lua_rawgeti(L, list, i) == LUA_TTABLE {
            args.stack.rawField(-1, "id")
            args.stack.rawField(-2, "name")
            entries.append((Int(ie_lua_tointeger(L, -2)), args.stack.string(at: -1) ?? ""))
            ie_lua_pop(L, 3)
            i += 1
        }
        ie_lua_pop(L, 1)
        return entries
    }

    /// Pushes the hook list of the model at argument 1 and returns its stack position; 0 (pushing
    /// nothing) when it has none and `create` is false.
    private static func hookList(_ args: LuaArgs, create: Bool) -> Int32 {
        let L = args.state
        lua_getfield(L, ie_lua_registryindex(), RegistryKey.hooks)
        lua_pushvalue(L, 1)
        if lua_rawget(L, -2) == LUA_TTABLE { return lua_gettop(L) }
        ie_lua_pop(L, 2)
        guard create else { return 0 }
        lua_getfield(L, ie_lua_registryindex(), RegistryKey.hooks)
        lua_pushvalue(L, 1)
        ie_lua_newtable(L)
        lua_rawset(L, -3)
        lua_pushvalue(L, 1)
        lua_rawget(L, -2)
        return lua_gettop(L)
    }
}
