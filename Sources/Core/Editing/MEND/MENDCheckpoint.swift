import Foundation

/// The name the checkpoint type had before editors got one folder each; the file format is the same.
public typealias EditorCheckpoint = MENDCheckpoint

/// Everything needed to use a trained MEND editor, or to resume its training, in one file
/// (format in `CheckpointContainer`): the model it belongs to, its configuration, network
/// parameters, step sizes and normalisation statistics, and optionally the training state.
public struct MENDCheckpoint {
    public static let formatVersion: UInt32 = 1

    /// The base model an editor was trained for. The fingerprint is the caller's string for
    /// the model's configuration; loading for a different model is an error.
    public struct ModelIdentity: Codable, Sendable, Equatable {
        public var name: String
        public var fingerprint: String
        public init(name: String, fingerprint: String) { self.name = name; self.fingerprint = fingerprint }
    }

    /// What meta-training needs to resume exactly where it stopped.
    public struct TrainingState: Sendable, Equatable {
        /// Optimiser over `editor.parameters`, and over `editor.stepSizes`.
        public var editorOptimizer: Adam
        public var stepSizeOptimizer: Adam
        public var step: Int
        /// State of the training's random generator (`SeededRandom.state`).
        public var randomState: [UInt64]
        public var bestValidationLoss: Double?
        /// Free-form JSON text: tasks, instructions, data files, schedule…
        public var metadataJSON: String

        public init(editorOptimizer: Adam, stepSizeOptimizer: Adam, step: Int, randomState: [UInt64],
                    bestValidationLoss: Double? = nil, metadataJSON: String = "{}") {
            self.editorOptimizer = editorOptimizer; self.stepSizeOptimizer = stepSizeOptimizer
            self.step = step; self.randomState = randomState
            self.bestValidationLoss = bestValidationLoss; self.metadataJSON = metadataJSON
        }
    }

    public var model: ModelIdentity
    public var editor: MENDEditor
    public var training: TrainingState?

    public init(model: ModelIdentity, editor: MENDEditor, training: TrainingState? = nil) {
        self.model = model; self.editor = editor; self.training = training
    }

    /// How the network parameters and step sizes are stored.
    public enum Precision: Sendable {
        /// Float32: exact, and the only choice with a training state.
        case single
        /// Float16 (IEEE half): half the size, for shipping a trained editor. The normalisation
        /// statistics stay in Float64.
        case half
    }

    /// Writes the checkpoint atomically (temporary file in the same folder, then rename).
    public func write(to path: String, precision: Precision = .single) throws {
        if let t = training { try Self.check(t, for: editor, path: path) }
        if precision == .half, training != nil {
            throw InstructEditError("a checkpoint with a training state is written in single precision only")
        }
        var blocks: [CheckpointContainer.Block] = []
        var payload: [Data] = []
        var offset = 0
        func add<T>(_ name: String, _ type: String, _ x: UnsafeBufferPointer<T>) {
            let block = CheckpointContainer.Block(name: name, type: type, count: x.count, offset: offset)
            blocks.append(block)
            payload.append(Data(buffer: x))
            offset += block.byteCount
        }
        func addWeights(_ name: String, _ x: UnsafeMutableBufferPointer<Float>) {
            if precision == .half {
                let h = x.map { Float16($0) }
                h.withUnsafeBufferPointer { add(name, "f16", $0) }
            } else {
                add(name, "f32", UnsafeBufferPointer(x))
            }
        }
        addWeights("parameters", editor.parameters)
        addWeights("stepSizes", editor.stepSizes)
        for (s, (u, d)) in zip(editor.uStatistics, editor.deltaStatistics).enumerated() {
            u.mean.withUnsafeBufferPointer { add("u\(s).mean", "f64", $0) }
            u.m2.withUnsafeBufferPointer { add("u\(s).m2", "f64", $0) }
            d.mean.withUnsafeBufferPointer { add("delta\(s).mean", "f64", $0) }
            d.m2.withUnsafeBufferPointer { add("delta\(s).m2", "f64", $0) }
        }
        var trainingHeader: CheckpointHeader.Training?
        if let t = training {
            t.editorOptimizer.m.withUnsafeBufferPointer { add("editorAdam.m", "f32", $0) }
            t.editorOptimizer.v.withUnsafeBufferPointer { add("editorAdam.v", "f32", $0) }
            t.stepSizeOptimizer.m.withUnsafeBufferPointer { add("stepSizeAdam.m", "f32", $0) }
            t.stepSizeOptimizer.v.withUnsafeBufferPointer { add("stepSizeAdam.v", "f32", $0) }
            trainingHeader = .init(step: t.step, randomState: t.randomState,
                                   bestValidationLoss: t.bestValidationLoss, metadata: t.metadataJSON,
                                   editorAdam: .init(t.editorOptimizer), stepSizeAdam: .init(t.stepSizeOptimizer))
        }
        let header = CheckpointHeader(model: model, config: editor.config,
                                      uCounts: editor.uStatistics.map(\.count),
                                      deltaCounts: editor.deltaStatistics.map(\.count),
                                      training: trainingHeader, blocks: blocks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = Self.nonFinite
        let data = CheckpointContainer.encode(header: try encoder.encode(header),
                                              version: Self.formatVersion, payload: payload)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InstructEditError("cannot write editor checkpoint '\(path)': \(FileAccess.reason(error))")
        }
    }

    /// Reads a checkpoint. With `expecting`, an editor trained for another model (name or
    /// fingerprint differ) is an error.
    public static func read(from path: String, expecting: ModelIdentity? = nil) throws -> MENDCheckpoint {
        let data = try FileAccess.read(path, what: "editor checkpoint", mapped: true)
        let (headerBytes, payload) = try CheckpointContainer.decode(data, version: formatVersion, path: path)
        let header: CheckpointHeader
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = Self.nonFiniteDecoding
            header = try decoder.decode(CheckpointHeader.self, from: headerBytes)
        } catch {
            throw InstructEditError("editor checkpoint '\(path)' has an unreadable header: \(error)")
        }
        if let e = expecting, e != header.model {
            throw InstructEditError("editor checkpoint '\(path)' belongs to model '\(header.model.name)' (fingerprint \(header.model.fingerprint)), not to the loaded model '\(e.name)' (fingerprint \(e.fingerprint))")
        }
        let editor: MENDEditor
        do { editor = try MENDEditor(structureOf: header.config) } catch let e as InstructEditError {
            throw InstructEditError("editor checkpoint '\(path)': \(e.message)")
        }
        let blocks = try BlockReader(header.blocks, payload: payload, data: data, path: path)
        try blocks.read("parameters", into: editor.parameters)
        try blocks.read("stepSizes", into: editor.stepSizes)
        let shapes = editor.networks.count
        guard header.uCounts.count == shapes, header.deltaCounts.count == shapes,
              (header.uCounts + header.deltaCounts).allSatisfy({ $0 >= 0 }) else {
            throw InstructEditError("editor checkpoint '\(path)': statistics counts do not match its \(shapes) weight shapes")
        }
        for s in 0..<shapes {
            editor.uStatistics[s] = MENDRunningStats(count: header.uCounts[s],
                mean: try blocks.array("u\(s).mean", count: editor.networks[s].dIn),
                m2: try blocks.array("u\(s).m2", count: editor.networks[s].dIn))
            editor.deltaStatistics[s] = MENDRunningStats(count: header.deltaCounts[s],
                mean: try blocks.array("delta\(s).mean", count: editor.networks[s].dOut),
                m2: try blocks.array("delta\(s).m2", count: editor.networks[s].dOut))
        }
        var training: TrainingState?
        if let t = header.training {
            let p = editor.parameters.count, w = editor.stepSizes.count
            let state = TrainingState(
                editorOptimizer: try t.editorAdam.adam(m: blocks.array("editorAdam.m", count: p),
                                                       v: blocks.array("editorAdam.v", count: p)),
                stepSizeOptimizer: try t.stepSizeAdam.adam(m: blocks.array("stepSizeAdam.m", count: w),
                                                           v: blocks.array("stepSizeAdam.v", count: w)),
                step: t.step, randomState: t.randomState, bestValidationLoss: t.bestValidationLoss,
                metadataJSON: t.metadata)
            try check(state, for: editor, path: path)
            training = state
        }
        return MENDCheckpoint(model: header.model, editor: editor, training: training)
    }

    // A best validation loss of +∞ ("none yet") must survive the JSON header.
    private static let nonFinite = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    private static let nonFiniteDecoding = JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    private static func check(_ t: TrainingState, for editor: MENDEditor, path: String) throws {
        guard t.editorOptimizer.count == editor.parameters.count,
              t.stepSizeOptimizer.count == editor.stepSizes.count else {
            throw InstructEditError("editor checkpoint '\(path)': optimiser states hold \(t.editorOptimizer.count) and \(t.stepSizeOptimizer.count) values, the editor has \(editor.parameters.count) parameters and \(editor.stepSizes.count) step sizes")
        }
        guard (try? JSONSerialization.jsonObject(with: Data(t.metadataJSON.utf8), options: [.fragmentsAllowed])) != nil else {
            throw InstructEditError("editor checkpoint '\(path)': training metadata is not valid JSON")
        }
    }
}

/// The JSON header of a checkpoint file.
struct CheckpointHeader: Codable {
    struct AdamHeader: Codable {
        var learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, step: Int
        init(_ a: Adam) {
            learningRate = a.learningRate; beta1 = a.beta1; beta2 = a.beta2; epsilon = a.epsilon; step = a.step
        }
        func adam(m: [Float], v: [Float]) throws -> Adam {
            try Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, step: step, m: m, v: v)
        }
    }
    struct Training: Codable {
        var step: Int
        var randomState: [UInt64]
        var bestValidationLoss: Double?
        var metadata: String
        var editorAdam: AdamHeader
        var stepSizeAdam: AdamHeader
    }
    var model: MENDCheckpoint.ModelIdentity
    var config: MENDConfig
    var uCounts: [Int]
    var deltaCounts: [Int]
    var training: Training?
    var blocks: [CheckpointContainer.Block]
}

/// Looks blocks up by name and checks each against the payload and the size the editor expects.
private struct BlockReader {
    let blocks: [String: CheckpointContainer.Block]
    let payload: Range<Int>
    let data: Data
    let path: String

    init(_ list: [CheckpointContainer.Block], payload: Range<Int>, data: Data, path: String) throws {
        var blocks: [String: CheckpointContainer.Block] = [:]
        for b in list {
            guard ["f16", "f32", "f64"].contains(b.type), (0...payload.count).contains(b.count),
                  (0...payload.count).contains(b.offset),
                  b.offset + b.byteCount <= payload.count else {
                throw InstructEditError("editor checkpoint '\(path)': block '\(b.name)' lies outside the file")
            }
            blocks[b.name] = b
        }
        self.blocks = blocks; self.payload = payload; self.data = data; self.path = path
    }

    func block(_ name: String, count: Int, type: String) throws -> CheckpointContainer.Block {
        guard let b = blocks[name] else {
            throw InstructEditError("editor checkpoint '\(path)' has no '\(name)' block")
        }
        guard b.count == count, b.type == type else {
            throw InstructEditError("editor checkpoint '\(path)': block '\(name)' holds \(b.count) \(b.type) values, the editor needs \(count) \(type)")
        }
        return b
    }

    /// Float32 values, stored as f32 or (a shipped editor) as f16.
    func read(_ name: String, into dest: UnsafeMutableBufferPointer<Float>) throws {
        if blocks[name]?.type == "f16" {
            let b = try block(name, count: dest.count, type: "f16")
            var h = [Float16](repeating: 0, count: dest.count)
            h.withUnsafeMutableBufferPointer { CheckpointContainer.read(b, from: data, payload: payload, into: $0) }
            for i in 0..<dest.count { dest[i] = Float(h[i]) }
            return
        }
        let b = try block(name, count: dest.count, type: "f32")
        CheckpointContainer.read(b, from: data, payload: payload, into: dest)
    }

    func array(_ name: String, count: Int) throws -> [Float] {
        let b = try block(name, count: count, type: "f32")
        var x = [Float](repeating: 0, count: count)
        x.withUnsafeMutableBufferPointer { CheckpointContainer.read(b, from: data, payload: payload, into: $0) }
        return x
    }

    func array(_ name: String, count: Int) throws -> [Double] {
        let b = try block(name, count: count, type: "f64")
        var x = [Double](repeating: 0, count: count)
        x.withUnsafeMutableBufferPointer { CheckpointContainer.read(b, from: data, payload: payload, into: $0) }
        return x
    }
}
