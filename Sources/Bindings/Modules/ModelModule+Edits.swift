import Core
import Foundation

/// The object behind a Lua `Effect`: prompts read before and after an edit, shown side by side.
final class LuaEffect {
    let effects: [PromptEffect]
    let target: String?
    /// What changed the model, for the heading ("mend: 'The capital…' → ' Rome'").
    let change: String

    init(effects: [PromptEffect], target: String?, change: String) {
        self.effects = effects
        self.target = target
        self.change = change
    }

    var summary: String {
        var lines = ["Effect of \(change) on \(effects.count) prompt\(effects.count == 1 ? "" : "s")"
                     + (target.map { ", target '\(EditorModule.clip($0))'" } ?? "")]
        for e in effects {
            lines.append("'\(EditorModule.clip(e.prompt, 72))'")
            lines.append("  before: " + Self.line(e.before))
            lines.append("  after:  " + Self.line(e.after))
        }
        return lines.joined(separator: "\n")
    }

    /// "' Paris' 62.1% · ' the' 8.0%   target -9.81".
    static func line(_ r: PromptReading) -> String {
        var s = r.top.map { "'\(EditorModule.clip($0.text, 16))' \(String(format: "%.1f", 100 * exp(Double($0.logProb))))%" }
            .joined(separator: " · ")
        if let lp = r.targetLogProb { s += "   target log-prob \(String(format: "%.3f", lp))" }
        return s
    }

    var table: LuaValue {
        .array(effects.map { e in
            ["prompt": .string(e.prompt), "before": Self.reading(e.before), "after": Self.reading(e.after)]
        })
    }

    static func reading(_ r: PromptReading) -> LuaValue {
        var t: [LuaValue: LuaValue] = ["top": .array(r.top.map(\.luaValue))]
        if let lp = r.targetLogProb {
            t["target_logprob"] = .number(lp)
            t["target"] = .array(r.target.map(\.luaValue))
        }
        return .table(t)
    }
}

/// `m:edits`, `m:reset`, `m:effect`.
extension ModelModule {
    static func registerEdits(_ t: LuaTypeBuilder<LuaModel>) {
        t.method("edits", signature: "m:edits() -> {Edit, ...}",
                 summary: "The edits applied to the model, oldest first.",
                 example: "for _, e in ipairs(m:edits()) do print(e) end") { m, _ in
            [.array(m.model.editLog.applied.map { .object($0) })]
        }
        t.method("reset", signature: "m:reset() -> integer",
                 summary: "Undoes every applied edit, newest first, restoring the original weights exactly; returns how many it undid.",
                 example: "m:reset()") { m, _ in
            let n = m.model.editLog.applied.count
            try m.model.undoAllEdits()
            return [.int(n)]
        }
        t.method("effect", signature: "m:effect(ed, request, prompts [, {k=3, target=}]) or m:effect(fn, prompts [, options]) -> Effect",
                 summary: "What an edit does to any prompts: reads each prompt (its k most likely next tokens, and the log-probability of the target, which defaults to the request's), applies the edit (ed:edit(m, request), or whatever edits fn applies), reads them again, and undoes the edit, so the model ends as it began. print() shows before and after side by side; .prompts holds the figures.",
                 example: "m:effect(ed, {prompt=\"The capital of France is\", target=\" Rome\"}, {\"The capital of France is\", \"Paris is the capital of\"})") { m, args in
            let change: () throws -> Void
            let label: String
            var target: String?
            let promptsAt: Int
            if args.kind(2) == .function {
                change = { _ = try args.call(2) }
                label = "the change"
                promptsAt = 3
            } else {
                let ed = try args.checkUserdata(2, LuaEditor.self)
                let requests = try EditorModule.requests(args, 3)
                change = { _ = try ed.editor(for: m).edit(m.model, requests) }
                label = requests.count == 1
                    ? "\(ed.method): '\(EditorModule.clip(requests[0].prompt))' → '\(EditorModule.clip(requests[0].target))'"
                    : "\(ed.method): \(requests.count) requests"
                target = requests[0].target
                promptsAt = 4
            }
            let prompts = args.kind(promptsAt) == .string ? [try text(args, promptsAt)] : try args.checkStringArray(promptsAt)
            guard !prompts.isEmpty else { throw args.error(promptsAt, "at least one prompt expected") }
            if let i = prompts.firstIndex(where: \.isEmpty) { throw args.error(promptsAt, "prompt [\(i + 1)] is empty") }
            let options = try args.options(promptsAt + 1)
            let k = try options.int("k", default: 3)
            target = try options.string("target") ?? target
            try options.rejectUnknown()
            guard (1...m.config.vocab).contains(k) else { throw args.error(promptsAt + 1, "field 'k': must be in 1..\(m.config.vocab), got \(k)") }
            if target?.isEmpty == true { throw args.error(promptsAt + 1, "field 'target': non-empty string expected") }
            let effects = try Probing.effect(m.model, prompts: prompts, target: target, k: k, change: change)
            return [.object(LuaEffect(effects: effects, target: target, change: label))]
        }
    }

    static func registerEffectType(_ module: LuaModuleBuilder) throws {
        try module.type(LuaEffect.self, name: "Effect", summary: "Prompts read before and after an edit (from m:effect).") { t in
            t.field("prompts", summary: "{{prompt=, before={top=, target_logprob=, target=}, after={...}}, ...}.") { $0.table }
            t.field("target", summary: "The continuation whose log-probability was read (nil if none).") { e in e.target.map { .string($0) } ?? .nil }
            t.description { $0.summary }
        }
    }
}
