package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.engine.conv.ConvAlgorithm;
import ttl4j.engine.conv.ConvPlan;
import ttl4j.engine.conv.ConvShape;
import ttl4j.engine.conv.Convolutions;

/**
 * The convolution benchmark, for {@code ttl bench conv} and JMH's {@code ConvBenchmark}: one 3x3
 * (or other) convolution layer of a batch, its forward pass and a training step's passes (forward,
 * weight and bias gradient, and the input gradient unless the layer is a network's first, whose
 * input needs none), with the algorithms {@link Convolutions#plan} chooses. Work is counted as
 * direct convolution, {@code 2 N K P Q C R S} flops per pass, whatever the algorithm does.
 */
public final class ConvWorkload {

    /**
     * A layer: input channels, output channels, input height and width, square kernel, stride,
     * padding; {@code first} when it is a network's first layer (no input gradient).
     */
    public record Layer(int cin, int cout, int h, int w, int k, int stride, int pad, boolean first) {
        /** {@code CINxCOUTxH[xW][:kK][:sS][:pP]}, e.g. {@code 64x128x16} (3x3, stride 1, padding 1). */
        public static Layer parse(String spec) {
            String t = spec.trim().toLowerCase(Locale.ROOT);
            try {
                String[] parts = t.split(":");
                String[] d = parts[0].split("x");
                if (d.length < 3 || d.length > 4) throw new NumberFormatException();
                int cin = Integer.parseInt(d[0]), cout = Integer.parseInt(d[1]), h = Integer.parseInt(d[2]);
                int w = d.length == 4 ? Integer.parseInt(d[3]) : h;
                int k = 3, stride = 1, pad = -1;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i];
                    int v = Integer.parseInt(p.substring(1));
                    switch (p.charAt(0)) {
                        case 'k' -> k = v;
                        case 's' -> stride = v;
                        case 'p' -> pad = v;
                        default -> throw new NumberFormatException();
                    }
                }
                if (pad < 0) pad = k / 2;
                return new Layer(cin, cout, h, w, k, stride, pad, cin <= 3);
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new Main.UserError("bad layer '" + spec + "': expected CINxCOUTxH[xW][:kK][:sS][:pP], e.g. 64x128x16");
            }
        }

        public ConvShape shape(int batch) {
            try {
                return new ConvShape(batch, cin, h, w, cout, k, k, stride, stride, pad, pad, 1, 1);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("layer " + this + ": " + e.getMessage());
            }
        }

        public String label() {
            return cin + "->" + cout + " " + h + "x" + w + (k != 3 || stride != 1 || pad != 1 ? " k" + k + " s" + stride + " p" + pad : "");
        }
    }

    /** The nine distinct 3x3 layers of VGG-16 on 32x32 CIFAR-10 images, in network order (JMH @Param keys). */
    public static final String VGG_SHAPES = "3x64x32,64x64x32,64x128x16,128x128x16,128x256x8,256x256x8,256x512x4,512x512x4,512x512x2";

    /** How many times each distinct shape occurs in VGG-16's 13 convolutions (same order as {@link #VGG_SHAPES}). */
    public static final int[] VGG_COUNTS = {1, 1, 1, 1, 1, 2, 1, 2, 3};

    public static List<Layer> parseList(String specs) {
        List<Layer> l = new ArrayList<>();
        for (String s : specs.split(",")) if (!s.isBlank()) l.add(Layer.parse(s));
        if (l.isEmpty()) throw new Main.UserError("no layers given");
        return l;
    }

    private final Layer layer;
    private final ConvShape shape;
    private final ConvPlan plan;
    private final float[] x, w, b, y, dy, dx, dw, db;
    /** What a training forward pass keeps of X for the weight gradient, as the layer does (null: nothing). */
    private final float[] kept;

    /** Random inputs (fixed seed), weights scaled as He's, and an output gradient. */
    public ConvWorkload(Layer layer, int batch) {
        this.layer = layer;
        this.shape = layer.shape(batch);
        this.plan = Convolutions.plan(shape);
        SplittableRandom r = new SplittableRandom(17);
        x = random(r, shape.inputSize(), 1f);
        w = random(r, shape.weightSize(), (float) Math.sqrt(6.0 / (layer.cin() * layer.k() * layer.k())));
        b = random(r, shape.outC(), 0.1f);
        dy = random(r, shape.outputSize(), 1f);
        y = new float[shape.outputSize()];
        dx = new float[shape.inputSize()];
        dw = new float[shape.weightSize()];
        db = new float[shape.outC()];
        long keep = Convolutions.savedInputFloats(shape);
        kept = keep > 0 ? new float[(int) keep] : null;
    }

    private static float[] random(SplittableRandom r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    public Layer layer() {
        return layer;
    }

    public ConvShape shape() {
        return shape;
    }

    public ConvPlan plan() {
        return plan;
    }

    /** Flops of one pass counted as direct convolution. */
    public double flopsPerPass() {
        return 2.0 * shape.directMadds();
    }

    /** Passes of a training step: forward, weight gradient, and the input gradient unless the layer is first. */
    public int stepPasses() {
        return layer.first() ? 2 : 3;
    }

    /** Timed: the forward pass; returns the output for JMH to consume. */
    public float[] forward() {
        Convolutions.forward(shape, x, 0, w, 0, b, 0, y, 0);
        return y;
    }

    /**
     * Timed: a training step's convolution passes, the forward keeping what the weight gradient
     * reuses (as the layer does in training); returns the weight gradient.
     */
    public float[] step() {
        Convolutions.forward(shape, x, 0, w, 0, b, 0, y, 0, kept);
        Convolutions.backward(shape, x, 0, dy, 0, w, 0, 0f, dw, 0, db, 0, kept, layer.first() ? null : dx, 0);
        return dw;
    }

    /**
     * The chosen forward algorithm agrees with the seven-loop definition on the first image before
     * anything is timed (a scale-free tolerance: Winograd rounds differently from a direct sum).
     */
    public void check() {
        ConvShape one = shape.withBatch(1);
        float[] got = new float[one.outputSize()], want = new float[one.outputSize()];
        Convolutions.forward(one, plan.forward(), x, 0, w, 0, b, 0, got, 0);
        Convolutions.forward(one, ConvAlgorithm.REFERENCE, x, 0, w, 0, b, 0, want, 0);
        double scale = 0;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= 1e-3 * (scale + 1e-30))) {
                throw new IllegalStateException(layer.label() + ": " + plan.forward().key() + " output " + i + " is " + got[i]
                        + ", the definition gives " + want[i]);
            }
        }
    }
}
