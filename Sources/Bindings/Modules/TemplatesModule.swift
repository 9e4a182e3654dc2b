import Core

/// `templates.tasks`, `templates.render`, `templates.descriptions`, `templates.name`: the task
/// instructions (Resources/instructions.json) as the editor sees them.
enum TemplatesModule: LuaModule {
    static let name: String? = "templates"
    static let summary = "Task instructions: \"Task: {task}\\nDescription: {description}\\nInput: {prompt}\"."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("tasks", signature: "templates.tasks() -> {names}",
                        summary: "The tasks with instructions, in file order.",
                        example: "templates.tasks()  --> {\"counterfact\", \"recent\", \"convsent\", \"zsre\"}") { _ in
            [LuaValue(try InstructionSet.builtIn().tasks())]
        }
        module.function("render", signature: "templates.render(task, prompt [, {unseen=false, index=nil, topic=, sentiment=, seed=0}]) -> string",
                        summary: "The prompt with an instruction of the task: description number `index` (from 1) of the seen (or, with unseen=true, held-out) ones, or one drawn with `seed` (the draw an edit with that seed makes). ConvSent's descriptions need topic and sentiment.",
                        example: "print(templates.render(\"zsre\", \"Who wrote Hamlet?\", {index=1}))") { args in
            let task = try args.checkString(1)
            let prompt = try args.checkString(2)
            let options = try args.options(3)
            let unseen = try options.bool("unseen", default: false)
            let index = try options.int("index")
            let topic = try options.string("topic")
            let sentiment = try options.string("sentiment")
            let seed = try options.int("seed", default: 0)
            try options.rejectUnknown()
            if let index, index < 1 { throw args.error(3, "field 'index': index from 1 expected, got \(index)") }
            guard seed >= 0 else { throw args.error(3, "field 'seed': non-negative integer expected, got \(seed)") }
            var rng = SeededRandom(seed: UInt64(seed))
            return [.string(try InstructionSet.builtIn().render(task: task, prompt: prompt, unseen: unseen, index: index.map { $0 - 1 },
                                                                topic: topic, sentiment: sentiment, using: &rng))]
        }
        module.function("descriptions", signature: "templates.descriptions(task [, {unseen=false}]) -> {descriptions}",
                        summary: "The task's seen descriptions (drawn in training), or its held-out ones; {topic} and {sentiment} are placeholders.",
                        example: "templates.descriptions(\"counterfact\", {unseen=true})") { args in
            let task = try args.checkString(1)
            let options = try args.options(2)
            let unseen = try options.bool("unseen", default: false)
            try options.rejectUnknown()
            return [LuaValue(try InstructionSet.builtIn().descriptions(task: task, unseen: unseen))]
        }
        module.function("name", signature: "templates.name(task) -> string",
                        summary: "The task's display name, e.g. \"WikiData CounterFact\".",
                        example: "templates.name(\"counterfact\")") { args in
            [.string(try InstructionSet.builtIn().name(task: try args.checkString(1)))]
        }
    }
}
