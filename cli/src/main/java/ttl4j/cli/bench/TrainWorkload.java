package ttl4j.cli.bench;

import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.cli.TrainingInputs;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.nn.BatchSource;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.Sequential;
import ttl4j.nn.Sgd;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;
import ttl4j.ttl.ImportanceTracker;

/**
 * The training-epoch benchmark, for {@code ttl bench train} and JMH's {@code TrainBenchmark}: a
 * network trained by SGD with momentum at a constant learning rate (the setting the PyTorch peer
 * script runs), inputs scaled to [0, 1]. Timed: one epoch of the trainer, that is per batch the
 * byte-to-float conversion, forward, loss, backward and update; not timed: loading the data and
 * building the network. There is one variant, so no agreement check; the trainer's divergence guard
 * stops a run whose loss or gradients are not finite.
 */
public final class TrainWorkload {

    /** The default networks (constants because JMH's @Param takes only constants). */
    public static final String MLP_MNIST = "mlp-mnist", MLP_WIDE = "mlp-wide", TTL_MNIST = "ttl-mnist";
    public static final int BATCH_SIZE = 128;
    public static final double LR = 0.01, MOMENTUM = 0.9;

    private final Trainer trainer;
    private final BatchSource batches;
    private final int[] inputShape;

    private TrainWorkload(Trainer trainer, BatchSource batches, int[] inputShape) {
        this.trainer = trainer;
        this.batches = batches;
        this.inputShape = inputShape;
    }

    /** {@code model} (a preset or a spec, seed 1) and its trainer over {@code train}, optionally with the importance tracker on. */
    public static TrainWorkload of(String model, Dataset train, int batchSize, double lr, double momentum, boolean trackImportance) {
        int[] shape = TrainingInputs.inputShape(model, train);
        Sequential net = TrainingInputs.model(model, shape, 1);
        Preprocessing prep = Preprocessing.unitRange(train.channels());
        Trainer tr = new Trainer(net, new Sgd(momentum, false, 0), LrSchedule.constant(lr), 1);
        if (trackImportance) {
            if (!ImportanceTracker.applies(net)) throw new Main.UserError("--track-importance needs a model with a ttl layer");
            ImportanceTracker.attach(tr);
        }
        return new TrainWorkload(tr, TrainingInputs.shuffled(train, batchSize, prep, shape), shape);
    }

    /** {@code n} random 28x28 images with random labels of 10 classes: at 60,000, an epoch does MNIST's work without the download. */
    public static Dataset syntheticMnist(long seed, int n) {
        int side = 28;
        SplittableRandom r = new SplittableRandom(seed);
        byte[] images = new byte[n * side * side], labels = new byte[n];
        for (int i = 0; i < images.length; i++) images[i] = (byte) r.nextInt(256);
        for (int i = 0; i < n; i++) labels[i] = (byte) r.nextInt(10);
        return new Dataset("synthetic-mnist", images, labels, 1, side, side, 10, null);
    }

    /** Steps per epoch. */
    public int stepsPerEpoch() {
        return batches.steps();
    }

    public Sequential model() {
        return trainer.model();
    }

    /** The per-sample input shape of the model. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Timed: {@code n} more steps, each timed (seconds); they continue the epoch and the next ones. */
    public double[] steps(int n) {
        return trainer.timeSteps(batches, n);
    }

    /** Mean training loss of the current epoch so far. */
    public double epochLoss() {
        return trainer.epochLoss();
    }

    /** Times the parts of every step from now on into {@code p} (null stops it). */
    public void profile(ttl4j.nn.StepProfile p) {
        trainer.profile(p);
    }

    /** Timed: one more epoch; returns its metrics (seconds as the trainer measured them, mean training loss). */
    public TrainingCallback.EpochMetrics epoch() {
        Trainer.Result r = trainer.fit(batches, null, trainer.epoch() + 1);
        return r.epochs().get(r.epochs().size() - 1);
    }
}
