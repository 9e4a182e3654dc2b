import Core
import Foundation

/// `m:logits`, `m:topk`, `m:logprob`, `m:hidden`, `m:attention`, `m:lens`.
extension ModelModule {
    static func registerProbing(_ t: LuaTypeBuilder<LuaModel>) {
        t.method("logits", signature: "m:logits(text or ids) -> Tensor [T, vocab]",
                 summary: "Logits at every position (row t scores the token after position t).",
                 example: "t = m:logits(\"The capital of France is\")") { m, args in
            let ids = try tokens(args, 2, m)
            let hooks = try LuaHookSet(args, m).activationHooks
            return [.object(TensorBox(try LlamaForward.logits(m.model.weights, tokens: ids, hooks: hooks)))]
        }
        t.method("topk", signature: "m:topk(text or ids [, k=5]) -> {{id=, token=, logit=, logprob=, prob=}, ...}",
                 summary: "The k most likely next tokens after the text, best first.",
                 example: "m:topk(\"The capital of France is\", 3)[1].token  --> \" Paris\"") { m, args in
            let ids = try tokens(args, 2, m)
            let k = try topK(args, 3, m)
            let hooks = try LuaHookSet(args, m).activationHooks
            return [LuaValue(try Probing.nextTokens(m.model, tokens: ids, k: k, hooks: hooks).map(\.luaValue))]
        }
        t.method("logprob", signature: "m:logprob(prompt, continuation) -> total, {{id=, token=, logprob=}, ...}",
                 summary: "Log-probability of the continuation after the prompt (natural log), and per token. Prompt and continuation are tokenised separately, as edits and metrics do: start the continuation with its space.",
                 example: "lp, per = m:logprob(\"The capital of France is\", \" Paris\")") { m, args in
            let prompt = try text(args, 2), continuation = try text(args, 3)
            let hooks = try LuaHookSet(args, m).activationHooks
            let tokens = try Probing.continuation(m.model, prompt: prompt, continuation: continuation, hooks: hooks)
            let total = tokens.reduce(0.0) { $0 + Double($1.logProb) }
            return [.number(total), LuaValue(tokens.map(\.luaValue))]
        }
        t.method("hidden", signature: "m:hidden(text or ids) -> Tensor [layers+2, T, dim]",
                 summary: "The residual stream: [1] the embeddings, [l+1] the output of block l, [layers+2] the final RMSNorm output.",
                 example: "hs = m:hidden(\"The capital of France is\")") { m, args in
            let ids = try tokens(args, 2, m)
            return [.object(TensorBox(try LlamaForward.hiddenStates(m.model.weights, tokens: ids)))]
        }
        t.method("attention", signature: "m:attention(text or ids, layer) -> Tensor [heads, T, T]",
                 summary: "Attention probabilities of one block (1-based); row t of a head is what position t attends to (zero above the diagonal).",
                 example: "a = m:attention(\"The capital of France is\", 1)") { m, args in
            let ids = try tokens(args, 2, m)
            let layer = try args.checkInt(3)
            guard (1...max(m.config.layers, 1)).contains(layer) else {
                throw args.error(3, "layer must be in 1..\(m.config.layers), got \(layer)")
            }
            return [.object(TensorBox(try LlamaForward.attention(m.model.weights, tokens: ids, layer: layer - 1)))]
        }
        t.method("lens", signature: "m:lens(text or ids, layer [, k=5 [, {all=false}]]) -> {{id=, token=, logit=, logprob=, prob=}, ...}",
                 summary: "Logit lens: the residual stream after `layer` blocks (0 = embeddings, layers = the model's output) through the final norm and the LM head; the k best next tokens at the last position, or with all=true at every position as {{position=, input=, top={...}}, ...}.",
                 example: "for l = 0, m.config.layers do print(l, m:lens(\"The capital of France is\", l, 1)[1].token) end") { m, args in
            let ids = try tokens(args, 2, m)
            let layer = try args.checkInt(3)
            guard (0...m.config.layers).contains(layer) else {
                throw args.error(3, "layer must be in 0..\(m.config.layers) (0 = embeddings), got \(layer)")
            }
            let k = try topK(args, 4, m)
            let options = try args.options(5)
            let all = try options.bool("all", default: false)
            try options.rejectUnknown()
            let hooks = try LuaHookSet(args, m).activationHooks
            let rows = try Probing.lens(m.model, tokens: ids, layer: layer, k: k, allPositions: all, hooks: hooks)
            guard all else { return [LuaValue(rows[0].map(\.luaValue))] }
            let tok = m.model.tokenizer
            return [.array(rows.enumerated().map { t, top in
                ["position": .int(t + 1), "input": .string(tok.decode([ids[t]])), "top": LuaValue(top.map(\.luaValue))]
            })]
        }
    }

    /// An optional k (default 5) in 1...vocab.
    static func topK(_ args: LuaArgs, _ index: Int, _ m: LuaModel) throws -> Int {
        let k = try args.optInt(index, default: 5)
        guard (1...m.config.vocab).contains(k) else {
            throw args.error(index, "k must be in 1..\(m.config.vocab), got \(k)")
        }
        return k
    }
}

extension TokenScore {
    var luaValue: LuaValue {
        ["id": .int(id), "token": .string(text), "logit": .number(Double(logit)),
         "logprob": .number(Double(logProb)), "prob": .number(exp(Double(logProb)))]
    }
}

extension ContinuationToken {
    var luaValue: LuaValue { ["id": .int(id), "token": .string(text), "logprob": .number(Double(logProb))] }
}
