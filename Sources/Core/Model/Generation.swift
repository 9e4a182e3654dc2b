import Foundation

/// How `Generator.generate` picks and stops (the Lua `m:generate` options).
public struct GenerationParameters: Sendable, Equatable {
    /// Most tokens to generate.
    public var maxTokens: Int
    /// 0 = greedy (argmax); otherwise logits are divided by it before sampling.
    public var temperature: Float
    /// Nucleus sampling: draw only among the most likely tokens whose probabilities reach it (1 = all).
    public var topP: Float
    /// Same seed, same parameters, same prompt ⇒ same output.
    public var seed: UInt64
    /// Generation stops when the text contains one of these; the stop string is not part of the result.
    public var stop: [String]
    /// Stop at the tokenizer's end-of-sequence token (not part of the text).
    public var stopAtEOS: Bool

    public init(maxTokens: Int = 32, temperature: Float = 0, topP: Float = 1, seed: UInt64 = 0,
                stop: [String] = [], stopAtEOS: Bool = true) {
        self.maxTokens = maxTokens; self.temperature = temperature; self.topP = topP
        self.seed = seed; self.stop = stop; self.stopAtEOS = stopAtEOS
    }

    func validate() throws {
        guard maxTokens >= 0 else { throw InstructEditError("generate: max_tokens must be >= 0, got \(maxTokens)") }
        guard temperature >= 0, temperature.isFinite else {
            throw InstructEditError("generate: temperature must be a finite number >= 0, got \(temperature)")
        }
        guard topP > 0, topP <= 1 else { throw InstructEditError("generate: top_p must be in (0, 1], got \(topP)") }
        if stop.contains("") { throw InstructEditError("generate: a stop string is empty") }
    }
}

/// Why generation ended.
public enum GenerationStopReason: String, Sendable, Equatable {
    case maxTokens = "max_tokens"
    case eos
    case stop
    /// The streaming callback returned false.
    case callback
    /// The model's context length was reached.
    case contextLength = "context_length"
}

public struct GenerationResult: Sendable, Equatable {
    /// The generated text (equal to the concatenation of the streamed pieces).
    public var text: String
    /// Every generated token id, including an end-of-sequence token and the tokens of a stop string.
    public var tokens: [Int]
    public var promptTokens: Int
    public var stopReason: GenerationStopReason
    /// Time to run the prompt (prefill) and to produce the tokens after it.
    public var promptSeconds: Double
    public var decodeSeconds: Double

    /// Decoding speed, tokens per second (the first token comes from the prompt pass).
    public var tokensPerSecond: Double {
        tokens.count > 1 && decodeSeconds > 0 ? Double(tokens.count - 1) / decodeSeconds : 0
    }
}

/// Text generation with a KV cache: one batched pass over the prompt, then one token at a time.
public final class Generator {
    public let weights: LlamaWeights
    public let tokenizer: any Tokenizer
    /// Run during every forward pass of `generate` (the prompt's, then each new token's).
    public var hooks: ActivationHooks?

    public init(weights: LlamaWeights, tokenizer: any Tokenizer) {
        self.weights = weights
        self.tokenizer = tokenizer
    }

    /// Generates after `prompt` (token ids), streaming text to `onText` as it becomes final (only
    /// complete UTF-8, never part of a stop string); `onText` returns false to stop. `onToken` sees
    /// each token as it is chosen (the end-of-sequence token too) and returns false to stop there,
    /// before the model reads it. Ctrl-C (`Interrupt`) stops with `Interrupted`.
    public func generate(prompt: [Int], parameters p: GenerationParameters = .init(),
                         onText: (String) -> Bool = { _ in true },
                         onToken: (Int) -> Bool = { _ in true }) throws -> GenerationResult {
        try p.validate()
        try LlamaForward.validate(weights, tokens: prompt, in: "generate")
        let context = weights.config.contextLength
        guard prompt.count < context else {
            throw InstructEditError("generate: the prompt has \(prompt.count) tokens, no room left in the context length \(context)")
        }
        var result = GenerationResult(text: "", tokens: [], promptTokens: prompt.count, stopReason: .maxTokens,
                                      promptSeconds: 0, decodeSeconds: 0)
        guard p.maxTokens > 0 else { return result }

        let clock = ContinuousClock(), t0 = clock.now
        // max_tokens may be anything a user typed: the cache never needs more than the context.
        let decoder = LlamaDecoder(weights, capacity: min(prompt.count + p.maxTokens - 1, context))
        decoder.hooks = hooks
        var logits = try decoder.append(prompt)
        let t1 = clock.now
        result.promptSeconds = seconds(t1 - t0)

        // A model may pad its vocabulary beyond the tokenizer's: never sample an id it cannot decode.
        let vocab = min(weights.config.vocab, max(tokenizer.vocabularySize, 1))
        var sampler = Sampler(temperature: p.temperature, topP: p.topP, seed: p.seed)
        var text = GenerationText(tokenizer: tokenizer, stop: p.stop)
        func emit(_ s: String) -> Bool {
            guard !s.isEmpty else { return true }
            result.text += s
            return onText(s)
        }
        var flush = true
        while true {
            try Interrupt.check()
            let token = logits.withUnsafeBufferPointer { sampler.sample(UnsafeBufferPointer(rebasing: $0[..<vocab])) }
            result.tokens.append(token)
            if !onToken(token) { result.stopReason = .callback; flush = false; break }
            if p.stopAtEOS, token == tokenizer.eosId { result.stopReason = .eos; break }
            let (piece, stopped) = text.append(token)
            if !emit(piece) { result.stopReason = .callback; flush = false; break }
            if stopped { result.stopReason = .stop; flush = false; break }
            if result.tokens.count == p.maxTokens { result.stopReason = .maxTokens; break }
            if decoder.count == context { result.stopReason = .contextLength; break }
            logits = try decoder.append([token])
        }
        if flush { _ = emit(text.finish()) }
        result.decodeSeconds = seconds(clock.now - t1)
        return result
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
