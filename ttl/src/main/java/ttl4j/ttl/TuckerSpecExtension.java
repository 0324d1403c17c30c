package ttl4j.ttl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ttl4j.nn.Init;
import ttl4j.nn.LayerArgs;
import ttl4j.nn.LayerFactory;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.SpecExtension;

/**
 * Adds the Tucker layer to the model-spec language:
 * {@code ttl(I_1x..xI_N->J_1x..xJ_M; r=R_1x..xR_N; s=S_1x..xS_M[; mode=auto|factorized|reconstructed][; init=he|glorot])},
 * parts separated by {@code ;} or {@code ,}; a single rank ({@code r=5}) applies to every mode;
 * init defaults to he when a relu follows, else glorot. The input may be flat: only its size per
 * sample must be {@code I_1 ... I_N}. Preset {@code ttl-mnist} = {@value #TTL_MNIST}, the paper's
 * MNIST network (235,200 / 3,530 = 66.63-fold on the first layer).
 *
 * <p>{@link ModelSpec} finds this class by {@link java.util.ServiceLoader} (it is listed in
 * {@code META-INF/services/ttl4j.nn.SpecExtension}), so nothing needs calling; a caller that wants
 * to be explicit calls {@code new TuckerSpecExtension().register()}.
 */
public final class TuckerSpecExtension implements SpecExtension {
    public static final String TTL_MNIST = "ttl(28x28->300; r=5x5; s=10)|relu|dense(10)";

    /**
     * VGG-16's classifier with its two 4096-wide layers as Tucker layers: the 512 features as 8x8x8 to
     * 4096 as 16x16x16, then 16x16x16 to 16x16x16, every rank 8 (574,794 parameters against the dense
     * head's 18,923,530). Initialised as the dense head ({@link ModelSpec#VGG16_HEAD}): the Tucker
     * layers' reconstructed weights and the last layer with the standard deviation of PyTorch's
     * {@code Linear} default, so both networks start from logits of the same scale.
     */
    public static final String VGG16_TTL_HEAD = "ttl(8x8x8->16x16x16; r=8x8x8; s=8x8x8; init=kaiming_uniform)|relu"
            + "|ttl(16x16x16->16x16x16; r=8x8x8; s=8x8x8; init=kaiming_uniform)|relu|dense(10,init=kaiming_uniform)";

    /** {@link #VGG16_TTL_HEAD} with dropout 0.5 after each hidden ReLU. */
    public static final String VGG16_TTL_HEAD_DROPOUT = "ttl(8x8x8->16x16x16; r=8x8x8; s=8x8x8; init=kaiming_uniform)|relu|dropout(0.5)"
            + "|ttl(16x16x16->16x16x16; r=8x8x8; s=8x8x8; init=kaiming_uniform)|relu|dropout(0.5)|dense(10,init=kaiming_uniform)";

    private static boolean registered;

    public TuckerSpecExtension() {}

    /**
     * Registers {@code ttl} and the presets {@code ttl-mnist}, {@code vgg16-ttl} ({@link ModelSpec#VGG16_FEATURES}
     * then {@link #VGG16_TTL_HEAD}) and {@code vgg16-ttl-dropout}; idempotent.
     */
    @Override
    public void register() {
        synchronized (TuckerSpecExtension.class) {
            if (registered) return;
            registered = true;
            ModelSpec.register("ttl", TuckerSpecExtension::create);
            ModelSpec.registerPreset("ttl-mnist", TTL_MNIST);
            ModelSpec.registerPreset("vgg16-ttl", ModelSpec.VGG16_FEATURES + "|" + VGG16_TTL_HEAD);
            ModelSpec.registerPreset("vgg16-ttl-dropout", ModelSpec.VGG16_FEATURES + "|" + VGG16_TTL_HEAD_DROPOUT);
        }
    }

    static TuckerLayer create(LayerArgs a, LayerFactory.Context ctx) {
        Map<String, String> kv = new LinkedHashMap<>();
        String shapes = null;
        List<String> parts = new ArrayList<>();
        for (String p : a.positional()) for (String s : p.split(";")) parts.add(s.trim());
        for (Map.Entry<String, String> e : a.named().entrySet()) parts.add(e.getKey() + "=" + e.getValue());
        for (String part : parts) {
            if (part.isEmpty()) continue;
            if (part.contains("->")) {
                if (shapes != null) throw a.error("ttl: two shape parts \"" + shapes + "\" and \"" + part + "\"");
                shapes = part;
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) throw a.error("ttl: expected IN->OUT or key=value, got \"" + part + "\"");
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!List.of("r", "s", "mode", "init").contains(key)) {
                throw a.error("ttl has no argument \"" + key + "\"; known: r, s, mode, init");
            }
            if (kv.put(key, part.substring(eq + 1).trim()) != null) throw a.error("ttl: argument \"" + key + "\" given twice");
        }
        if (shapes == null) throw a.error("ttl needs its shapes, e.g. ttl(28x28->300; r=5x5; s=10)");
        int arrow = shapes.indexOf("->");
        int[] in = dims(a, "input shape", shapes.substring(0, arrow));
        int[] out = dims(a, "output shape", shapes.substring(arrow + 2));
        if (!kv.containsKey("r")) throw a.error("ttl needs the input ranks, e.g. r=5x5");
        if (!kv.containsKey("s")) throw a.error("ttl needs the output ranks, e.g. s=10");
        int[] r = ranks(a, "r", kv.get("r"), in.length);
        int[] s = ranks(a, "s", kv.get("s"), out.length);
        notAboveSizes(a, "input", r, in);
        notAboveSizes(a, "output", s, out);
        TuckerLayer.Mode mode;
        Init init;
        try {
            mode = TuckerLayer.Mode.parse(kv.getOrDefault("mode", "auto"));
            init = Init.parse(kv.getOrDefault("init", "relu".equals(ctx.nextLayer()) ? "he" : "glorot"));
        } catch (IllegalArgumentException e) {
            throw a.error("ttl: " + e.getMessage());
        }
        try {
            return new TuckerLayer(in, out, r, s, mode, init, ctx.random());
        } catch (IllegalArgumentException e) {
            throw a.error(e.getMessage());
        }
    }

    /**
     * A rank reduces its mode, so it is at most the mode's size (a larger one only adds parameters:
     * the layer computes nothing the size itself could not). The layer itself accepts any rank.
     */
    private static void notAboveSizes(LayerArgs a, String what, int[] ranks, int[] sizes) {
        for (int n = 0; n < Math.min(ranks.length, sizes.length); n++) {
            if (ranks[n] > sizes[n]) {
                throw a.error("ttl: " + what + " rank " + ranks[n] + " of mode " + (n + 1) + " exceeds its size " + sizes[n]
                        + " (a rank reduces a mode: at most its size)");
            }
        }
    }

    private static int[] dims(LayerArgs a, String what, String s) {
        String t = s.trim();
        if (t.isEmpty()) throw a.error("ttl: empty " + what);
        String[] f = t.split("[xX*]");
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            try {
                d[i] = Integer.parseInt(f[i].trim());
            } catch (NumberFormatException e) {
                throw a.error("ttl: " + what + " \"" + t + "\" must be sizes joined by x, e.g. 28x28");
            }
            if (d[i] < 1) throw a.error("ttl: " + what + " \"" + t + "\" has a size below 1");
        }
        return d;
    }

    private static int[] ranks(LayerArgs a, String key, String s, int modes) {
        int[] d = dims(a, key + " (ranks)", s);
        if (d.length == 1 && modes > 1) {
            int[] all = new int[modes];
            java.util.Arrays.fill(all, d[0]);
            return all;
        }
        if (d.length != modes) {
            throw a.error("ttl: " + key + "=" + s + " gives " + d.length + " ranks for " + modes + " modes");
        }
        return d;
    }
}
