package ttl4j.nn;

/** Hooks into {@link Trainer#fit}; all default to doing nothing. Epoch numbers are 1-based. */
public interface TrainingCallback {

    /**
     * After the backward pass of every step, before the optimiser touches the gradients (which are
     * then the gradients of this batch's mean loss, checked finite); {@code step} is 0-based within
     * the 1-based {@code epoch}. Keep it cheap: it runs on the training thread.
     */
    default void onBackward(Sequential model, int epoch, int step) {}

    /** After every optimiser step. */
    default void onStep(StepInfo s) {}

    /**
     * After every epoch and its evaluation, before its checkpoint: a crash before the checkpoint is
     * written redoes the epoch on resume, so what this records must be keyed by epoch (and is then
     * recorded again, identically).
     */
    default void onEpoch(EpochMetrics m) {}

    /** After a checkpoint was written (atomically) to {@code file}; {@code epoch} counts completed epochs. */
    default void onCheckpoint(java.nio.file.Path file, int epoch, long globalStep) {}

    /** When the divergence guard stops training (before the exception propagates). */
    default void onDiverged(DivergenceException e) {}

    /**
     * One step: {@code loss} and {@code accuracy} of this batch, {@code samplesPerSecond} averaged
     * over the epoch so far, {@code lr} the rate used for the step.
     */
    record StepInfo(int epoch, int step, int steps, long globalStep, double loss, double accuracy, int batchSize,
                    double samplesPerSecond, double lr) {}

    /**
     * One epoch: mean training loss and accuracy over its samples, held-out loss and accuracy (NaN
     * without an evaluation source), wall time and throughput of the training part.
     */
    record EpochMetrics(int epoch, long globalStep, double trainLoss, double trainAccuracy, double evalLoss,
                        double evalAccuracy, double seconds, double samplesPerSecond, double lr) {}
}
