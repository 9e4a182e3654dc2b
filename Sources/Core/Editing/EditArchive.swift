import Foundation

/// A model's edited state in a file, so a later session can rebuild it: the current values of every
/// weight the applied edits changed (float32, exact), and what the edits were, in a safetensors
/// file whose metadata also names the model it belongs to.
///
/// Loading sets those weights to the saved values as one new edit, which undoes like any other.
public enum EditArchive {
    static let format = "instructedit-edits"

    /// One saved edit, as its metadata records it.
    public struct Record: Codable, Sendable, Equatable {
        public var method: String
        public var requests: [Request]
        public var lossBefore: Float
        public var seconds: Double
    }

    /// An `EditRequest` in JSON.
    public struct Request: Codable, Sendable, Equatable {
        var prompt: String, target: String, task: String?, instruct: Bool, unseen: Bool
        var description: Int?, topic: String?, sentiment: String?, rephrase: String?

        init(_ r: EditRequest) {
            (prompt, target, task, instruct, unseen) = (r.prompt, r.target, r.task, r.instruct, r.unseen)
            (description, topic, sentiment, rephrase) = (r.descriptionIndex, r.topic, r.sentiment, r.rephrase)
        }

        var request: EditRequest {
            EditRequest(prompt: prompt, target: target, task: task, instruct: instruct, unseen: unseen,
                        descriptionIndex: description, topic: topic, sentiment: sentiment, rephrase: rephrase)
        }
    }

    private struct Header: Codable {
        var format: String
        var model: EditorCheckpoint.ModelIdentity
        var edits: [Record]
    }

    /// Writes the edits applied to `model` (whose unedited identity is `identity`) to `path`,
    /// atomically; returns how many edits it saved. Throws when no edit is applied.
    @discardableResult
    public static func write(_ model: LanguageModel, identity: EditorCheckpoint.ModelIdentity, to path: String) throws -> Int {
        let edits = model.editLog.applied
        guard !edits.isEmpty else { throw InstructEditError("save_edits: the model has no edits applied; nothing to save") }
        var names: [String] = []
        for e in edits { for (name, _) in e.deltaNorms where !names.contains(name) { names.append(name) } }
        let params = try names.map { name in
            guard let p = model.weights.param(named: name) else { throw InstructEditError("save_edits: the model has no weight '\(name)'") }
            return p
        }
        let header = Header(format: format, model: identity, edits: edits.map { e in
            Record(method: e.method, requests: e.requests.map(Request.init), lossBefore: e.lossBefore, seconds: e.seconds)
        })
        let json = String(decoding: try JSONEncoder().encode(header), as: UTF8.self)
        try SafetensorsFile.write(params.map { p in (p.name, [p.rows, p.cols], Array(model.weights.buffer(p)), .f32) },
                                  to: path, metadata: ["instructedit": json])
        return edits.count
    }

    /// Sets the weights saved at `path` into `model`, whose unedited identity must be `identity`,
    /// as one edit (its requests those of every saved edit); returns it and the saved records.
    public static func apply(_ path: String, to model: LanguageModel, identity: EditorCheckpoint.ModelIdentity) throws -> (AppliedEdit, [Record]) {
        let start = DispatchTime.now().uptimeNanoseconds
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InstructEditError("load_edits: no file at \(path)")
        }
        let file = try SafetensorsFile(path: path)
        guard let json = file.metadata["instructedit"],
              let header = try? JSONDecoder().decode(Header.self, from: Data(json.utf8)), header.format == format else {
            throw InstructEditError("load_edits: \(path) is not a file written by m:save_edits")
        }
        guard header.model.fingerprint == identity.fingerprint else {
            throw InstructEditError("load_edits: \(path) holds edits of \(header.model.name) (\(header.model.fingerprint)), not of this model \(identity.name) (\(identity.fingerprint))")
        }
        guard !header.edits.isEmpty else { throw InstructEditError("load_edits: \(path) holds no edits") }
        var saved: [(ParamRef, [Float])] = []
        for name in file.entries.keys.sorted() {
            guard let p = model.weights.param(named: name), let entry = file.entries[name], entry.shape == [p.rows, p.cols] else {
                throw InstructEditError("load_edits: \(path): weight '\(name)' does not match the model")
            }
            let values = try file.floats(name)
            guard values.allSatisfy(\.isFinite) else { throw InstructEditError("load_edits: \(path): weight '\(name)' holds non-finite values") }
            saved.append((p, values))
        }
        let originals = AppliedEdit.snapshot(model, saved.map(\.0))
        for (p, values) in saved { _ = values.withUnsafeBufferPointer { model.weights.mutableBuffer(p).update(fromContentsOf: $0) } }
        let methods = header.edits.map(\.method).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let edit = try AppliedEdit(model: model, method: methods.joined(separator: "+"),
                               requests: header.edits.flatMap { $0.requests.map(\.request) }, originals: originals,
                               lossBefore: header.edits[0].lossBefore,
                               seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return (edit, header.edits)
    }
}
