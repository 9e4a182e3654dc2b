extension ProgressText {
    /// One line for a meta-training step.
    public static func training(_ p: MetaTrainingProgress) -> String {
        var line = bar(done: p.step, total: p.totalSteps)
            + " loss " + fixed(p.loss, 4) + " (edit " + fixed(p.editLoss, 3) + ", loc " + fixed(p.localityLoss, 4) + ")"
            + " " + fixed(p.stepsPerSecond, 2) + " it/s ETA " + duration(p.etaSeconds)
        if let v = p.bestValidationLoss { line += " best val " + fixed(v, 4) }
        if p.skippedSteps > 0 { line += " skipped \(p.skippedSteps)" }
        return line
    }

    /// The last line of a meta-training run: how it ended and where its best checkpoint is (or,
    /// before any validation, its resume checkpoint).
    public static func trainingEnd(_ r: MetaTrainingResult) -> String {
        let best = r.bestValidationLoss.flatMap { $0.isFinite ? $0 : nil }
        return "\(r.ending.rawValue) after \(r.steps) steps in \(duration(r.seconds)) (\(fixed(r.stepsPerSecond, 2)) steps/s); "
            + (best.map { "best validation loss " + fixed($0, 4) + " → \(r.bestPath)" }
               ?? "no validation yet, so no best checkpoint; the resume checkpoint is \(r.lastPath)")
    }
}
