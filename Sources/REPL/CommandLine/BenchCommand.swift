import ArgumentParser
import Core
import Foundation

/// `instructedit bench --json`: load time, forward (32, 128 and 512 tokens, each against its sgemm
/// floor) and decode speed, edit latency, evaluation records per second, peak memory, the machine's
/// sgemm ceiling, the CPU and the kernels' vector path, as one JSON object on stdout.
struct BenchCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Prints benchmark figures as one JSON object.")

    @Flag(help: "Print the figures as one JSON object (the only format).")
    var json = false
    @Option(name: .customLong("vector-path"), help: ArgumentHelp("Run the kernels on this path instead of the CPU's widest: avx512, avx2 or portable.", valueName: "PATH"))
    var vectorPath: String?

    func execute() -> Int32 {
        do {
            if let p = vectorPath { try Benchmarks.useVectorPath(p) }
            var r: [(String, Double)] = []
            let model = try LanguageModel.load()
            r.append(("load_s", model.loadSeconds))
            let w = model.weights
            let text = model.tokenizer.encode(String(repeating: "The capital of France is Paris. ", count: 100))
            guard text.count >= Self.lengths.max() ?? 0 else { throw InstructEditError("bench: the benchmark text is too short") }
            let tokens32 = Array(text.prefix(32))
            for T in Self.lengths {
                let tokens = Array(text.prefix(T))
                r.append(("forward_1x\(T)_ms", 1000 * (try Benchmarks.median(repeats: T > 128 ? 3 : 5) {
                    _ = try LlamaForward.logits(w, tokens: tokens)
                })))
            }
            let prompt16 = Array(tokens32.prefix(16))
            let generator = Generator(weights: w, tokenizer: model.tokenizer)
            var decode = 0.0
            _ = try Benchmarks.median(repeats: 3) {
                let g = try generator.generate(prompt: prompt16, parameters: GenerationParameters(maxTokens: 64, stopAtEOS: false))
                decode = max(decode, Double(g.tokens.count - 1) / g.decodeSeconds)
            }
            r.append(("decode_tok_s", decode))
            // One edit of a 10-token prompt with a 3-token target: forward, backward to the inner
            // weights, editor, apply (undone after each run).
            let targets = try EditTargets.mlp(of: w)
            let mend = try MENDEditor(config: MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init)))
            let prompt = model.tokenizer.decode(Array(model.tokenizer.encode("The Eiffel Tower is located in the city of").prefix(10)))
            let request = EditRequest(prompt: prompt, target: " Rome, Italy")
            r.append(("edit_ms", 1000 * (try Benchmarks.median { try mend.edit(model, [request]).undo() })))
            let ft = try FineTuneEditor()
            r.append(("edit_ftl_ms", 1000 * (try Benchmarks.median(repeats: 3) { try ft.edit(model, [request]).undo() })))
            r.append(("edit_ftl_steps", Double(ft.steps)))
            r.append(("mend_rank", Double(mend.config.rank)))
            r.append(("eval_records_per_s", try Self.evalRecordsPerSecond(model)))
            r.append(("eval_records", Double(Self.evalRecords)))
            r.append(("peak_rss_mb", Benchmarks.peakRSSMegabytes()))
            let gflops = Benchmarks.sgemmGFLOPS()
            r.append(("sgemm_gflops", gflops))
            let params = Double(w.all.reduce(0) { $0 + $1.count })
            r.append(("params_m", params / 1e6))
            // The floor: 2·params FLOP per token (every weight once, LM head included) at sgemm's rate.
            func floor(_ T: Int) -> Double { 1000 * 2 * params * Double(T) / (gflops * 1e9) }
            r.append(("forward_floor_ms", floor(32)))
            for T in Self.lengths {
                let ms = r.last { $0.0 == "forward_1x\(T)_ms" }?.1 ?? .nan
                if T != 32 { r.append(("forward_floor_1x\(T)_ms", floor(T))) }
                r.append(("forward_1x\(T)_floor_ratio", ms / floor(T)))
            }
            var body = r.map { "\"\($0.0)\": \(Self.format($0.1))" }
            let cpu = Self.cpu()
            body += [("cpu_model", cpu.model), ("cpu_flags", cpu.flags), ("vector_path", Benchmarks.vectorPath)]
                .map { "\"\($0.0)\": \(Self.jsonString($0.1))" }
            Console.out("{" + body.joined(separator: ", ") + "}")
            return 0
        } catch {
            Console.err("instructedit bench: \(error)")
            return 1
        }
    }

    static let lengths = [32, 128, 512]
    static let evalRecords = 5

    /// `instructedit eval --tasks zsre --n 5 --seed 0 --method "IE:mend:instructedit:instruct"`, timed
    /// (an edit, its scoring and the undo per record), in records per second.
    static func evalRecordsPerSecond(_ model: LanguageModel) throws -> Double {
        let method = try EvalCommand.parse("IE:mend:instructedit:instruct", model: model)
        let records = try Datasets.sample(task: "zsre", split: "test", seed: 0, n: evalRecords)
        var options = EvaluationOptions()
        options.n = evalRecords
        options.instruct = method.instruct
        let scorer = try ModelScorer(model: model, editor: method.editor, instructionTasks: ["zsre"])
        let result = try Core.Evaluator.run(model: model, editor: method.editor, records: records, options: options, scorer: scorer)
        return Double(records.count) / result.seconds
    }

    /// The CPU's model name and its vector extensions (from /proc/cpuinfo; "unknown" elsewhere).
    static func cpu() -> (model: String, flags: String) {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            info.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let vector = Set(["sse4_2", "avx", "avx2", "fma", "f16c"])
        let flags = (field("flags") ?? "").split(separator: " ").map(String.init)
            .filter { vector.contains($0) || $0.hasPrefix("avx512") || $0.hasPrefix("amx") || $0.hasPrefix("avx_vnni") }
        return (field("model name") ?? "unknown", flags.isEmpty ? "unknown" : flags.joined(separator: " "))
    }

    /// `s` as a JSON string literal.
    static func jsonString(_ s: String) -> String {
        (try? JSONSerialization.data(withJSONObject: s, options: .fragmentsAllowed)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }

    static func format(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.4g", x)
    }
}
