extension LuaSession {
    /// The modules every session registers, in order. To add one, write a `LuaModule` (see its doc
    /// comment for a complete example) and append it here.
    public static let standardModules: [any LuaModule.Type] = [
        HelpModule.self,
        IntrospectionModule.self,
        SysModule.self,
        ModelModule.self,
        EditorModule.self,
        DataModule.self,
        TemplatesModule.self,
        EvalModule.self,
        TrainModule.self,
        TensorModule.self,
        PlotModule.self,
        AnalysisModule.self,
    ]
}
