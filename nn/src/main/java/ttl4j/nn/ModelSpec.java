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
 *   <li>{@code dense(N[,init=he|glorot|kaiming_uniform])}: fully connected with N outputs; init defaults to he
 *       when a relu follows, else glorot (kaiming_uniform is PyTorch's default, {@link Init#KAIMING_UNIFORM})
 *   <li>{@code relu}, {@code tanh}, {@code sigmoid}
 *   <li>{@code dropout(P)}: inverted dropout with drop probability P
 *   <li>{@code flatten}: {@code (C, H, W)} (or any shape) to {@code (C H W)}, row-major as PyTorch's
 *   <li>{@code conv(K,k=R[xS][,s=..][,p=..][,d=..][,bias=false])}: 2-D convolution with K output channels
 *       ({@link Conv2d}); {@code k}, {@code s} (stride, default 1), {@code p} (zero padding, default 0) and
 *       {@code d} (dilation, default 1) are {@code N} or {@code NxM} (rows x columns)
 *   <li>{@code maxpool(R[xS][,s=..][,p=..])}, {@code avgpool(R[xS][,s=..][,p=..][,count_include_pad=false])}:
 *       2-D pooling, the stride defaults to the kernel ({@link MaxPool2d}, {@link AvgPool2d})
 *   <li>{@code gap}: global average pooling, {@code (C, H, W)} to {@code (C)} ({@link GlobalAvgPool})
 *   <li>{@code bn[(eps=..,momentum=..)]}: batch normalisation over the channels ({@link BatchNorm2d})
 * </ul>
 * Convolution and pooling layers need an image input {@code (C, H, W)}: see {@link #takesImages}.
 * Presets: {@code mlp-mnist} = {@code dense(300)|relu|dense(10)} (784-300-10),
 * {@code mlp-wide} = {@code dense(1024)|relu|dense(1024)|relu|dense(10)}, {@code vgg16} =
 * {@link #VGG16_FEATURES} then {@link #VGG16_HEAD} (for 3x32x32 images), {@code vgg16-dropout} the same with
 * {@link #VGG16_HEAD_DROPOUT}; a preset of flat layers on an input with more than one dimension is
 * preceded by {@code flatten}. Other modules add layers with
 * {@link #register} and {@link #registerPreset} (e.g. a Tucker layer as {@code ttl(...)}), found
 * through {@link SpecExtension}.
 */
public final class ModelSpec {
    private ModelSpec() {}

    /**
     * The 13 convolutions of VGG-16 (Simonyan and Zisserman's configuration D: 64, 64, M, 128, 128, M,
     * 256 x3, M, 512 x3, M, 512 x3, M), each 3x3 with padding 1 and followed by batch norm and ReLU
     * (torchvision's {@code vgg16_bn}), then {@code flatten}: a 3x32x32 image ends as 512 features.
     */
    public static final String VGG16_FEATURES = vggFeatures(new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0,
            512, 512, 512, 0});

    /**
     * VGG-16's classifier for CIFAR-10: 512 -> 4096 -> 4096 -> 10 with ReLU (18,923,530 parameters),
     * initialised as PyTorch's {@code Linear} ({@link Init#KAIMING_UNIFORM}, weight standard deviation
     * 1 / sqrt(3 fanIn)). Not He normal, the dense default before a ReLU: it keeps the activations'
     * scale through the two wide layers where the uniform one shrinks it, so the network starts with
     * large logits (a cross-entropy of about 3.7 instead of ln 10 = 2.3 on CIFAR-10) and SGD at
     * lr 0.05 with momentum 0.9 drives it to chance within the first hundred steps, where it stays.
     */
    public static final String VGG16_HEAD = "dense(4096,init=kaiming_uniform)|relu|dense(4096,init=kaiming_uniform)|relu"
            + "|dense(10,init=kaiming_uniform)";

    /** {@link #VGG16_HEAD} with dropout 0.5 after each hidden ReLU, as the original VGG. */
    public static final String VGG16_HEAD_DROPOUT = "dense(4096,init=kaiming_uniform)|relu|dropout(0.5)"
            + "|dense(4096,init=kaiming_uniform)|relu|dropout(0.5)|dense(10,init=kaiming_uniform)";

    /** Channel counts with 0 for a 2x2 max pooling, as a spec of conv+bn+relu blocks ending in flatten. */
    static String vggFeatures(int[] cfg) {
        StringBuilder sb = new StringBuilder();
        for (int c : cfg) {
            if (sb.length() > 0) sb.append('|');
            sb.append(c == 0 ? "maxpool(2)" : "conv(" + c + ",k=3,p=1)|bn|relu");
        }
        return sb.append("|flatten").toString();
    }

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
        register("conv", (a, ctx) -> {
            a.expect(1, 1, "k", "s", "p", "d", "bias");
            int out = a.intAt(0, 1);
            int[] in = imageInput(a, ctx);
            String k = a.get("k", null);
            if (k == null) throw a.error("conv needs a kernel size, e.g. conv(" + out + ",k=3) or k=3x5");
            int[] kernel = pair(a, "k", k, 1), stride = pair(a, "s", a.get("s", "1"), 1), pad = pair(a, "p", a.get("p", "0"), 0),
                    dil = pair(a, "d", a.get("d", "1"), 1);
            return new Conv2d(in[0], out, kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], dil[0], dil[1],
                    bool(a, "bias", true), ctx.random());
        });
        register("maxpool", (a, ctx) -> {
            a.expect(1, 1, "s", "p");
            imageInput(a, ctx);
            int[] k = pair(a, "kernel", a.positional().get(0), 1);
            int[] st = pair(a, "s", a.get("s", a.positional().get(0)), 1), pad = pair(a, "p", a.get("p", "0"), 0);
            try {
                return new MaxPool2d(k[0], k[1], st[0], st[1], pad[0], pad[1]);
            } catch (IllegalArgumentException e) {
                throw a.error(e.getMessage());
            }
        });
        register("avgpool", (a, ctx) -> {
            a.expect(1, 1, "s", "p", "count_include_pad");
            imageInput(a, ctx);
            int[] k = pair(a, "kernel", a.positional().get(0), 1);
            int[] st = pair(a, "s", a.get("s", a.positional().get(0)), 1), pad = pair(a, "p", a.get("p", "0"), 0);
            try {
                return new AvgPool2d(k[0], k[1], st[0], st[1], pad[0], pad[1], bool(a, "count_include_pad", true));
            } catch (IllegalArgumentException e) {
                throw a.error(e.getMessage());
            }
        });
        register("gap", (a, ctx) -> {
            a.expect(0, 0);
            imageInput(a, ctx);
            return new GlobalAvgPool();
        });
        register("bn", (a, ctx) -> {
            a.expect(0, 0, "eps", "momentum");
            if (ctx.inputShape().length < 1) throw a.error("bn needs an input with a channel axis, got shape []");
            double eps = number(a, "eps", BatchNorm2d.DEFAULT_EPS), mom = number(a, "momentum", BatchNorm2d.DEFAULT_MOMENTUM);
            try {
                return new BatchNorm2d(ctx.inputShape()[0], eps, mom);
            } catch (IllegalArgumentException e) {
                throw a.error(e.getMessage());
            }
        });
        PRESETS.put("mlp-mnist", "dense(300)|relu|dense(10)");
        PRESETS.put("mlp-wide", "dense(1024)|relu|dense(1024)|relu|dense(10)");
        PRESETS.put("vgg16", VGG16_FEATURES + "|" + VGG16_HEAD);
        PRESETS.put("vgg16-dropout", VGG16_FEATURES + "|" + VGG16_HEAD_DROPOUT);
        // Last, once the built-ins exist: layer modules on the class path add theirs.
        for (SpecExtension e : ServiceLoader.load(SpecExtension.class, ModelSpec.class.getClassLoader())) e.register();
    }

    /** Layers that take images (C, H, W): a spec with one of them is fed images rather than flat vectors. */
    private static final java.util.Set<String> IMAGE_LAYERS = java.util.Set.of("conv", "maxpool", "avgpool", "gap");

    /**
     * Whether the model takes its samples as images {@code (C, H, W)} rather than flat vectors: true when the
     * (resolved) spec has a convolution or pooling layer. A caller with image data (the command line)
     * builds such a model for {@code (C, H, W)} and every other one for {@code (C H W)}, as before.
     */
    public static boolean takesImages(String presetOrSpec) {
        return imageSpec(resolve(presetOrSpec, new int[] {1}));
    }

    private static boolean imageSpec(String spec) {
        for (Call c : parse(spec)) if (IMAGE_LAYERS.contains(c.name())) return true;
        return false;
    }

    /** The input shape for samples of {@code channels x height x width}: the image or the flat vector ({@link #takesImages}). */
    public static int[] inputShapeFor(String presetOrSpec, int channels, int height, int width) {
        return takesImages(presetOrSpec) ? new int[] {channels, height, width} : new int[] {channels * height * width};
    }

    private static int[] imageInput(LayerArgs a, LayerFactory.Context ctx) {
        int[] in = ctx.inputShape();
        if (in.length != 3) {
            throw a.error(a.name() + " needs an image input (C, H, W), got shape " + Arrays.toString(in)
                    + (in.length == 1 ? " (a flat input: this layer cannot follow flatten or dense, and the data must be images)" : ""));
        }
        return in;
    }

    /** {@code N} or {@code NxM} (rows x columns), each at least {@code min}. */
    private static int[] pair(LayerArgs a, String key, String v, int min) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split("x", -1);
        if (parts.length > 2) throw a.error(a.name() + " " + key + "=" + v + ": expected N or NxM");
        int[] r = new int[2];
        for (int i = 0; i < parts.length; i++) {
            try {
                r[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw a.error(a.name() + " " + key + "=" + v + ": expected an integer N or NxM, e.g. 3 or 3x5");
            }
            if (r[i] < min) throw a.error(a.name() + " " + key + "=" + v + ": must be >= " + min);
        }
        if (parts.length == 1) r[1] = r[0];
        return r;
    }

    private static boolean bool(LayerArgs a, String key, boolean dflt) {
        String v = a.get(key, null);
        if (v == null) return dflt;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw a.error(a.name() + " " + key + "=" + v + ": expected true or false");
        };
    }

    private static double number(LayerArgs a, String key, double dflt) {
        String v = a.get(key, null);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw a.error(a.name() + " " + key + "=" + v + ": expected a number");
        }
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
        // A preset of flat layers on a multi-dimensional input gets a flatten; one that takes images
        // (vgg16) gets the image as it is.
        return inputShape.length > 1 && !imageSpec(p) ? "flatten|" + p : p;
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
