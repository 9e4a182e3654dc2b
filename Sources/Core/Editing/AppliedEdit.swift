import Foundation

/// One edit applied in place to a model. It keeps the original matrices, so `undo()` restores the
/// weights bit for bit. Edits stack: only the most recent applied edit can be undone, which keeps
/// every restore exact.
public final class AppliedEdit: UndoableEdit, @unchecked Sendable {
    public let id: Int
    /// "mend", "ft-l", ...
    public let method: String
    public let requests: [EditRequest]
    /// Edit loss (mean target NLL) before the edit, and wall time of computing and applying it.
    public let lossBefore: Float
    public let seconds: Double
    /// ‖ΔW‖_F per changed weight, in target order.
    public let deltaNorms: [(name: String, norm: Float)]
    public private(set) var isApplied = true

    let model: LanguageModel
    private var originals: [(ParamRef, [Float])]

    /// `deltaNorms`, when the editor knows them (in target order), saves a pass over every changed
    /// weight; otherwise they are measured from the weights against `originals`. An edit that left
    /// a non-finite weight (a step size of 1e30) is rolled back and reported instead of recorded.
    init(model: LanguageModel, method: String, requests: [EditRequest], originals: [(ParamRef, [Float])],
         lossBefore: Float, seconds: Double, deltaNorms: [Float]? = nil) throws {
        self.model = model
        self.method = method
        self.requests = requests
        self.originals = originals
        self.lossBefore = lossBefore
        self.seconds = seconds
        if let deltaNorms, deltaNorms.count == originals.count {
            self.deltaNorms = zip(originals, deltaNorms).map { ($0.0.name, $1) }
        } else {
            self.deltaNorms = originals.map { p, old in
                let now = model.network.buffer(p)
                var s: Double = 0
                for i in 0..<p.count { let d = Double(now[i] - old[i]); s += d * d }
                return (p.name, Float(s.squareRoot()))
            }
        }
        if let problem = Self.breakage(model, originals, self.deltaNorms.map(\.norm), prompt: requests.first?.prompt ?? "") {
            Self.restore(model, originals)
            throw InstructEditError("\(method) edit rolled back: \(problem); a smaller step size or learning rate may help")
        }
        self.id = model.editLog.nextID()
        model.editLog.push(self)
    }

    /// Restores the weights this edit changed to their exact values before it.
    public func undo() throws {
        guard isApplied else { throw InstructEditError("edit #\(id) was already undone") }
        if let last = model.editLog.applied.last, last !== self {
            throw InstructEditError("edit #\(id) cannot be undone while edit #\(last.id), applied after it, is still applied: undo #\(last.id) first")
        }
        Self.restore(model, originals)
        isApplied = false
        model.editLog.pop(self)
        originals = []
    }

    /// Puts the snapshots back and hands their buffers to the log for reuse.
    private static func restore(_ model: LanguageModel, _ originals: [(ParamRef, [Float])]) {
        for (p, old) in originals {
            _ = old.withUnsafeBufferPointer { model.network.mutableBuffer(p).update(fromContentsOf: $0) }
        }
        model.editLog.recycle(originals.map(\.1))
    }

    /// What an edit broke, or nil: a weight that holds a NaN or infinity, or weights finite but so
    /// large that the model's logits are no longer finite (`step_size=1e30`). A ‖ΔW‖ below 1e6 rules
    /// both out (real edits change weights by ‖ΔW‖ ≈ 0.1-10), so only a suspicious edit costs a scan
    /// and one forward pass over its first prompt.
    private static func breakage(_ model: LanguageModel, _ originals: [(ParamRef, [Float])], _ norms: [Float],
                                 prompt: String) -> String? {
        let suspicious = zip(originals, norms).filter { !($0.1 < 1e6) }.map(\.0.0)
        guard let first = suspicious.first else { return nil }
        for p in suspicious where model.network.buffer(p).contains(where: { !$0.isFinite }) {
            return "it made weight '\(p.name)' non-finite (NaN or infinite)"
        }
        let tokens = Array(model.tokenizer.encode(prompt).prefix(model.weights.config.contextLength))
        guard !tokens.isEmpty, let logits = try? LlamaForward.logits(model.weights, tokens: tokens) else { return nil }
        if logits.data.contains(where: { !$0.isFinite }) {
            return "it changed weight '\(first.name)' so much that the model's logits are non-finite"
        }
        return nil
    }

    /// Snapshots `params` of `model` (call before changing them), into recycled buffers where the
    /// model's log has some of the right size.
    static func snapshot(_ model: LanguageModel, _ params: [ParamRef]) -> [(ParamRef, [Float])] {
        params.map { p in
            let source = model.network.buffer(p)
            guard var copy = model.editLog.reuse(count: p.count) else { return (p, Array(source)) }
            _ = copy.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: source) }
            return (p, copy)
        }
    }
}

extension EditLog {
    /// The applied edits, oldest first.
    public var applied: [AppliedEdit] { entries.compactMap { $0 as? AppliedEdit } }
}

extension LanguageModel {
    /// Undoes every applied edit, newest first, restoring the original weights exactly.
    public func undoAllEdits() throws {
        for e in editLog.applied.reversed() { try e.undo() }
    }
}
