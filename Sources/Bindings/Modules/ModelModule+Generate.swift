import CLua
import Core
import Foundation

/// `m:generate`.
extension ModelModule {
    static func registerGeneration(_ t: LuaTypeBuilder<LuaModel>) {
        t.method("generate", signature: "m:generate(text or ids [, {max_tokens=32, temperature=0, top_p=1, seed=0, stop={...}, eos=true, stream=false}]) -> string",
                 summary: "Continues the text: greedy by default, sampled with temperature > 0 (top_p keeps the smallest set of tokens reaching that probability; same seed, same text). Stops at max_tokens, at the end-of-sequence token (eos=false ignores it), or before a stop string. stream=true prints the text as it comes; stream=function(piece) receives it (return false to stop). Ctrl-C stops it.",
                 example: "m:generate(\"The capital of France is\", {max_tokens=8, stop={\"\\n\"}})") { m, args in
            let prompt = try tokens(args, 2, m)
            let options = try args.options(3)
            var p = GenerationParameters()
            p.maxTokens = try options.int("max_tokens", default: p.maxTokens)
            p.temperature = Float(try options.number("temperature", default: Double(p.temperature)))
            p.topP = Float(try options.number("top_p", default: Double(p.topP)))
            let seed = try options.int("seed", default: 0)
            guard seed >= 0 else { throw args.error(3, "field 'seed': non-negative integer expected, got \(seed)") }
            p.seed = UInt64(seed)
            p.stop = try options.strings("stop") ?? []
            p.stopAtEOS = try options.bool("eos", default: true)
            let stream = try streamOption(args, options, at: 3)
            try options.rejectUnknown()

            var callbackError: (any Error)?
            var soFar = ""
            let generator = Generator(weights: m.model.weights, tokenizer: m.model.tokenizer)
            generator.hooks = try LuaHookSet(args, m).activationHooks
            let result: GenerationResult
            do {
              result = try generator.generate(prompt: prompt, parameters: p) { piece in
                soFar += piece
                switch stream {
                case .none:
                    return true
                case .print:
                    Swift.print(piece, terminator: "")
                    fflush(nil)
                    return true
                case .function(let index):
                    do {
                        return try args.call(index, with: [.string(piece)]).first != .bool(false)
                    } catch {
                        callbackError = error
                        return false
                    }
                }
              }
            } catch is Interrupted where stream == .none {
                // Ctrl-C still stops the cell, but the text generated so far is shown, not lost.
                throw InstructEditError("interrupted after \(soFar.isEmpty ? "no text" : "generating \(soFar.debugDescription)")")
            }
            if case .print = stream {
                Swift.print("")
                fflush(nil)
            }
            if let callbackError { throw callbackError }
            return [.string(result.text)]
        }
    }

    enum Stream: Equatable {
        case none, print
        /// The callback's position on the Lua stack.
        case function(Int)
    }

    /// The `stream` option: a boolean, or a function left on the stack for the callback. (A function
    /// is no Swift value, so it is read from the stack rather than through `LuaOptions`.)
    static func streamOption(_ args: LuaArgs, _ options: LuaOptions, at index: Int) throws -> Stream {
        guard args.kind(index) == .table else { return .none }
        let L = args.state
        lua_pushstring(L, "stream")
        lua_rawget(L, Int32(index))
        let position = Int(lua_gettop(L))
        switch args.kind(position) {
        case .function:
            _ = try? options.bool("stream")   // marks the option as known; its value is on the stack
            return .function(position)
        case .boolean, .nil:
            return try options.bool("stream") == true ? .print : .none
        default:
            throw args.error(index, "field 'stream': boolean or function expected, got \(args.stack.typeName(at: Int32(position)))")
        }
    }
}
