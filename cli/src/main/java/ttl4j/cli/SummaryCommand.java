package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Split;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/** {@code ttl summary}: per layer type, output shape, parameters and multiply-adds; totals; Tucker compression. */
@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a model's layers, parameters, multiply-adds and Tucker compression.",
                "",
                "Per layer: type, output shape, parameters and multiply-adds per sample (those of dense, ttl "
                + "and conv layers; activations, dropout, batch norm, pooling and flatten count 0), the totals, and for each "
                + "Tucker layer its weights (biases excluded) against those of the dense layer it replaces. The model is a spec (with "
                + "--input-shape, or --dataset for the shape ttl train would feed it) or a checkpoint (a state dict saved by another "
                + "tool with the --model of its layers, as ttl import takes it).",
                "",
                "Examples:",
                "  ttl summary --model ttl-mnist --input-shape 784",
                "  ttl summary --checkpoint runs/mlp/model.safetensors --json"})
final class SummaryCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "SPEC",
            description = "A model spec or preset; with --checkpoint, the layers of a state dict saved by another tool (as ttl import takes them).")
    String model;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "A ttl4j checkpoint, or with --model a safetensors state dict saved by another tool.")
    Path checkpoint;

    @Option(names = "--input-shape", paramLabel = "CxHxW|N", description = "Per-sample input shape for --model, e.g. 1x28x28 or 784.")
    String inputShape;

    @Option(names = "--dataset", paramLabel = "NAME", description = "For --model without --input-shape: the dataset whose samples it takes.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        if (model == null && checkpoint == null) throw new Main.UserError("give --model SPEC or --checkpoint FILE");
        Sequential net;
        int[] shape;
        if (checkpoint != null && !foreign(checkpoint)) {
            if (dataset != null) throw new Main.UserError("--dataset goes with --model, not with a ttl4j --checkpoint (it records its input shape)");
            try {
                Checkpoint ck = Checkpoint.load(checkpoint);
                shape = ck.inputShape();
                net = ck.buildModel();
            } catch (IOException e) {
                throw new Main.UserError(e.getMessage(), e);
            }
            LoadedCheckpoint.requireRecorded(checkpoint, net, shape, model, inputShape);
        } else if (checkpoint != null) {
            if (model == null) {
                throw new Main.UserError(checkpoint + " has no ttl4j metadata (a state dict saved by another tool?): add --model SPEC "
                        + "and --input-shape CxHxW|N or --dataset NAME");
            }
            ForeignStateDict.Model m = ForeignStateDict.load(checkpoint, model, inputShape, null, dataset, dataDir,
                    json ? x -> { } : System.out::println);
            net = m.net();
            shape = m.inputShape();
        } else {
            if (inputShape != null) {
                shape = parseShape(inputShape);
            } else if (dataset != null) {
                Dataset d = Datasets.load(dataDir, dataset, Split.TEST, json ? x -> { } : System.out::println);
                shape = TrainingInputs.inputShape(model, d);
            } else {
                throw new Main.UserError("--model needs --input-shape (e.g. 1x28x28 or 784) or --dataset");
            }
            net = TrainingInputs.model(model, shape, 0);
        }
        ModelSummary s = ModelSummary.of(net, shape);
        System.out.print(json ? s.json() + System.lineSeparator() : s.text());
        return 0;
    }

    /** True for a safetensors file without ttl4j metadata (a missing file is a user error). */
    private static boolean foreign(Path file) {
        if (!Files.isRegularFile(file)) throw new Main.UserError("checkpoint " + file + " does not exist");
        try {
            return !SafeTensors.metadata(file).containsKey("model");
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
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
