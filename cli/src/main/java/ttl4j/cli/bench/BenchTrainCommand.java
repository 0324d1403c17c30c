package ttl4j.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.Main;
import ttl4j.cli.ThreadsOption;
import ttl4j.cli.TrainingInputs;
import ttl4j.data.Dataset;
import ttl4j.data.Split;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;
import ttl4j.nn.StepProfile;
import ttl4j.nn.TrainingCallback;

/**
 * {@code ttl bench train}: seconds per training epoch, without JVM start-up, data loading or
 * evaluation ({@link TrainWorkload}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time training epochs (SGD, constant learning rate) after warm-up epochs, or with --steps N single steps "
                + "after warm-up steps. Timed: each batch's conversion of the bytes to floats, forward, loss, backward, update; "
                + "not timed: JVM start-up, reading the data, evaluation. Prints the times and their median, min and max; --profile adds "
                + "where a step's time goes: per layer kind, forward and backward, the loss, zeroing, the update, the data; then per "
                + "layer its forward and backward time, share of the step, multiply-adds as GFLOPS and the algorithm it runs."})
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = TrainWorkload.MLP_MNIST, paramLabel = "PRESET|SPEC", description = "Model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME", description = "Dataset (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--batch-size", defaultValue = "" + TrainWorkload.BATCH_SIZE, paramLabel = "N",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--warmup-runs", paramLabel = "N",
            description = "Untimed epochs (or steps with --steps) before timing (default: 1 epoch, " + WARMUP_STEPS + " steps); "
                    + "not the learning-rate warm-up (ttl train --warmup-epochs).")
    Integer warmupRuns;

    /** The old name of --warmup-runs, kept for scripts. */
    @Option(names = "--warmup", paramLabel = "N", hidden = true)
    Integer warmupAlias;

    /** Warm-up steps by default with --steps: the first step allocates the buffers, the next ones let the JIT compile. */
    static final int WARMUP_STEPS = 2;

    @Option(names = "--steps", paramLabel = "N", description = "Time N single steps instead of whole epochs (median as median_step_s).")
    Integer steps;

    @Option(names = "--profile", description = "Then as many steps again with a timer around every layer and part of the step; "
            + "prints milliseconds per step by part, the timer's measured cost, and a table per layer (time, share, GFLOPS, "
            + "algorithm); with --json under \"profile\".")
    boolean profile;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Timed epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "" + TrainWorkload.LR, paramLabel = "X", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "" + TrainWorkload.MOMENTUM, paramLabel = "X",
            description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Option(names = "--track-importance", description = "Train with the factor-gradient importance tracker on (ttl layers only).")
    boolean trackImportance;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        BenchCommand.warnIfBusy();
        if (warmupRuns != null && warmupAlias != null) throw new Main.UserError("give --warmup-runs once (--warmup is its old name)");
        Integer warmup = warmupRuns != null ? warmupRuns : warmupAlias;
        int warm = warmup != null ? warmup : steps != null ? WARMUP_STEPS : 1;
        if (batchSize < 1 || warm < 0 || epochs < 1 || (steps != null && steps < 1)) {
            throw new Main.UserError("need --batch-size >= 1, --warmup-runs >= 0, --epochs >= 1, --steps >= 1");
        }
        Dataset train = TrainingInputs.load(dataDir, dataset, Split.TRAIN, json ? m -> { } : System.out::println);
        TrainWorkload w = TrainWorkload.of(model, train, batchSize, lr, momentum, trackImportance);
        String spec = w.model().spec();
        if (steps != null) return timeSteps(w, spec, warm);
        double[] timed = new double[epochs];
        double lastLoss = Double.NaN;
        for (int e = 0; e < warm + epochs; e++) {
            TrainingCallback.EpochMetrics m = w.epoch();
            if (e >= warm) timed[e - warm] = m.seconds();
            lastLoss = m.trainLoss();
        }
        BenchHarness.Spread spread = BenchHarness.Spread.of(timed);
        double median = spread.median();
        StepProfile prof = profile ? profiledSteps(w, w.stepsPerEpoch()) : null;
        if (json) {
            System.out.printf(Locale.ROOT, "{\"framework\":\"ttl4j\",\"model\":%s,\"spec\":%s,\"dataset\":%s,\"batch_size\":%d,"
                            + "\"threads\":%d,\"track_importance\":%b,\"kernels\":%s,\"java\":%s,\"warmup_epochs\":%d,\"epoch_seconds\":%s,"
                            + "\"median_s\":%.6f,\"min_s\":%.6f,\"max_s\":%.6f,\"last_loss\":%s%s}%n",
                    Json.write(model), Json.write(spec), Json.write(dataset), batchSize, Parallel.threads(), trackImportance,
                    Json.write(Engine.kernels().name()), Json.write(System.getProperty("java.version")), warm, array(timed), median,
                    spread.min(), spread.max(),
                    Json.number(lastLoss, 4), prof == null ? "" : ",\"profile\":" + profileJson(prof, median / w.stepsPerEpoch(), w));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s, batch %d, %d thread(s), %s kernels%s: %d epochs after %d warm-up, %s s, "
                            + "median %.3f s per epoch (min %.3f, max %.3f; %.0f samples/s)%n",
                    spec, dataset, batchSize, Parallel.threads(), Engine.kernels().name(),
                    trackImportance ? ", importance tracked" : "", epochs, warm, Arrays.toString(timed), median, spread.min(), spread.max(),
                    train.size() / median);
            if (prof != null) printProfile(prof, median / w.stepsPerEpoch(), w);
        }
        return 0;
    }

    private Integer timeSteps(TrainWorkload w, String spec, int warm) {
        if (warm > 0) w.steps(warm);
        double[] timed = w.steps(steps);
        double median = BenchHarness.median(timed);
        double lastLoss = w.epochLoss();
        StepProfile prof = profile ? profiledSteps(w, steps) : null;
        if (json) {
            System.out.printf(Locale.ROOT, "{\"framework\":\"ttl4j\",\"model\":%s,\"spec\":%s,\"dataset\":%s,\"batch_size\":%d,"
                            + "\"threads\":%d,\"track_importance\":%b,\"kernels\":%s,\"java\":%s,\"warmup_steps\":%d,\"step_seconds\":%s,"
                            + "\"median_step_s\":%.6f,\"min_step_s\":%.6f,\"max_step_s\":%.6f,\"last_loss\":%s%s}%n",
                    Json.write(model), Json.write(spec), Json.write(dataset), batchSize, Parallel.threads(), trackImportance,
                    Json.write(Engine.kernels().name()), Json.write(System.getProperty("java.version")), warm, array(timed), median,
                    min(timed), max(timed), Json.number(lastLoss, 4), prof == null ? "" : ",\"profile\":" + profileJson(prof, median, w));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s, batch %d, %d thread(s), %s kernels%s: %d steps after %d warm-up, %s s, "
                            + "median %.4f s per step (min %.4f, max %.4f; %.1f samples/s)%n",
                    spec, dataset, batchSize, Parallel.threads(), Engine.kernels().name(), trackImportance ? ", importance tracked" : "",
                    steps, warm, Arrays.toString(timed), median, min(timed), max(timed), batchSize / median);
            if (prof != null) printProfile(prof, median, w);
        }
        return 0;
    }

    /** {@code n} more steps with the profile on (after the timed ones, so those ran without the timer). */
    private static StepProfile profiledSteps(TrainWorkload w, int n) {
        StepProfile p = new StepProfile();
        w.profile(p);
        try {
            w.steps(n);
        } finally {
            w.profile(null);
        }
        return p;
    }

    private static void printProfile(StepProfile p, double unprofiledStep, TrainWorkload w) {
        ProfileReport.print(System.out, p, unprofiledStep, w.model(), w.inputShape());
    }

    private static String profileJson(StepProfile p, double unprofiledStep, TrainWorkload w) {
        return ProfileReport.json(p, unprofiledStep, w.model(), w.inputShape());
    }

    private static String array(double[] v) {
        StringBuilder t = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) t.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.6f", v[i]));
        return t.append(']').toString();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
