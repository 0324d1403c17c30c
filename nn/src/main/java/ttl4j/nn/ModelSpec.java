package ttl4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The compact model-spec language: layers separated by {@code |}, each a name with optional
 * arguments in parentheses, e.g. {@code flatten|dense(300)|relu|dropout(0.5)|dense(10)}; the input
 * shape is given separately. Built-in layers:
 * <ul>
 *   <li>{@code dense(N[,init=he|glorot])}: fully connected with N outputs; init defaults to he
 *       when a relu follows, else glorot
 *   <li>{@code relu}, {@code tanh}, {@code sigmoid}
 *   <li>{@code dropout(P)}: inverted dropout with drop probability P
 *   <li>{@code flatten}
 * </ul>
 * Presets: {@code mlp-mnist} = {@code dense(300)|relu|dense(10)} (784-300-10),
 * {@code mlp-wide} = {@code dense(1024)|relu|dense(1024)|relu|dense(10)}; a preset on an input
 * with more than one dimension is preceded by {@code flatten}. Other modules add layers with
 * {@link #register} and {@link #registerPreset} (e.g. a Tucker layer as {@code ttl(...)}), found
 * through {@link SpecExtension}.
 */
public final class ModelSpec {
    private ModelSpec() {}

    private static final Map<String, LayerFactory> FACTORIES = new LinkedHashMap<>();
    private static final Map<String, String> PRESETS = new LinkedHashMap<>();

    static {
        register("dense", (a, ctx) -> {
            a.expect(1, 1, "init");
            int out = a.intAt(0, 1);
            if (ctx.inputShape().length != 1) {
                throw a.error("dense needs a flat input, got shape " + Arrays.toString(ctx.inputShape()) + " (put flatten before it)");
            }
            String dflt = "relu".equals(ctx.nextLayer()) ? "he" : "glorot";
            Init init;
            try {
                init = Init.parse(a.get("init", dflt));
            } catch (IllegalArgumentException e) {
                throw a.error(e.getMessage());
            }
            return new Dense(ctx.inputShape()[0], out, init, ctx.random());
        });
        register("relu", (a, ctx) -> {
            a.expect(0, 0);
            return new ReLU();
        });
        register("tanh", (a, ctx) -> {
            a.expect(0, 0);
            return new Tanh();
        });
        register("sigmoid", (a, ctx) -> {
            a.expect(0, 0);
            return new Sigmoid();
        });
        register("flatten", (a, ctx) -> {
            a.expect(0, 0);
            return new Flatten();
        });
        register("dropout", (a, ctx) -> {
            a.expect(1, 1);
            double p = a.doubleAt(0);
            if (!(p >= 0 && p < 1)) throw a.error("dropout probability must be in [0, 1), got " + p);
            return new Dropout(p, ctx.random().nextLong());
        });
        PRESETS.put("mlp-mnist", "dense(300)|relu|dense(10)");
        PRESETS.put("mlp-wide", "dense(1024)|relu|dense(1024)|relu|dense(10)");
        // Last, once the built-ins exist: layer modules on the class path add theirs.
        for (SpecExtension e : ServiceLoader.load(SpecExtension.class, ModelSpec.class.getClassLoader())) e.register();
    }

    /** Adds (or replaces) a layer kind; names are lower-case letters, digits, '_' and '-'. */
    public static synchronized void register(String name, LayerFactory factory) {
        if (!name.matches("[a-z][a-z0-9_-]*")) throw new IllegalArgumentException("bad layer name \"" + name + "\"");
        FACTORIES.put(name, factory);
    }

    /** Adds (or replaces) a preset: a name standing for a whole spec. */
    public static synchronized void registerPreset(String name, String spec) {
        if (!name.matches("[a-z][a-z0-9_-]*")) throw new IllegalArgumentException("bad preset name \"" + name + "\"");
        parse(spec);
        PRESETS.put(name, spec);
    }

    /** Registered layer names, sorted. */
    public static synchronized List<String> layerNames() {
        return List.copyOf(new TreeSet<>(FACTORIES.keySet()));
    }

    /** Preset names and their specs. */
    public static Map<String, String> presets() {
        return java.util.Collections.unmodifiableMap(PRESETS);
    }

    /** The spec a preset stands for, flatten-prefixed for multi-dimensional input; other specs unchanged. */
    public static String resolve(String presetOrSpec, int[] inputShape) {
        String s = presetOrSpec.trim();
        String p = PRESETS.get(s.toLowerCase(Locale.ROOT));
        if (p == null) return s;
        return inputShape.length > 1 ? "flatten|" + p : p;
    }

    /** One layer call in a spec: name, arguments and 1-based column. */
    public record Call(String name, List<String> positional, Map<String, String> named, int column) {}

    /** Splits a spec into layer calls, checking the syntax only (not the layer names). */
    public static List<Call> parse(String spec) {
        List<Call> calls = new ArrayList<>();
        int n = spec.length(), i = 0;
        if (spec.isBlank()) throw new SpecException(spec, 1, "", "empty model spec");
        while (true) {
            while (i < n && Character.isWhitespace(spec.charAt(i))) i++;
            int start = i;
            while (i < n && (Character.isLetterOrDigit(spec.charAt(i)) || spec.charAt(i) == '_' || spec.charAt(i) == '-')) i++;
            String name = spec.substring(start, i).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new SpecException(spec, start + 1, i < n ? String.valueOf(spec.charAt(i)) : "",
                        i < n ? "expected a layer name" : "expected a layer name after '|'");
            }
            List<String> pos = new ArrayList<>();
            Map<String, String> named = new LinkedHashMap<>();
            while (i < n && Character.isWhitespace(spec.charAt(i))) i++;
            if (i < n && spec.charAt(i) == '(') {
                int open = i++;
                int depth = 0, argStart = i;
                boolean closed = false;
                for (; i < n; i++) {
                    char c = spec.charAt(i);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')' && depth > 0) {
                        depth--;
                    } else if ((c == ',' || c == ')') && depth == 0) {
                        String arg = spec.substring(argStart, i).trim();
                        if (arg.isEmpty()) {
                            if (c == ')' && pos.isEmpty() && named.isEmpty() && spec.substring(open + 1, i).isBlank()) {
                                closed = true;
                                i++;
                                break;
                            }
                            throw new SpecException(spec, argStart + 1, spec.substring(open, Math.min(n, i + 1)), "empty argument");
                        }
                        int eq = arg.indexOf('=');
                        if (eq > 0 && arg.substring(0, eq).trim().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                            String key = arg.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                            if (named.put(key, arg.substring(eq + 1).trim()) != null) {
                                throw new SpecException(spec, argStart + 1, arg, "argument \"" + key + "\" given twice");
                            }
                        } else {
                            if (!named.isEmpty()) throw new SpecException(spec, argStart + 1, arg, "positional argument after a named one");
                            pos.add(arg);
                        }
                        argStart = i + 1;
                        if (c == ')') {
                            closed = true;
                            i++;
                            break;
                        }
                    }
                }
                if (!closed) throw new SpecException(spec, open + 1, spec.substring(start), "missing ')'");
            }
            calls.add(new Call(name, pos, named, start + 1));
            while (i < n && Character.isWhitespace(spec.charAt(i))) i++;
            if (i == n) break;
            if (spec.charAt(i) != '|') {
                int e = i;
                while (e < n && spec.charAt(e) != '|') e++;
                throw new SpecException(spec, i + 1, spec.substring(i, e).trim(), "expected '|' between layers");
            }
            i++;
        }
        return calls;
    }

    /**
     * Builds a model from a preset name or a spec for samples of {@code inputShape}. Each layer
     * draws its initial weights from its own generator split off {@code new SplittableRandom(seed)}.
     */
    public static Sequential build(String presetOrSpec, int[] inputShape, long seed) {
        String spec = resolve(presetOrSpec, inputShape);
        List<Call> calls = parse(spec);
        SplittableRandom root = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int[] shape = inputShape.clone();
        for (int k = 0; k < calls.size(); k++) {
            Call c = calls.get(k);
            LayerFactory f;
            synchronized (ModelSpec.class) {
                f = FACTORIES.get(c.name());
            }
            if (f == null) {
                throw new SpecException(spec, c.column(), c.name(), "unknown layer; known: " + String.join(", ", layerNames())
                        + "; presets: " + String.join(", ", PRESETS.keySet()));
            }
            LayerArgs args = new LayerArgs(spec, c.name(), c.column(), c.positional(), c.named());
            String next = k + 1 < calls.size() ? calls.get(k + 1).name() : null;
            Layer layer = f.create(args, new LayerFactory.Context(shape.clone(), root.split(), next));
            try {
                shape = layer.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw args.error(e.getMessage());
            }
            layers.add(layer);
        }
        return new Sequential(layers);
    }
}
