package ttl4j.cli.bench;

import java.util.Arrays;
import java.util.Locale;
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
import ttl4j.nn.TrainingCallback;

/**
 * {@code ttl bench train}: seconds per training epoch, without JVM start-up, data loading or
 * evaluation ({@link TrainWorkload}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time training epochs (SGD, constant learning rate) after warm-up epochs. Timed: each epoch's "
                + "batches (conversion of the bytes to floats, forward, loss, backward, update); not timed: JVM start-up, "
                + "reading the data, evaluation. Prints the epoch times and their median."})
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = TrainWorkload.MLP_MNIST, paramLabel = "PRESET|SPEC", description = "Model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME", description = "Dataset (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--batch-size", defaultValue = "" + TrainWorkload.BATCH_SIZE, paramLabel = "N",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Untimed epochs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Timed epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "" + TrainWorkload.LR, paramLabel = "X", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "" + TrainWorkload.MOMENTUM, paramLabel = "X",
            description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $TTL4J_DATA, else ~/.cache/ttl4j).")
    String dataDir;

    @Option(names = "--track-importance", description = "Train with the factor-gradient importance tracker on (ttl layers only).")
    boolean trackImportance;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (batchSize < 1 || warmup < 0 || epochs < 1) {
            throw new Main.UserError("need --batch-size >= 1, --warmup >= 0, --epochs >= 1");
        }
        Dataset train = TrainingInputs.load(dataDir, dataset, Split.TRAIN, json ? m -> { } : System.out::println);
        TrainWorkload w = TrainWorkload.of(model, train, batchSize, lr, momentum, trackImportance);
        double[] timed = new double[epochs];
        double lastLoss = Double.NaN;
        for (int e = 0; e < warmup + epochs; e++) {
            TrainingCallback.EpochMetrics m = w.epoch();
            if (e >= warmup) timed[e - warmup] = m.seconds();
            lastLoss = m.trainLoss();
        }
        double median = BenchHarness.median(timed);
        String spec = w.model().spec();
        if (json) {
            StringBuilder t = new StringBuilder("[");
            for (int i = 0; i < timed.length; i++) t.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.4f", timed[i]));
            t.append(']');
            System.out.printf(Locale.ROOT, "{\"framework\":\"ttl4j\",\"model\":%s,\"spec\":%s,\"dataset\":%s,\"batch_size\":%d,"
                            + "\"threads\":%d,\"track_importance\":%b,\"kernels\":%s,\"java\":%s,\"epoch_seconds\":%s,\"median_s\":%.4f,\"last_loss\":%s}%n",
                    Json.write(model), Json.write(spec), Json.write(dataset), batchSize, Parallel.threads(), trackImportance,
                    Json.write(Engine.kernels().name()), Json.write(System.getProperty("java.version")), t, median, Json.number(lastLoss, 4));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s, batch %d, %d thread(s), %s kernels%s: epochs %s s, median %.3f s (%.0f samples/s)%n",
                    spec, dataset, batchSize, Parallel.threads(), Engine.kernels().name(),
                    trackImportance ? ", importance tracked" : "", Arrays.toString(timed), median,
                    train.size() / median);
        }
        return 0;
    }
}
