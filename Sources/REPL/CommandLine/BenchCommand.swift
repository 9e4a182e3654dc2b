import ArgumentParser
import Core
import Foundation

/// `instructedit bench --json`: load time, forward and decode speed, edit latency, peak memory and
/// the machine's sgemm ceiling, as one JSON object on stdout.
struct BenchCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Prints benchmark figures as one JSON object.")

    @Flag(help: "Print the figures as one JSON object (the only format).")
    var json = false

    func execute() -> Int32 {
        do {
            var r: [(String, Double)] = []
            let model = try LanguageModel.load()
            r.append(("load_s", model.loadSeconds))
            let w = model.weights
            let tokens32 = Array(model.tokenizer.encode(String(repeating: "The capital of France is Paris. ", count: 8)).prefix(32))
            r.append(("forward_1x32_ms", 1000 * (try Benchmarks.median { _ = try LlamaForward.logits(w, tokens: tokens32) })))
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
            r.append(("peak_rss_mb", Benchmarks.peakRSSMegabytes()))
            r.append(("sgemm_gflops", Benchmarks.sgemmGFLOPS()))
            let params = Double(w.all.reduce(0) { $0 + $1.count })
            r.append(("params_m", params / 1e6))
            r.append(("forward_floor_ms", 1000 * 2 * params * 32 / ((r.last { $0.0 == "sgemm_gflops" }?.1 ?? .nan) * 1e9)))
            let body = r.map { "\"\($0.0)\": \(Self.format($0.1))" }.joined(separator: ", ")
            Console.out("{" + body + "}")
            return 0
        } catch {
            Console.err("instructedit bench: \(error)")
            return 1
        }
    }

    static func format(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.4g", x)
    }
}
