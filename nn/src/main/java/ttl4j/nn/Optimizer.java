package ttl4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Tensor;

/**
 * Updates parameters from their gradients. The learning rate is passed to each step (a
 * {@link LrSchedule} owns it); everything else is a hyper-parameter fixed at construction.
 * Per-parameter state (momentum, moments) is keyed by parameter name and can be exported and
 * imported as tensors, so a checkpoint resumes the run bitwise.
 */
public abstract class Optimizer {
    /** Per-parameter state tensors, by {@code <param name>.<slot>}. */
    protected final Map<String, Tensor> state = new LinkedHashMap<>();
    /** Number of steps taken (Adam's bias correction uses it). */
    protected long steps;

    /** Short name used in checkpoints: {@code sgd}, {@code adam}, {@code adamw}. */
    public abstract String name();

    /** Hyper-parameters as strings (for checkpoint metadata and {@link #create}). */
    public abstract Map<String, String> hyperParameters();

    /** State slots each parameter has, e.g. {@code momentum} or {@code m, v}. */
    protected abstract List<String> slots();

    /** One update of every parameter with learning rate {@code lr}. */
    public final void step(List<Param> params, float lr) {
        steps++;
        for (Param p : params) update(p, lr);
    }

    protected abstract void update(Param p, float lr);

    /** The state tensor {@code slot} of parameter {@code p}, created as zeros on first use. */
    protected final Tensor slot(Param p, String slot) {
        return state.computeIfAbsent(p.name() + "." + slot, k -> Tensor.zeros(p.value().shape()));
    }

    public long steps() {
        return steps;
    }

    /** The state tensors (shared, not copied), by {@code <param name>.<slot>}. */
    public Map<String, Tensor> exportState() {
        return java.util.Collections.unmodifiableMap(state);
    }

    /**
     * Replaces the state: {@code steps} plus tensors as returned by {@link #exportState}, checked
     * against the parameters they belong to.
     */
    public void importState(long steps, Map<String, Tensor> tensors, List<Param> params) {
        Map<String, Tensor> fresh = new LinkedHashMap<>();
        for (Param p : params) {
            for (String s : slots()) {
                String key = p.name() + "." + s;
                Tensor t = tensors.get(key);
                if (t == null) {
                    if (steps > 0) throw new IllegalArgumentException(name() + " state: missing " + key);
                    continue;
                }
                if (!t.sameShape(p.value())) {
                    throw new IllegalArgumentException(name() + " state " + key + ": shape " + Arrays.toString(t.shape())
                            + ", parameter has " + Arrays.toString(p.value().shape()));
                }
                fresh.put(key, t.copy());
            }
        }
        for (String key : tensors.keySet()) {
            if (!fresh.containsKey(key)) throw new IllegalArgumentException(name() + " state: unexpected tensor " + key);
        }
        state.clear();
        state.putAll(fresh);
        this.steps = steps;
    }

    /** Builds an optimiser from its {@link #name()} and {@link #hyperParameters()}. */
    public static Optimizer create(String name, Map<String, String> hyper) {
        return switch (name) {
            case "sgd" -> new Sgd(num(hyper, "momentum", 0), Boolean.parseBoolean(hyper.getOrDefault("nesterov", "false")),
                    num(hyper, "weight_decay", 0));
            case "adam" -> Adam.adam(num(hyper, "beta1", 0.9), num(hyper, "beta2", 0.999), num(hyper, "eps", 1e-8),
                    num(hyper, "weight_decay", 0));
            case "adamw" -> Adam.adamW(num(hyper, "beta1", 0.9), num(hyper, "beta2", 0.999), num(hyper, "eps", 1e-8),
                    num(hyper, "weight_decay", 0.01));
            default -> throw new IllegalArgumentException("unknown optimizer \"" + name + "\"; expected sgd, adam or adamw");
        };
    }

    private static double num(Map<String, String> m, String k, double dflt) {
        String v = m.get(k);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("optimizer hyper-parameter " + k + "=" + v + " is not a number");
        }
    }

    @Override
    public String toString() {
        return name() + hyperParameters();
    }
}
