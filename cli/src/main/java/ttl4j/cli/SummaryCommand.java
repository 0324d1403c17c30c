package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Split;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Sequential;

/** {@code ttl summary}: per layer type, output shape, parameters and multiply-adds; totals; Tucker compression. */
@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a model's layers, parameters, multiply-adds and Tucker compression.",
                "",
                "Per layer: type, output shape, parameters and multiply-adds per sample (those of dense, ttl "
                + "and conv layers; activations, dropout, batch norm, pooling and flatten count 0), the totals, and for each "
                + "Tucker layer its weights (biases excluded) against those of the dense layer it replaces. The model is a spec (with "
                + "--input-shape, or --dataset for the shape ttl train would feed it) or a checkpoint.",
                "",
                "Examples:",
                "  ttl summary --model ttl-mnist --input-shape 784",
                "  ttl summary --checkpoint runs/mlp/model.safetensors --json"})
final class SummaryCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--model", required = true, paramLabel = "SPEC", description = "A model spec or preset.")
        String model;

        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A ttl4j checkpoint.")
        Path checkpoint;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--input-shape", paramLabel = "CxHxW|N", description = "Per-sample input shape for --model, e.g. 1x28x28 or 784.")
    String inputShape;

    @Option(names = "--dataset", paramLabel = "NAME", description = "For --model without --input-shape: the dataset whose samples it takes.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $TTL4J_DATA, else ~/.cache/ttl4j).")
    String dataDir;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        Sequential model;
        int[] shape;
        if (source.checkpoint != null) {
            if (inputShape != null || dataset != null) throw new Main.UserError("--input-shape and --dataset go with --model, not --checkpoint");
            if (!Files.isRegularFile(source.checkpoint)) throw new Main.UserError("checkpoint " + source.checkpoint + " does not exist");
            try {
                Checkpoint ck = Checkpoint.load(source.checkpoint);
                shape = ck.inputShape();
                model = ck.buildModel();
            } catch (IOException e) {
                throw new Main.UserError(e.getMessage(), e);
            }
        } else {
            if (inputShape != null) {
                shape = parseShape(inputShape);
            } else if (dataset != null) {
                Dataset d = Datasets.load(dataDir, dataset, Split.TEST, json ? m -> { } : System.out::println);
                shape = TrainingInputs.inputShape(source.model, d);
            } else {
                throw new Main.UserError("--model needs --input-shape (e.g. 1x28x28 or 784) or --dataset");
            }
            model = TrainingInputs.model(source.model, shape, 0);
        }
        ModelSummary s = ModelSummary.of(model, shape);
        System.out.print(json ? s.json() + System.lineSeparator() : s.text());
        return 0;
    }

    /** A {@code --input-shape} value: {@code CxHxW} or {@code N}. */
    static int[] parseShape(String s) {
        try {
            int[] d = java.util.Arrays.stream(s.trim().split("[xX,]")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
            for (int x : d) if (x < 1) throw new NumberFormatException();
            if (d.length != 1 && d.length != 3) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new Main.UserError("--input-shape must be CxHxW (e.g. 3x32x32) or N (e.g. 784), got '" + s + "'");
        }
    }
}
