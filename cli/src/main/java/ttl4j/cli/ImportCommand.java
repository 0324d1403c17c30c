package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Tensor;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/** {@code ttl import}: a state dict saved as safetensors by another tool, written as a ttl4j checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a ttl4j checkpoint from another tool's safetensors state dict.",
                "",
                "The weights of another tool (a PyTorch state dict saved as safetensors, "
                + "e.g. with python/ttl4j_torch.py's save_state_dict) become a ttl4j checkpoint: --model gives the spec of the same layers, "
                + "--input-shape the per-sample input. Names of a plain nn.Sequential (0.weight) become layers.0.weight; names "
                + "that already start with layers. are kept. Every name and shape must match the spec; any dtype is converted "
                + "to float32. The result is accepted by eval, predict, compress and summary (see docs/checkpoint-format.md).",
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
            description = "How raw pixels become inputs: unit (pixels / 255, torchvision's ToTensor), standardize (the --dataset's "
                    + "training-set mean and std per channel, as ttl train), mean=M[,M..]:std=S[,S..] (ToTensor then "
                    + "Normalize(mean, std)), or a preprocessing JSON record (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The checkpoint to write.")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $TTL4J_DATA, else ~/.cache/ttl4j).")
    String dataDir;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(from)) throw new Main.UserError(from + " does not exist");
        SafeTensors.Contents in;
        try {
            in = SafeTensors.readConverting(from);
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
        Dataset data = dataset != null && (inputShape == null || normalize.equals("standardize"))
                ? Datasets.load(dataDir, dataset, Split.TRAIN, System.out::println) : null;
        int[] shape;
        if (inputShape != null) shape = SummaryCommand.parseShape(inputShape);
        else if (data != null) shape = TrainingInputs.inputShape(model, data);
        else throw new Main.UserError("give --input-shape (e.g. 1x28x28 or 784) or --dataset");
        Sequential net = TrainingInputs.model(model, shape, 0);
        Preprocessing prep = preprocessing(shape, data);

        Map<String, Tensor> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : in.tensors().entrySet()) {
            String k = e.getKey();
            String name = k.startsWith("layers.") ? k : k.matches("\\d+\\..+") ? "layers." + k : null;
            if (name == null) {
                throw new Main.UserError(from + ": tensor " + k + " is neither an nn.Sequential name (0.weight) nor ttl4j's (layers.0.weight)");
            }
            if (mapped.put(name, e.getValue()) != null) throw new Main.UserError(from + ": tensors " + k + " and " + name + " both map to " + name);
        }
        Map<String, Tensor> state = net.stateDict();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = mapped.get(e.getKey());
            if (t == null) problems.add("missing " + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
            else if (!t.sameShape(e.getValue())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", the spec needs " + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : mapped.keySet()) if (!state.containsKey(k)) problems.add("unexpected " + k);
        if (!problems.isEmpty()) {
            throw new Main.UserError(from + " does not match " + net.spec() + " on input " + Arrays.toString(shape) + ": "
                    + String.join("; ", problems));
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            float[] d = mapped.get(e.getKey()).toArray();
            for (int i = 0; i < d.length; i++) {
                if (!Float.isFinite(d[i])) throw new Main.UserError(from + ": tensor " + e.getKey() + " holds " + d[i] + " at flat index " + i);
            }
            e.getValue().copyFrom(mapped.get(e.getKey()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("preprocessing", prep.toJson());
        if (dataset != null) meta.put("dataset", dataset);
        meta.put("import.source", from.toString());
        try {
            Checkpoint.save(out, net, shape, null, meta);
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "imported %d tensors (%,d parameters) from %s as %s on input %s -> %s%n", state.size(),
                net.parameterCount(), from, net.spec(), Arrays.toString(shape), out);
        return 0;
    }

    private Preprocessing preprocessing(int[] shape, Dataset data) {
        int channels = data != null ? data.channels() : shape.length == 3 ? shape[0] : 1;
        String n = normalize.trim();
        try {
            if (n.equals("unit")) return Preprocessing.unitRange(channels);
            if (n.equals("standardize")) {
                if (data == null) throw new Main.UserError("--normalize standardize needs --dataset (its training-set mean and std)");
                return Preprocessing.standardize(data);
            }
            if (n.startsWith("{")) return Preprocessing.fromJson(n);
            if (n.startsWith("mean=")) {
                String[] parts = n.split(":");
                if (parts.length != 2 || !parts[1].startsWith("std=")) throw new IllegalArgumentException("expected mean=M[,M..]:std=S[,S..]");
                double[] mean = numbers(parts[0].substring(5)), std = numbers(parts[1].substring(4));
                if (mean.length != channels || std.length != channels) {
                    throw new IllegalArgumentException("the input has " + channels + " channel(s), got " + mean.length + " mean(s) and "
                            + std.length + " std(s)");
                }
                return new Preprocessing(1.0 / 255, mean, std);
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--normalize: " + e.getMessage());
        }
        throw new Main.UserError("--normalize must be unit, standardize, mean=M[,M..]:std=S[,S..] or a JSON record, got '" + n + "'");
    }

    private static double[] numbers(String s) {
        return Arrays.stream(s.split(",")).mapToDouble(t -> Double.parseDouble(t.trim())).toArray();
    }
}
