package ttl4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.io.Json;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;

/** {@code ttl eval}: loss and accuracy of a checkpoint on a dataset split. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the mean cross-entropy loss and the accuracy of a checkpoint on a dataset split:",
                "model.safetensors or checkpoint.safetensors of a `ttl train` run, or another tool's state dict",
                "with --model. Inputs are prepared as recorded in the checkpoint."})
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = LoadedCheckpoint.HELP)
    Path checkpoint;

    @Mixin
    ForeignModelOptions foreign = new ForeignModelOptions();

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "mnist, fashion-mnist, cifar10, or a folder in the data directory (default: the one it was trained on).")
    String dataset;

    @Option(names = "--split", paramLabel = "test|train", defaultValue = "test", description = "Which split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Samples per forward pass (default: 1000; 64 for a model of images, whose activations are large).")
    Integer batchSize;

    @Override
    public Integer call() {
        if (batchSize != null && batchSize < 1) throw new Main.UserError("--batch-size must be >= 1, got " + batchSize);
        Split sp = LoadedCheckpoint.split(split);
        LoadedCheckpoint lc = LoadedCheckpoint.open(checkpoint, dataset, foreign, dataDir, json ? m -> { } : System.out::println);
        Sequential model = lc.model();
        String ds = lc.dataset();
        Preprocessing prep = lc.prep();
        Dataset data = lc.load(dataDir, sp, json ? m -> { } : System.out::println);
        long t0 = System.nanoTime();
        Trainer.Evaluation ev = Trainer.evaluate(model, lc.inOrder(data, batchSize != null ? batchSize : lc.evalBatch()));
        double secs = (System.nanoTime() - t0) / 1e9;
        String splitName = sp.name().toLowerCase(Locale.ROOT);
        if (json) {
            System.out.printf(Locale.ROOT, "{\"checkpoint\":%s,\"model\":%s,\"dataset\":%s,\"split\":%s,\"samples\":%d,"
                            + "\"loss\":%s,\"accuracy\":%s,\"seconds\":%.3f}%n", Json.write(checkpoint.toString()),
                    Json.write(model.spec()), Json.write(ds), Json.write(splitName), ev.samples(), Json.number(ev.loss(), 6),
                    Json.number(ev.accuracy(), 6), secs);
        } else {
            System.out.printf(Locale.ROOT, "%s on %s %s (%d samples): loss %.4f, accuracy %.2f%%%n", model.spec(), ds, splitName,
                    ev.samples(), ev.loss(), 100 * ev.accuracy());
        }
        return 0;
    }
}
