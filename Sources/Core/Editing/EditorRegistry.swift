/// What a registered editor is built with: its options (a Lua table or command-line settings,
/// decoded by `OptionDecoder`) and, when known, the model it will edit.
public struct EditorContext: Sendable {
    public var options: OptionValue
    public var model: LanguageModel?
    /// The identity a trained editor must belong to (the model's, from before any edit).
    public var identity: MENDCheckpoint.ModelIdentity?

    public init(options: OptionValue = .table([:]), model: LanguageModel? = nil, identity: MENDCheckpoint.ModelIdentity? = nil) {
        self.options = options; self.model = model; self.identity = identity ?? model?.editorIdentity
    }
}

/// One editing method as the front ends see it.
public struct EditorKind: Sendable {
    /// The name in `editor.new(NAME, ...)` and `--method LABEL:NAME`.
    public let name: String
    public let summary: String
    /// The option a bare word sets in `--method LABEL:NAME:WORD` (MEND: `path`), if any.
    public let positional: String?
    public let make: @Sendable (EditorContext) throws -> any KnowledgeEditor

    public init(name: String, summary: String, positional: String? = nil,
                make: @escaping @Sendable (EditorContext) throws -> any KnowledgeEditor) {
        self.name = name; self.summary = summary; self.positional = positional; self.make = make
    }
}

/// Method name → constructor, used by Lua (`editor.new`, `editor.mend`, `editor.ft`, `editor.load`)
/// and by `instructedit eval --method`. Adding an editor is one folder and one line here
/// (docs/ADDING_AN_EDITOR.md).
public enum EditorRegistry {
    public static let kinds: [EditorKind] = [
        MENDEditor.kind,
        FineTuneEditor.kind,
    ]

    public static var names: [String] { kinds.map(\.name) }

    public static func kind(named name: String) throws -> EditorKind {
        guard let kind = kinds.first(where: { $0.name == name }) else {
            throw InstructEditError("unknown editor kind '\(name)' (\(names.joined(separator: ", ")))")
        }
        return kind
    }

    /// Builds an editor of kind `name`; when the context has a model, it is checked against it.
    public static func make(_ name: String, _ context: EditorContext) throws -> any KnowledgeEditor {
        let editor = try kind(named: name).make(context)
        if let model = context.model { _ = try editor.targets(in: model) }
        return editor
    }
}
