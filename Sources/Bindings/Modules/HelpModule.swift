/// The global `help` function.
enum HelpModule: LuaModule {
    static let name: String? = nil
    static let summary = "help([x]): describes a module, function or object; lists the modules without x."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("help", signature: "help([x])",
                        summary: "Describes x (a module, function, object, or a name such as \"model.load\"); lists the modules when called without x.",
                        example: "help(sys.sleep)") { args in
            let session = args.session
            let text: String
            switch args.kind(1) {
            case .none:
                text = session.help.overview()
            case .string:
                text = session.helpText(for: try args.checkString(1))
            default:
                text = session.helpText(forValueAt: 1, state: args.state)
                    ?? "No help for this \(args.stack.typeName(at: 1)) (Lua's own functions are described in the Lua 5.4 manual)."
            }
            print(text)
            return []
        }
    }
}
