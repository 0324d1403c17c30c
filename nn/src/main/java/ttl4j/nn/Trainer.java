package ttl4j.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;

/**
 * Mini-batch training of a {@link Sequential} with softmax cross-entropy, or with a {@link DistillationLoss}
 * against a teacher network ({@link #distillFrom}).
 *
 * <p>Determinism: epoch {@code e} asks {@code train} for its batches by (seed, e, step), and the
 * source's {@link EpochOrder} fixes their order; with the engine's fixed-order kernels the same seed
 * and thread count give bitwise the same weights and metrics. The state needed to continue (epoch,
 * step, optimiser and layer state, partial epoch sums) goes into checkpoints, and {@link #resume}
 * picks a run up where a checkpoint left it, ending bitwise where the uninterrupted run would.
 *
 * <p>Divergence guard: a non-finite loss or gradient stops training with a {@link DivergenceException}
 * naming the epoch, step and parameter, before the optimiser touches the weights.
 */
public final class Trainer {
    private final Sequential model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final long seed;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final List<TrainingCallback> callbacks = new ArrayList<>();
    private Sequential teacher;
    private DistillationLoss distillation;

    private Path checkpointFile;
    private Map<String, String> checkpointExtra = Map.of();
    private Path lastCheckpoint;
    private volatile boolean stopRequested;
    private StepProfile profile;

    /** Completed epochs, step within the current epoch, steps taken overall. */
    private int epoch, stepInEpoch;
    private long globalStep;
    /** Running sums of the current epoch (kept across a resume so its metrics match). */
    private double epochLossSum;
    private long epochCorrect, epochSamples;

    public Trainer(Sequential model, Optimizer optimizer, LrSchedule schedule, long seed) {
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.seed = seed;
    }

    /** Rebuilds model, optimiser, schedule and progress from a training checkpoint. */
    public static Trainer resume(Checkpoint ck) throws IOException {
        Map<String, String> m = ck.metadata();
        String opt = req(ck, "train.optimizer");
        Map<String, String> hyper = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().startsWith("train.optimizer.")) hyper.put(e.getKey().substring("train.optimizer.".length()), e.getValue());
        }
        try {
            Sequential model = ck.buildModel();
            Optimizer o = Optimizer.create(opt, hyper);
            LrSchedule s = LrSchedule.parse(req(ck, "train.lr_schedule"));
            Trainer t = new Trainer(model, o, s, Long.parseLong(req(ck, "train.seed")));
            t.restore(ck);
            return t;
        } catch (IllegalArgumentException e) {
            throw new IOException(ck.file() + ": cannot resume: " + e.getMessage(), e);
        }
    }

    /** Loads progress, optimiser state and layer state (not the weights: see {@link Checkpoint#loadWeights}). */
    public void restore(Checkpoint ck) throws IOException {
        Map<String, String> m = ck.metadata();
        try {
            epoch = Integer.parseInt(req(ck, "train.epoch"));
            stepInEpoch = Integer.parseInt(req(ck, "train.step_in_epoch"));
            globalStep = Long.parseLong(req(ck, "train.global_step"));
            epochLossSum = Double.parseDouble(m.getOrDefault("train.epoch_loss_sum", "0"));
            epochCorrect = Long.parseLong(m.getOrDefault("train.epoch_correct", "0"));
            epochSamples = Long.parseLong(m.getOrDefault("train.epoch_samples", "0"));
            long optimizerSteps = Long.parseLong(m.getOrDefault("train.optimizer_steps", "0"));
            atLeast(ck, "train.epoch", epoch, 0);
            atLeast(ck, "train.step_in_epoch", stepInEpoch, 0);
            atLeast(ck, "train.global_step", globalStep, (long) stepInEpoch);
            atLeast(ck, "train.epoch_samples", epochSamples, 0);
            atLeast(ck, "train.epoch_correct", epochCorrect, 0);
            atLeast(ck, "train.optimizer_steps", optimizerSteps, 0);
            if (epochCorrect > epochSamples) {
                throw new IOException(ck.file() + ": bad training state: train.epoch_correct " + epochCorrect
                        + " exceeds train.epoch_samples " + epochSamples);
            }
            if (!Double.isFinite(epochLossSum) || epochLossSum < 0) {
                throw new IOException(ck.file() + ": bad training state: train.epoch_loss_sum is " + epochLossSum);
            }
            for (Map.Entry<String, ttl4j.engine.Tensor> e : ck.optimizerState().entrySet()) ck.requireFinite(e.getKey(), e.getValue());
            optimizer.importState(Long.parseLong(m.getOrDefault("train.optimizer_steps", "0")), ck.optimizerState(), model.params());
        } catch (IllegalArgumentException e) {
            throw new IOException(ck.file() + ": bad training state: " + e.getMessage(), e);
        }
        Map<String, String> layerState = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().startsWith("train.state.")) layerState.put(e.getKey().substring("train.state.".length()), e.getValue());
        }
        model.importState(layerState);
        lastCheckpoint = ck.file();
    }

    private static void atLeast(Checkpoint ck, String key, long v, long min) throws IOException {
        if (v < min) throw new IOException(ck.file() + ": bad training state: " + key + " is " + v + ", expected >= " + min);
    }

    private static String req(Checkpoint ck, String key) throws IOException {
        String v = ck.metadata().get(key);
        if (v == null) throw new IOException(ck.file() + ": not a training checkpoint (no " + key + " in __metadata__)");
        return v;
    }

    public Trainer addCallback(TrainingCallback cb) {
        callbacks.add(cb);
        return this;
    }

    /**
     * Trains against {@code teacher}'s logits as well as the labels ({@link DistillationLoss}): the
     * teacher runs forward in evaluation mode on each batch as it is drawn (no stored soft labels)
     * and is never updated. It must take the same inputs and give as many logits as the model.
     */
    public Trainer distillFrom(Sequential teacher, DistillationLoss loss) {
        this.teacher = teacher;
        this.distillation = loss;
        return this;
    }

    /** The distillation loss in use, or null when training on the labels alone. */
    public DistillationLoss distillation() {
        return distillation;
    }

    /** Writes a training checkpoint to {@code file} after every epoch and on {@link #requestStop}. */
    public Trainer checkpointTo(Path file, Map<String, String> extraMetadata) {
        this.checkpointFile = file;
        // insertion order kept (Map.copyOf's iteration order changes from one JVM to the next, and
        // with it the checkpoint's bytes)
        this.checkpointExtra = extraMetadata == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extraMetadata));
        return this;
    }

    /** Asks {@link #fit} to stop after the current step (thread-safe, e.g. from a signal handler). */
    public void requestStop() {
        stopRequested = true;
    }

    public Sequential model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    public long seed() {
        return seed;
    }

    /** Completed epochs. */
    public int epoch() {
        return epoch;
    }

    public long globalStep() {
        return globalStep;
    }

    /** The outcome of {@link #fit}: metrics of the epochs it completed, and whether it was stopped early. */
    public record Result(List<TrainingCallback.EpochMetrics> epochs, boolean stopped) {}

    /** Mean loss and accuracy over a whole source. */
    public record Evaluation(double loss, double accuracy, int samples) {}

    /**
     * Trains until {@code epochs} epochs are complete in total (a resumed trainer continues from its
     * epoch), evaluating on {@code eval} (may be null) after each.
     */
    public Result fit(BatchSource train, BatchSource eval, int epochs) {
        int[] sampleShape = train.sampleShape();
        model.setInputGradNeeded(false);
        List<TrainingCallback.EpochMetrics> done = new ArrayList<>();
        stopRequested = false;
        int steps = train.steps();
        // A fresh run is checkpointed before its first step too, so a crash at any moment leaves a
        // state to resume from.
        if (globalStep == 0 && checkpointFile != null && !java.nio.file.Files.exists(checkpointFile)) saveCheckpoint(sampleShape);
        while (epoch < epochs) {
            long t0 = System.nanoTime();
            long samplesThisRun = 0;
            double lr = Double.NaN;
            for (; stepInEpoch < steps; ) {
                long s0 = profile == null ? 0 : System.nanoTime();
                Batch b = train.batch(seed, epoch, stepInEpoch);
                if (profile != null) profile.add("data", System.nanoTime() - s0);
                lr = schedule.lr(globalStep);
                SoftmaxCrossEntropy.Result r = step(b, lr);
                if (profile != null) profile.step(System.nanoTime() - s0, b.size());
                int bs = b.size();
                epochLossSum += r.loss() * bs;
                epochCorrect += r.correct();
                epochSamples += bs;
                samplesThisRun += bs;
                stepInEpoch++;
                globalStep++;
                if (!callbacks.isEmpty()) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    TrainingCallback.StepInfo info = new TrainingCallback.StepInfo(epoch + 1, stepInEpoch - 1, steps, globalStep,
                            r.loss(), (double) r.correct() / bs, bs, secs > 0 ? samplesThisRun / secs : 0, lr);
                    for (TrainingCallback cb : callbacks) cb.onStep(info);
                }
                if (stopRequested && stepInEpoch < steps) {
                    saveCheckpoint(sampleShape);
                    return new Result(done, true);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double trainLoss = epochSamples == 0 ? Double.NaN : epochLossSum / epochSamples;
            double trainAcc = epochSamples == 0 ? Double.NaN : (double) epochCorrect / epochSamples;
            double sps = seconds > 0 ? samplesThisRun / seconds : 0;
            epoch++;
            stepInEpoch = 0;
            epochLossSum = 0;
            epochCorrect = 0;
            epochSamples = 0;
            Evaluation ev = eval == null ? null : evaluate(eval);
            TrainingCallback.EpochMetrics em = new TrainingCallback.EpochMetrics(epoch, globalStep, trainLoss, trainAcc,
                    ev == null ? Double.NaN : ev.loss(), ev == null ? Double.NaN : ev.accuracy(), seconds, sps, lr);
            done.add(em);
            // Callbacks first: what they record of the epoch (a metrics row, a final evaluation) is on
            // disk before the checkpoint says the epoch is done, so a crash in between only redoes it.
            for (TrainingCallback cb : callbacks) cb.onEpoch(em);
            saveCheckpoint(sampleShape);
            if (stopRequested) return new Result(done, epoch < epochs);
        }
        return new Result(done, false);
    }

    /** Zeroing, forward, loss, backward, divergence guard and update on one batch (timed into the profile when there is one). */
    private SoftmaxCrossEntropy.Result step(Batch b, double lr) {
        StepProfile p = profile;
        long t = p == null ? 0 : System.nanoTime();
        model.zeroGrad();
        if (p != null) {
            long u = System.nanoTime();
            p.add("zero_grad", u - t);
            model.profile(p);
            t = System.nanoTime();
        }
        Tensor logits;
        SoftmaxCrossEntropy.Result r;
        try {
            Tensor soft = null;
            if (teacher != null) {
                soft = teacher.forward(b.inputs(), false);
                if (p != null) {
                    long u = System.nanoTime();
                    p.add("teacher", u - t);
                    t = u;
                }
            }
            logits = model.forward(b.inputs(), true);
            if (p != null) t = System.nanoTime();
            r = teacher == null ? loss.compute(logits, b.labels()) : distillation.compute(logits, soft, b.labels());
            if (p != null) {
                long u = System.nanoTime();
                p.add("loss", u - t);
            }
            if (!Double.isFinite(r.loss())) {
                String bad = firstNonFinite(false);
                throw diverged("loss is " + r.loss() + (bad != null ? " (parameter " + bad + " is not finite)" : ""),
                        bad != null ? bad : "loss");
            }
            model.backward(r.dlogits());
        } finally {
            if (p != null) model.profile(null);
        }
        if (p != null) t = System.nanoTime();
        String badGrad = firstNonFinite(true);
        if (badGrad != null) throw diverged("gradient of " + badGrad + " is not finite (loss " + r.loss() + ")", badGrad);
        if (p != null) {
            long u = System.nanoTime();
            p.add("guard", u - t);
            t = u;
        }
        for (TrainingCallback cb : callbacks) cb.onBackward(model, epoch + 1, stepInEpoch);
        if (p != null) {
            long u = System.nanoTime();
            if (!callbacks.isEmpty()) p.add("callbacks", u - t);
            t = u;
        }
        optimizer.step(model.params(), (float) lr);
        if (p != null) p.add("update", System.nanoTime() - t);
        return r;
    }

    /**
     * For benchmarks: {@code n} more training steps from where the trainer stands, each timed (seconds,
     * returned), continuing into the next epoch's order past the end of one. No callbacks run, no
     * evaluation and no checkpoint; the epoch's running sums and the epoch count move as in {@link #fit}.
     */
    public double[] timeSteps(BatchSource train, int n) {
        model.setInputGradNeeded(false);
        int steps = train.steps();
        double[] secs = new double[n];
        List<TrainingCallback> saved = List.copyOf(callbacks);
        callbacks.clear();
        try {
            for (int i = 0; i < n; i++) {
                if (stepInEpoch >= steps) {
                    epoch++;
                    stepInEpoch = 0;
                    epochLossSum = 0;
                    epochCorrect = 0;
                    epochSamples = 0;
                }
                long s0 = System.nanoTime();
                Batch b = train.batch(seed, epoch, stepInEpoch);
                if (profile != null) profile.add("data", System.nanoTime() - s0);
                SoftmaxCrossEntropy.Result r = step(b, schedule.lr(globalStep));
                long ns = System.nanoTime() - s0;
                if (profile != null) profile.step(ns, b.size());
                secs[i] = ns / 1e9;
                epochLossSum += r.loss() * b.size();
                epochCorrect += r.correct();
                epochSamples += b.size();
                stepInEpoch++;
                globalStep++;
            }
        } finally {
            callbacks.addAll(saved);
        }
        return secs;
    }

    /** Mean training loss of the current epoch's steps so far (NaN before the first). */
    public double epochLoss() {
        return epochSamples == 0 ? Double.NaN : epochLossSum / epochSamples;
    }

    /** Times the parts of every step from now on into {@code p} ({@link StepProfile}); null stops it. */
    public Trainer profile(StepProfile p) {
        this.profile = p;
        return this;
    }

    private DivergenceException diverged(String what, String where) {
        String msg = "training diverged at epoch " + (epoch + 1) + ", step " + stepInEpoch + " (global step " + globalStep
                + "): " + what + "; weights not updated by this step"
                + (lastCheckpoint != null ? "; last good checkpoint: " + lastCheckpoint : "; no checkpoint was written");
        DivergenceException e = new DivergenceException(msg, epoch + 1, stepInEpoch, globalStep, where);
        for (TrainingCallback cb : callbacks) cb.onDiverged(e);
        return e;
    }

    /**
     * The parameter whose gradient (or value) is not finite; scanned from the last layer down,
     * because a NaN born in layer k spreads to every layer below it in the backward pass.
     */
    private String firstNonFinite(boolean grads) {
        List<Param> ps = model.params();
        for (int i = ps.size() - 1; i >= 0; i--) {
            Tensor t = grads ? ps.get(i).grad() : ps.get(i).value();
            // One vector reduction per tensor; only a non-finite sum (possibly a finite overflow) is scanned.
            if (Float.isFinite(Engine.kernels().sum(t.size(), t.data(), t.offset()))) continue;
            float[] d = t.data();
            for (int j = t.offset(), e = t.offset() + t.size(); j < e; j++) {
                if (!Float.isFinite(d[j])) return ps.get(i).name();
            }
        }
        return null;
    }

    /** Loss and accuracy of the model (in evaluation mode) over every batch of {@code src}. */
    public Evaluation evaluate(BatchSource src) {
        return evaluate(model, src);
    }

    /** As {@link #evaluate(BatchSource)} for any model. */
    public static Evaluation evaluate(Sequential model, BatchSource src) {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        double sum = 0;
        long correct = 0;
        int n = 0;
        for (int s = 0; s < src.steps(); s++) {
            Batch b = src.batch(0, 0, s);
            Tensor logits = model.forward(b.inputs(), false);
            SoftmaxCrossEntropy.Result r = ce.compute(logits, b.labels());
            sum += r.loss() * b.size();
            correct += r.correct();
            n += b.size();
        }
        return new Evaluation(n == 0 ? Double.NaN : sum / n, n == 0 ? Double.NaN : (double) correct / n, n);
    }

    /** The training-state metadata a checkpoint needs for {@link #resume}. */
    public Map<String, String> trainingMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train.epoch", Integer.toString(epoch));
        m.put("train.step_in_epoch", Integer.toString(stepInEpoch));
        m.put("train.global_step", Long.toString(globalStep));
        m.put("train.seed", Long.toString(seed));
        m.put("train.lr_schedule", schedule.spec());
        m.put("train.optimizer", optimizer.name());
        for (Map.Entry<String, String> e : optimizer.hyperParameters().entrySet()) m.put("train.optimizer." + e.getKey(), e.getValue());
        m.put("train.optimizer_steps", Long.toString(optimizer.steps()));
        if (distillation != null) {
            m.put("train.distill.alpha", Double.toString(distillation.alpha()));
            m.put("train.distill.temperature", Double.toString(distillation.temperature()));
        }
        m.put("train.epoch_loss_sum", Double.toString(epochLossSum));
        m.put("train.epoch_correct", Long.toString(epochCorrect));
        m.put("train.epoch_samples", Long.toString(epochSamples));
        for (Map.Entry<String, String> e : model.exportState().entrySet()) m.put("train.state." + e.getKey(), e.getValue());
        return m;
    }

    /** Writes a training checkpoint now. */
    public void save(Path file, int[] inputShape, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (extraMetadata != null) meta.putAll(extraMetadata);
        meta.putAll(trainingMetadata());
        Checkpoint.save(file, model, inputShape, optimizer, meta);
        lastCheckpoint = file;
    }

    private void saveCheckpoint(int[] sampleShape) {
        if (checkpointFile == null) return;
        try {
            save(checkpointFile, sampleShape, checkpointExtra);
            for (TrainingCallback cb : callbacks) cb.onCheckpoint(checkpointFile, epoch, globalStep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpointFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Trainer(optimizer=" + optimizer + ", schedule=" + schedule.spec() + ", seed=" + seed + ", epoch=" + epoch
                + ", step=" + globalStep + ")";
    }
}
