package ttl4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.Sgd;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;
import ttl4j.ttl.ImportanceTracker;

/**
 * {@code ttl bench train}: seconds per training epoch, without JVM start-up, data loading or
 * evaluation. What is timed is the trainer's epoch: per batch the byte-to-float conversion,
 * forward, loss, backward and the SGD update.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time training epochs (SGD, constant learning rate) after warm-up epochs. Timed: each epoch's "
                + "batches (conversion of the bytes to floats, forward, loss, backward, update); not timed: JVM start-up, "
                + "reading the data, evaluation. Prints the epoch times and their median."})
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "mlp-mnist", paramLabel = "PRESET|SPEC", description = "Model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME", description = "Dataset (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Untimed epochs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Timed epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "X", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", paramLabel = "X", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
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
        Dataset train = Datasets.load(dataDir, dataset, Split.TRAIN, json ? m -> { } : System.out::println);
        int[] shape = {train.features()};
        Sequential net = TrainingRun.buildModel(model, shape, 1);
        Preprocessing prep = Preprocessing.unitRange(train.channels());
        Trainer tr = new Trainer(net, new Sgd(momentum, false, 0), LrSchedule.constant(lr), 1);
        if (trackImportance) {
            if (!ImportanceTracker.applies(net)) throw new Main.UserError("--track-importance needs a model with a ttl layer");
            ImportanceTracker.attach(tr);
        }
        List<Double> secs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        tr.addCallback(new TrainingCallback() {
            @Override
            public void onEpoch(EpochMetrics m) {
                secs.add(m.seconds());
                losses.add(m.trainLoss());
            }
        });
        tr.fit(DatasetBatchSource.shuffled(train, batchSize, prep), null, warmup + epochs);
        double[] timed = secs.subList(warmup, secs.size()).stream().mapToDouble(Double::doubleValue).toArray();
        double[] sorted = timed.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        if (json) {
            StringBuilder t = new StringBuilder("[");
            for (int i = 0; i < timed.length; i++) t.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.4f", timed[i]));
            t.append(']');
            System.out.printf(Locale.ROOT, "{\"framework\":\"ttl4j\",\"model\":%s,\"spec\":%s,\"dataset\":%s,\"batch_size\":%d,"
                            + "\"threads\":%d,\"track_importance\":%b,\"kernels\":%s,\"java\":%s,\"epoch_seconds\":%s,\"median_s\":%.4f,\"last_loss\":%.4f}%n",
                    Json.write(model), Json.write(net.spec()), Json.write(dataset), batchSize, Parallel.threads(), trackImportance,
                    Json.write(Engine.kernels().name()), Json.write(System.getProperty("java.version")), t, median,
                    losses.get(losses.size() - 1));
        } else {
            System.out.printf(Locale.ROOT, "%s on %s, batch %d, %d thread(s), %s kernels%s: epochs %s s, median %.3f s (%.0f samples/s)%n",
                    net.spec(), dataset, batchSize, Parallel.threads(), Engine.kernels().name(),
                    trackImportance ? ", importance tracked" : "", Arrays.toString(timed), median,
                    train.size() / median);
        }
        return 0;
    }
}
