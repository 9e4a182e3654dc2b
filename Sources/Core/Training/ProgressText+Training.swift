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
}
