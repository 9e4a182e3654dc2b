/// The global `who` function.
enum IntrospectionModule: LuaModule {
    static let name: String? = nil
    static let summary = "who(): lists the globals you made in this session."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("who", signature: "who()",
                        summary: "Lists the globals you made in this session (not Lua's or InstructEdit's own), with their types and sizes: a tensor's shape and bytes, a model's name and shape, a table's entries, a string's length.",
                        example: "who()") { args in
            guard args.count == 0 else { throw args.error(1, "no arguments expected") }
            print(args.session.whoText())
            return []
        }
    }
}
