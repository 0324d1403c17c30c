package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ttl4j.nn.Checkpoint;

/** {@code ttl import}: a state dict saved as safetensors by another tool, written as a ttl4j checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a ttl4j checkpoint from another tool's safetensors state dict.",
                "",
                "The weights of another tool (a PyTorch state dict saved as safetensors, "
                + "e.g. with python/ttl4j_torch.py's save_state_dict) become a ttl4j checkpoint: --model gives the spec of the same layers, "
                + "--input-shape the per-sample input. Names of a plain nn.Sequential (0.weight) become layers.0.weight; names "
                + "that already start with layers. are kept. Every name and shape must match the spec; any dtype is converted "
                + "to float32. The result is accepted by eval, predict, compress and summary (see docs/checkpoint-format.md); "
                + "eval, compress, predict and summary also take the state dict itself with the same --model, --input-shape and --normalize.",
                "",
                "Example:",
                "  ttl import --from mine.safetensors --model 'flatten|dense(300)|relu|dense(10)' \\",
                "      --input-shape 1x28x28 --dataset mnist --out mine-ttl4j.safetensors"})
final class ImportCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The safetensors file to import.")
    Path from;

    @Option(names = "--model", required = true, paramLabel = "SPEC", description = "The model spec (or preset) of the same layers.")
    String model;

    @Option(names = "--input-shape", paramLabel = "CxHxW|N",
            description = "Per-sample input shape, e.g. 1x28x28 or 784 (default: the --dataset's, as ttl train takes it).")
    String inputShape;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "The dataset the model is for, recorded so eval and predict need no --dataset (and read for --normalize standardize).")
    String dataset;

    @Option(names = "--normalize", paramLabel = "KIND", defaultValue = "unit",
            description = "How raw pixels become inputs: " + ForeignStateDict.NORMALIZE_HELP + " (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--out", required = true, paramLabel = "FILE|DIR",
            description = "The checkpoint to write: a file, or " + OutFile.DIR_RULE + ".")
    String out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Override
    public Integer call() {
        Path file = OutFile.resolve(out, TrainingRun.MODEL);
        ForeignStateDict.Model m = ForeignStateDict.load(from, model, inputShape, normalize, dataset, dataDir, System.out::println);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("preprocessing", m.prep().toJson());
        if (dataset != null) meta.put("dataset", dataset);
        meta.put("import.source", from.toString());
        try {
            OutFile.createParent(file);
            Checkpoint.save(file, m.net(), m.inputShape(), null, meta);
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + file + ": " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "imported %d tensors (%,d parameters) from %s as %s on input %s -> %s%n", m.net().stateDict().size(),
                m.net().parameterCount(), from, m.net().spec(), Arrays.toString(m.inputShape()), file);
        return 0;
    }
}
