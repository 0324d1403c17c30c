package ttl4j.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import ttl4j.engine.Tensor;

/**
 * A model (and optionally its training state) in one safetensors file.
 *
 * <p>Tensors: the parameters and buffers as a PyTorch state dict ({@code layers.<i>.weight} (out x in),
 * {@code layers.<i>.bias}; a batch norm's {@code running_mean}, {@code running_var} and
 * {@code num_batches_tracked}, see {@link BatchNorm2d}), layer by layer ({@link Sequential#stateDict}), then the optimiser state as {@code optimizer.<param name>.<slot>}
 * ({@code momentum} for SGD, {@code m} and {@code v} for Adam). A PyTorch user loads the weights
 * with {@code {k: v for k, v in sd.items() if not k.startswith("optimizer.")}}.
 *
 * <p>{@code __metadata__}: {@code format}, {@code model} (the spec), {@code input_shape} (e.g.
 * {@code [784]}), {@code parameters}, whatever the caller adds (preprocessing, dataset), and for
 * training checkpoints the {@code train.*} keys written by {@link Trainer} (epoch, step, seed, learning-rate
 * schedule, optimiser name and hyper-parameters, layer RNG state). docs/checkpoint-format.md describes
 * every key, the tensor layouts and how to load a checkpoint in NumPy or PyTorch.
 */
public final class Checkpoint {
    public static final String FORMAT = "ttl4j-checkpoint-1";
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private final Path file;
    private final Map<String, Tensor> weights;
    private final Map<String, Tensor> optimizerState;
    private final Map<String, String> metadata;

    private Checkpoint(Path file, Map<String, Tensor> weights, Map<String, Tensor> optimizerState, Map<String, String> metadata) {
        this.file = file;
        this.weights = weights;
        this.optimizerState = optimizerState;
        this.metadata = metadata;
    }

    /**
     * Writes {@code model}'s parameters, {@code optimizer}'s state (when not null) and the metadata
     * atomically. {@code extra} entries (e.g. preprocessing) are stored as given.
     */
    public static void save(Path file, Sequential model, int[] inputShape, Optimizer optimizer, Map<String, String> extra)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.putAll(model.stateDict());
        if (optimizer != null) {
            for (Map.Entry<String, Tensor> e : optimizer.exportState().entrySet()) tensors.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", model.spec());
        meta.put("input_shape", Arrays.toString(inputShape).replace(" ", ""));
        meta.put("parameters", Long.toString(model.parameterCount()));
        if (extra != null) meta.putAll(extra);
        SafeTensors.write(file, tensors, meta);
    }

    /** Reads and validates a checkpoint file. */
    public static Checkpoint load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, Tensor> w = new LinkedHashMap<>(), o = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) o.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
            else w.put(e.getKey(), e.getValue());
        }
        Checkpoint ck = new Checkpoint(file, w, o, c.metadata());
        if (!c.metadata().containsKey("model")) throw new IOException(file + ": not a ttl4j checkpoint (no \"model\" in __metadata__)");
        return ck;
    }

    public Path file() {
        return file;
    }

    /** Parameters and buffers by state-dict name. */
    public Map<String, Tensor> weights() {
        return weights;
    }

    /** Optimiser state tensors by {@code <param name>.<slot>} (prefix removed). */
    public Map<String, Tensor> optimizerState() {
        return optimizerState;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public String modelSpec() {
        return metadata.get("model");
    }

    /** Per-sample input shape from {@code input_shape}. */
    public int[] inputShape() throws IOException {
        String s = metadata.get("input_shape");
        if (s == null) throw new IOException(file + ": __metadata__ has no input_shape");
        String body = s.trim();
        if (body.startsWith("[") && body.endsWith("]")) body = body.substring(1, body.length() - 1);
        try {
            return body.isBlank() ? new int[0] : Arrays.stream(body.split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IOException(file + ": __metadata__ input_shape \"" + s + "\" is not a list of integers");
        }
    }

    /** Builds the model from its spec and loads the weights. */
    public Sequential buildModel() throws IOException {
        Sequential m;
        try {
            m = ModelSpec.build(modelSpec(), inputShape(), 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        loadWeights(m);
        return m;
    }

    /** Copies the weights (parameters and buffers) into {@code model}; names and shapes must match exactly. */
    public void loadWeights(Sequential model) throws IOException {
        Map<String, Tensor> state = model.stateDict();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) throw new IOException(file + ": missing tensor " + e.getKey() + " for model " + model.spec());
            if (!t.sameShape(e.getValue())) {
                throw new IOException(file + ": tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", model expects " + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : weights.keySet()) {
            if (!state.containsKey(k)) throw new IOException(file + ": tensor " + k + " matches no parameter of model " + model.spec());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) requireFinite(e.getKey(), weights.get(e.getKey()));
        for (Map.Entry<String, Tensor> e : state.entrySet()) e.getValue().copyFrom(weights.get(e.getKey()));
    }

    /**
     * Refuses a tensor holding NaN or an infinity: no trained weight or optimiser moment is meant
     * to, and a model built from one only prints nonsense (a diverged run, or a damaged file).
     */
    void requireFinite(String name, Tensor t) throws IOException {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IOException(file + ": tensor " + name + " holds " + d[i] + " at flat index " + i + " of " + d.length
                        + " (a diverged run or a damaged file)");
            }
        }
    }
}
