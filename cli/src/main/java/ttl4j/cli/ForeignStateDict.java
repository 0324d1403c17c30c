package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Tensor;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/**
 * A state dict saved as safetensors by another tool (no ttl4j metadata), read onto the model a spec
 * describes: {@code ttl import} writes the result as a checkpoint, eval, compress and predict run it
 * directly ({@link LoadedCheckpoint}). Names of a plain nn.Sequential ({@code 0.weight}) become
 * {@code layers.0.weight}; names that already start with {@code layers.} are kept; every name and
 * shape must match the spec; any dtype is converted to float32. Every failure is a one-line
 * {@link Main.UserError}.
 */
final class ForeignStateDict {
    private ForeignStateDict() {}

    /** The help text of {@code --normalize}'s values, without the default. */
    static final String NORMALIZE_HELP = "unit (pixels / 255, torchvision's ToTensor), standardize (the --dataset's "
            + "training-set mean and std per channel, as ttl train), mean=M[,M..]:std=S[,S..] (ToTensor then "
            + "Normalize(mean, std)), or a preprocessing JSON record";

    /** The model with the file's weights, its per-sample input shape and the input preparation. */
    record Model(Sequential net, int[] inputShape, Preprocessing prep) {}

    /**
     * Reads {@code from} onto the model {@code spec} describes. {@code inputShape} (CxHxW or N) may be
     * null when {@code dataset} is given (the shape ttl train would feed the spec); {@code normalize}
     * is one of {@link #preprocessing}'s forms, null for unit. The dataset's training split is
     * loaded only when the shape or the preprocessing needs it.
     */
    static Model load(Path from, String spec, String inputShape, String normalize, String dataset, String dataDir, Consumer<String> log) {
        if (!Files.isRegularFile(from)) throw new Main.UserError(from + " does not exist");
        SafeTensors.Contents in;
        try {
            in = SafeTensors.readConverting(from);
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
        String norm = normalize == null ? "unit" : normalize.trim();
        Dataset data = dataset != null && (inputShape == null || norm.equals("standardize"))
                ? Datasets.load(dataDir, dataset, Split.TRAIN, log) : null;
        int[] shape;
        if (inputShape != null) shape = SummaryCommand.parseShape(inputShape);
        else if (data != null) shape = TrainingInputs.inputShape(spec, data);
        else throw new Main.UserError("give --input-shape (e.g. 1x28x28 or 784) or --dataset");
        Sequential net = TrainingInputs.model(spec, shape, 0);
        Preprocessing prep = preprocessing(norm, shape, data);
        copyWeights(from, in.tensors(), net, shape);
        return new Model(net, shape, prep);
    }

    /** Copies {@code tensors} (state-dict names) into {@code net}, after checking every name, shape and value. */
    private static void copyWeights(Path from, Map<String, Tensor> tensors, Sequential net, int[] shape) {
        Map<String, Tensor> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
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
    }

    /**
     * A {@code --normalize} value: unit (pixels / 255), standardize ({@code data}'s training-set mean
     * and std per channel; {@code data} must not be null), mean=M[,M..]:std=S[,S..] (pixels / 255, then
     * per channel (x - mean) / std) or a preprocessing JSON record.
     */
    static Preprocessing preprocessing(String normalize, int[] shape, Dataset data) {
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
