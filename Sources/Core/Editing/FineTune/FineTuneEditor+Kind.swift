extension FineTuneEditor {
    /// The options of `editor.new("ft", {...})`, `editor.ft` and `--method L:ft:steps=20`.
    struct Options: Decodable {
        var steps: Int?
        var lr: Float?
        var eps: Float?
        var layers: Int?
        var targets: [String]?
    }

    static let kind = EditorKind(
        name: "ft",
        summary: "FT-L: Adam on the target NLL, each weight kept within ±eps (steps, lr, eps, layers or targets)"
    ) { context in
        let o = try OptionDecoder.decode(Options.self, from: context.options)
        return try FineTuneEditor(steps: o.steps ?? 10, learningRate: o.lr ?? 5e-4, eps: o.eps ?? 5e-4,
                                  targets: TargetChoice(layers: o.layers, targets: o.targets))
    }
}
