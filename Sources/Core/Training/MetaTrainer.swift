import Foundation

/// Meta-trains a MEND editor (docs/MEND.md "Meta-training") on one or several editing tasks, with or
/// without task instructions (InstructEdit). Adam with gradient accumulation, global-norm
/// clipping, skipped non-finite steps, validation with early stopping, the best checkpoint kept,
/// and a resume checkpoint every `saveEvery` steps so an interrupted run continues where it was.
public final class MetaTrainer {
    public let config: MetaTrainingConfig
    public let model: LanguageModel
    public let runDirectory: String
    public let editor: MENDEditor
    public var bestPath: String { runDirectory + "/best.ckpt" }
    public var lastPath: String { runDirectory + "/last.ckpt" }
    public var logPath: String { runDirectory + "/log.jsonl" }

    let targets: EditTargets
    let instructions: InstructionSet
    let pools: [[EditRecord]]          // per task
    /// Locality probes of all training records, for records that have none of their own.
    let localityPool: [LocalityProbe]
    /// Per task, the mean length in tokens of its training targets (for `EditWeight.token`).
    let meanTargetTokens: [Float]
    let validation: [TrainingExample]
    let cache: ResidualCache
    var editorAdam: Adam
    var stepSizeAdam: Adam
    var random: SeededRandom
    public private(set) var step = 0
    var bestValidationLoss: Double?
    var validationsWithoutImprovement = 0
    /// Base values of the inner weights, restored after each edited pass.
    let base: [[Float]]
    let grads: GradientBuffers
    /// Called with the step number as each example starts (tests land a Ctrl-C inside a step).
    var onExample: ((Int) -> Void)?
    /// Whether `run` computes the next step's unedited passes on a second thread
    /// (`ExamplePrefetcher`): by default when OpenBLAS may use more than one core. The result is
    /// the same bits either way.
    public var prefetch = HelperQueue.worthwhile
    private var prefetcher: ExamplePrefetcher?
    /// The next step's examples, drawn ahead for the prefetcher, with the generator before and after.
    private var drawnAhead: (from: SeededRandom, examples: [TrainingExample], to: SeededRandom)?
    /// Base locality distributions the prefetcher delivered (tests check that it did work).
    private(set) var prefetchedDistributions = 0

    /// Prepares a run in `runDirectory`; resumes from its `last.ckpt` when one exists for the same
    /// configuration (the step budget may differ, so a finished run can be extended).
    public init(model: LanguageModel, config: MetaTrainingConfig, runDirectory: String) throws {
        try config.validate()
        self.config = config
        self.model = model
        self.runDirectory = runDirectory
        targets = try EditTargets.mlp(of: model.network)
        instructions = try InstructionSet.builtIn()
        pools = try config.tasks.map { task in
            let load = try Datasets.load(task: task, split: "train", limit: config.trainLimit)
            guard !load.records.isEmpty else { throw InstructEditError("train: task '\(task)' has no training records") }
            return load.records
        }
        localityPool = pools.joined().flatMap(\.locality)
        meanTargetTokens = config.editWeighting == .token ? pools.map { records in
            let total = records.reduce(0) { $0 + model.tokenizer.encode(TeacherForcing.continuation($1.target)).count }
            return max(Float(total) / Float(records.count), 1)
        } : pools.map { _ in 1 }
        cache = ResidualCache(block: targets.lowestBlock)
        if config.instruct { try cache.addInstructionPrefixes(tasks: config.tasks, instructions: instructions, tokenizer: model.tokenizer) }
        base = targets.params.map { Array(model.network.buffer($0)) }
        grads = GradientBuffers(targets.params)
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        Self.removeStaleTemporaries(in: runDirectory)

        let identity = model.editorIdentity
        if FileManager.default.fileExists(atPath: runDirectory + "/last.ckpt") {
            let ckpt = try EditorCheckpoint.read(from: runDirectory + "/last.ckpt", expecting: identity)
            guard let t = ckpt.training else { throw InstructEditError("train: \(runDirectory)/last.ckpt has no training state to resume") }
            let saved = try JSONDecoder().decode(MetaTrainingConfig.self, from: Data(t.metadataJSON.utf8))
            var comparable = saved
            comparable.steps = config.steps   // a run may be extended: only the step budget may differ
            guard comparable == config else {
                throw InstructEditError("train: \(runDirectory) holds a run with another configuration (\(Self.differences(comparable, config))); "
                                        + "use a new run folder or the same settings")
            }
            editor = ckpt.editor
            editorAdam = t.editorOptimizer
            stepSizeAdam = t.stepSizeOptimizer
            random = try SeededRandom(state: t.randomState)
            step = t.step
            bestValidationLoss = t.bestValidationLoss
            let extra = try? JSONSerialization.jsonObject(with: Data(t.metadataJSON.utf8)) as? [String: Any]
            validationsWithoutImprovement = extra?[Self.patienceKey] as? Int ?? 0
        } else {
            let mend = MENDConfig(innerWeights: targets.params.map(MENDConfig.InnerWeight.init), rank: config.rank,
                                  cEdit: config.cEdit, cLoc: config.cLoc, seed: config.seed)
            editor = try MENDEditor(config: mend)
            if let source = config.initialEditor { try Self.start(editor, from: source, identity: identity) }
            editorAdam = Adam(count: editor.parameters.count, learningRate: config.editorLearningRate)
            stepSizeAdam = Adam(count: editor.stepSizes.count, learningRate: config.stepSizeLearningRate)
            random = SeededRandom(seed: config.seed)
        }
        // The validation set is fixed: its own seed, descriptions drawn once.
        var vr = SeededRandom(seed: config.seed ^ 0x5EED)
        var val: [TrainingExample] = []
        for (t, task) in config.tasks.enumerated() {
            let records = try Datasets.load(task: task, split: "val", limit: config.validationSize).records
            for r in records {
                let fallback = localityPool.randomElement(using: &vr)
                val.append(try Self.example(r, model: model, instructions: instructions, config: config,
                                            meanTargetTokens: meanTargetTokens[t], fallback: fallback, rng: &vr))
            }
        }
        validation = val
        try truncateLog(after: step)
    }

    private static let patienceKey = "validations_without_improvement"

    /// "editWeight: token there, unset here" for each setting where `saved` and `asked` differ.
    static func differences(_ saved: MetaTrainingConfig, _ asked: MetaTrainingConfig) -> String {
        func fields(_ c: MetaTrainingConfig) -> [String: String] {
            let object = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(c))) as? [String: Any] ?? [:]
            return object.mapValues { value in
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
                return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        let there = fields(saved), here = fields(asked)
        return Set(there.keys).union(here.keys).sorted().filter { there[$0] != here[$0] }
            .map { "\($0): \(there[$0] ?? "unset") there, \(here[$0] ?? "unset") here" }
            .joined(separator: "; ")
    }

    /// Copies a trained editor's networks, step sizes and statistics into the new `editor` (same
    /// model, inner weights and rank), so a run can continue it under another schedule.
    static func start(_ editor: MENDEditor, from source: String, identity: EditorCheckpoint.ModelIdentity) throws {
        let path = try ShippedEditors.resolve(source)
        let trained = try EditorCheckpoint.read(from: path, expecting: identity).editor
        guard trained.config.innerWeights == editor.config.innerWeights, trained.config.rank == editor.config.rank else {
            let names = { (c: MENDConfig) in c.innerWeights.map(\.name).joined(separator: ", ") }
            throw InstructEditError("train: --init \(source) is a rank-\(trained.config.rank) editor of \(names(trained.config)); "
                                    + "this run builds rank \(editor.config.rank) for \(names(editor.config)) (set --rank to match)")
        }
        _ = editor.parameters.update(fromContentsOf: UnsafeBufferPointer(trained.parameters))
        _ = editor.stepSizes.update(fromContentsOf: UnsafeBufferPointer(trained.stepSizes))
        editor.uStatistics = trained.uStatistics
        editor.deltaStatistics = trained.deltaStatistics
    }

    /// A save killed mid-write (kill -9) leaves Foundation's hidden temporary beside the run.
    static func removeStaleTemporaries(in folder: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasPrefix(".dat.nosync") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Keeps the log lines of steps up to `step`, the state the run resumes from: lines written
    /// after the last save would otherwise appear twice.
    func truncateLog(after step: Int) throws {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return }
        let kept = text.split(separator: "\n").filter { line in
            guard let d = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let s = d["step"] as? Int else { return false }
            return s <= step
        }
        let out = kept.map { $0 + "\n" }.joined()
        guard out != text else { return }
        try Data(out.utf8).write(to: URL(fileURLWithPath: logPath), options: .atomic)
    }

    /// Runs until `config.steps`, early stopping, or Ctrl-C (which saves and returns `.interrupted`).
    public func run(progress: (MetaTrainingProgress) -> Void = { _ in }) throws -> MetaTrainingResult {
        let start = Date()
        let startStep = step
        editor.isTraining = true
        defer { editor.isTraining = false }
        var meanLoss = RunningMean(), meanEdit = RunningMean(), meanLoc = RunningMean()
        var skipped = 0
        var ending = MetaTrainingResult.Ending.finished
        // Without memory for the helper's copy of the weights the run goes on without it (same result).
        if prefetch { prefetcher = try? ExamplePrefetcher(model: model.network, cache: cache) }
        defer { prefetcher?.stop(); prefetcher = nil; drawnAhead = nil }
        do {
            // With a helper thread, each product stays on its caller's core.
            try Linear.onOneCore(if: prefetcher != nil) {
                while step < config.steps {
                    try Interrupt.check()
                    // One step is one unit: Ctrl-C during it takes effect after it, so the saved state
                    // is always a step boundary and a resumed run equals an uninterrupted one.
                    let p = try Interrupt.deferred { try trainStep(&meanLoss, &meanEdit, &meanLoc, &skipped, start: start, startStep: startStep) }
                    try appendLog(p)
                    progress(p)
                    if validationsWithoutImprovement >= config.patience { ending = .earlyStopped; try saveLast(); break }
                }
            }
        } catch is Interrupted {
            restoreBase()
            try saveLast()
            ending = .interrupted
        }
        let seconds = Date().timeIntervalSince(start)
        return MetaTrainingResult(ending: ending, steps: step, bestValidationLoss: bestValidationLoss,
                                  bestPath: bestPath, lastPath: lastPath, seconds: seconds,
                                  stepsPerSecond: Double(step - startStep) / max(seconds, 1e-9))
    }

    /// One optimiser step, its validation and saves; returns what the progress display shows.
    private func trainStep(_ meanLoss: inout RunningMean, _ meanEdit: inout RunningMean, _ meanLoc: inout RunningMean,
                           _ skipped: inout Int, start: Date, startStep: Int) throws -> MetaTrainingProgress {
        editor.zeroGradients()
        var lossSum = 0.0
        // This step's examples: drawn by the previous step for the prefetcher when the generator is
        // where that draw started, else drawn now.
        let examples: [TrainingExample]
        if let d = drawnAhead, d.from == random {
            examples = d.examples
            random = d.to
        } else {
            examples = try (0..<config.accumulation).map { _ in try sampleExample() }
            prefetcher?.submit(examples)
        }
        drawnAhead = nil
        if let prefetcher {
            if (step + 1) % config.validateEvery == 0 || step + 1 == config.steps { prefetcher.submit(validation) }
            if step + 1 < config.steps {
                // From a copy of the generator: the state saved after this step stays at its boundary.
                var ahead = random
                let next = try (0..<config.accumulation).map { _ in try sampleExample(using: &ahead) }
                drawnAhead = (random, next, ahead)
                prefetcher.submit(next)
            }
        }
        for example in examples {
            onExample?(step)
            let l = try accumulate(example, scale: 1 / Float(config.accumulation))
            meanEdit.add(Double(l.edit)); meanLoc.add(Double(l.loc))
            lossSum += Double(config.cEdit * l.edit + config.cLoc * l.loc) / Double(config.accumulation)
        }
        meanLoss.add(lossSum)
        if try optimiserStep() == false { skipped += 1 }
        step += 1
        var validationLoss: Double?
        if step % config.validateEvery == 0 || step == config.steps {
            let v = try validate()
            validationLoss = v
            if v < (bestValidationLoss ?? .infinity) {
                bestValidationLoss = v
                validationsWithoutImprovement = 0
                try saveBest()
            } else {
                validationsWithoutImprovement += 1
            }
        }
        if step % config.saveEvery == 0 || step == config.steps { try saveLast() }
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(step - startStep) / max(elapsed, 1e-9)
        return MetaTrainingProgress(step: step, totalSteps: config.steps, loss: meanLoss.value,
                                    editLoss: meanEdit.value, localityLoss: meanLoc.value,
                                    stepsPerSecond: rate, etaSeconds: Double(config.steps - step) / max(rate, 1e-9),
                                    validationLoss: validationLoss, bestValidationLoss: bestValidationLoss,
                                    skippedSteps: skipped)
    }

    // MARK: one example

    /// Edit pass → editor → edited equivalence and locality passes → editor backward. Returns the
    /// example's L_edit (after the edit) and L_loc; gradients accumulate scaled by `scale`.
    func accumulate(_ ex: TrainingExample, scale: Float) throws -> (edit: Float, loc: Float) {
        let w = model.network
        let from = targets.lowestBlock
        let rE = try cache.residual(w, ex.edit.input)
        let rQ = try ex.equivalences.map { try cache.residual(w, $0.input) }
        // Base locality distributions p (no gradient), one per locality input.
        let locality = try ex.localities.map { tf in
            let r = try cache.residual(w, tf.input)
            if let p = prefetcher?.baseDistribution(tf) {
                prefetchedDistributions += 1
                return (tf: tf, residual: r, p: p)
            }
            let base = try w.forward(tokens: tf.input, from: from, residual: r)
            return (tf: tf, residual: r, p: try w.logits(base, positions: tf.positions))
        }
        // The edit: (u, δ) of the target NLL on the edit input.
        let traceE = try w.forward(tokens: ex.edit.input, from: from, residual: rE)
        let (_, dE) = try Loss.nll(logits: try w.logits(traceE, positions: ex.edit.positions),
                               vocab: w.vocabularySize, targets: ex.edit.answer)
        let caps = try w.backward(traceE, positions: ex.edit.positions, dLogits: dE,
                                  gradients: [:], captures: Set(targets.params))
        let transformed = try targets.params.enumerated().map { k, p in
            let c = caps[p] ?? (u: [], delta: [])
            return try editor.transform(weight: k, u: c.u, delta: c.delta, rows: c.u.count / p.cols)
        }
        for (k, p) in targets.params.enumerated() { editor.applyEdit(transformed[k], to: w.mutablePointer(p)) }
        defer { restoreBase() }
        // Edited model: L_edit = mean over the equivalence inputs of the target NLL (times the
        // example's weight), L_loc = mean over the locality inputs of KL(p ‖ q) at their positions.
        grads.zero()
        var lEdit: Float = 0
        var eqPasses: [(trace: any ModelTrace, positions: [Int], d: [Float])] = []
        for (q, r) in zip(ex.equivalences, rQ) {
            let trace = try w.forward(tokens: q.input, from: from, residual: r)
            let (nll, d) = try Loss.nll(logits: try w.logits(trace, positions: q.positions),
                                        vocab: w.vocabularySize, targets: q.answer)
            lEdit += ex.editWeight * nll / Float(ex.equivalences.count)
            eqPasses.append((trace, q.positions, d))
        }
        var lLoc: Float = 0
        var locPasses: [(trace: any ModelTrace, positions: [Int], d: [Float])] = []
        for l in locality {
            let trace = try w.forward(tokens: l.tf.input, from: from, residual: l.residual)
            let (kl, d) = try Loss.kl(referenceLogits: l.p, logits: try w.logits(trace, positions: l.tf.positions),
                                      vocab: w.vocabularySize)
            lLoc += kl / Float(locality.count)
            locPasses.append((trace, l.tf.positions, d))
        }
        // Validation (scale 0) needs only the losses: no backward.
        guard lEdit.isFinite, lLoc.isFinite, scale != 0 else { return (lEdit, lLoc) }
        let cq = config.cEdit * ex.editWeight * scale / Float(max(eqPasses.count, 1))
        let cl = config.cLoc * scale / Float(max(locality.count, 1))
        let sink = grads.sink
        for var pass in eqPasses {
            for i in pass.d.indices { pass.d[i] *= cq }
            try w.backward(pass.trace, positions: pass.positions, dLogits: pass.d, gradients: sink, captures: [])
        }
        for var pass in locPasses {
            for i in pass.d.indices { pass.d[i] *= cl }
            try w.backward(pass.trace, positions: pass.positions, dLogits: pass.d, gradients: sink, captures: [])
        }
        for (k, t) in transformed.enumerated() { try editor.backward(t, weightGradient: UnsafeBufferPointer(grads.buffers[k])) }
        return (lEdit, lLoc)
    }

    /// Clip, check, Adam on both slabs. False when the step was skipped (non-finite gradient).
    func optimiserStep() throws -> Bool {
        let buffers = [editor.parameterGradients, editor.stepSizeGradients]
        guard GradientClipping.allFinite(buffers) else { return false }
        _ = GradientClipping.clip(buffers, maxNorm: config.clip)
        let f = config.lrDecay?.factor(step: step, of: config.steps) ?? 1
        editorAdam.learningRate = config.editorLearningRate * f
        stepSizeAdam.learningRate = config.stepSizeLearningRate * f
        try editorAdam.update(editor.parameters, gradients: UnsafeBufferPointer(editor.parameterGradients))
        try stepSizeAdam.update(editor.stepSizes, gradients: UnsafeBufferPointer(editor.stepSizeGradients))
        return true
    }

    /// Mean c_edit·L_edit + c_loc·L_loc over the validation set, statistics frozen, no update.
    func validate() throws -> Double {
        let wasTraining = editor.isTraining
        editor.isTraining = false
        defer { editor.isTraining = wasTraining; editor.zeroGradients() }
        var total = 0.0
        for ex in validation {
            let l = try accumulate(ex, scale: 0)
            total += Double(config.cEdit * l.edit + config.cLoc * l.loc)
        }
        return total / Double(max(validation.count, 1))
    }

    func sampleExample() throws -> TrainingExample { try sampleExample(using: &random) }

    func sampleExample(using random: inout SeededRandom) throws -> TrainingExample {
        let t = Int.random(in: 0..<pools.count, using: &random)
        let r = pools[t][Int.random(in: 0..<pools[t].count, using: &random)]
        let fallback = localityPool.randomElement(using: &random)
        return try Self.example(r, model: model, instructions: instructions, config: config,
                                meanTargetTokens: meanTargetTokens[t], fallback: fallback, rng: &random)
    }

    /// `r` as a run with `config` renders it; `meanTargetTokens` is its task's (for `EditWeight.token`).
    static func example(_ r: EditRecord, model: LanguageModel, instructions: InstructionSet, config: MetaTrainingConfig,
                        meanTargetTokens: Float, fallback: LocalityProbe?, rng: inout SeededRandom) throws -> TrainingExample {
        var ex = try TrainingExample(r, model: model, instructions: instructions, instruct: config.instruct, rng: &rng,
                                     fallbackLocality: fallback, sources: config.locality,
                                     equivalence: config.equivalenceSources)
        if config.editWeighting == .token { ex.editWeight = Float(ex.edit.answer.count) / meanTargetTokens }
        return ex
    }

    func restoreBase() {
        for (k, p) in targets.params.enumerated() {
            _ = base[k].withUnsafeBufferPointer { model.network.mutableBuffer(p).update(fromContentsOf: $0) }
        }
    }

    // MARK: files

    func checkpoint(withTraining: Bool) throws -> EditorCheckpoint {
        // The configuration, and the early-stopping count a resumed run continues from.
        var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(config)) as? [String: Any] ?? [:]
        object[Self.patienceKey] = validationsWithoutImprovement
        let meta = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let state = EditorCheckpoint.TrainingState(editorOptimizer: editorAdam, stepSizeOptimizer: stepSizeAdam,
                                                   step: step, randomState: random.state,
                                                   bestValidationLoss: bestValidationLoss, metadataJSON: meta)
        return EditorCheckpoint(model: model.editorIdentity, editor: editor, training: withTraining ? state : nil)
    }

    func saveBest() throws { try checkpoint(withTraining: false).write(to: bestPath) }
    func saveLast() throws { try checkpoint(withTraining: true).write(to: lastPath) }

    func appendLog(_ p: MetaTrainingProgress) throws {
        var line = String(format: "{\"step\":%d,\"loss\":%.6g,\"edit\":%.6g,\"loc\":%.6g,\"steps_per_s\":%.4g",
                          p.step, p.loss, p.editLoss, p.localityLoss, p.stepsPerSecond)
        if let v = p.validationLoss { line += String(format: ",\"val\":%.6g", v) }
        line += "}\n"
        if let h = FileHandle(forWritingAtPath: logPath) {
            defer { try? h.close() }
            try h.seekToEnd()
            try h.write(contentsOf: Data(line.utf8))
        } else {
            try Data(line.utf8).write(to: URL(fileURLWithPath: logPath))
        }
    }
}

/// Mean of the last values added (a window of 50).
struct RunningMean {
    private var values: [Double] = []
    mutating func add(_ v: Double) { values.append(v); if values.count > 50 { values.removeFirst() } }
    var value: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
}
