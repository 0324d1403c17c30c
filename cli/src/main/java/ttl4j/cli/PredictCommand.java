package ttl4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.data.Catalog;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Tensor;
import ttl4j.engine.io.Json;

/** {@code ttl predict}: class probabilities of a trained model for a few images or dataset samples. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Class probabilities for one or a few inputs: PNG images, or samples of a dataset by index. Inputs are "
                + "prepared as the checkpoint records (scale, per-channel mean and std); an image must have the model's size "
                + "(e.g. 28x28 for MNIST: white digit on black, as in the dataset; 32x32 RGB for CIFAR-10)."},
        footer = {"", "Examples:", "  ttl predict --checkpoint runs/mlp/model.safetensors --image digit.png",
                "  ttl predict --checkpoint runs/mlp/model.safetensors --dataset mnist --index 0 1 2 --top 3 --json"})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = LoadedCheckpoint.HELP)
    Path checkpoint;

    @Mixin
    ForeignModelOptions foreign = new ForeignModelOptions();

    static final class Inputs {
        @Option(names = "--image", paramLabel = "PNG", arity = "1..*", description = "One or more image files (PNG, or any format the JDK reads).")
        List<Path> images;

        @Option(names = "--index", paramLabel = "N", arity = "1..*", description = "Sample indices of --dataset's --split.")
        List<Integer> indices;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset of --index (default: the one the checkpoint was trained on).")
    String dataset;

    @Option(names = "--split", paramLabel = "test|train", defaultValue = "test", description = "Split of --index (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Classes shown per input, most probable first (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "One JSON object per input, one per line.")
    boolean json;

    /** One input: where it came from, its label when known (-1 otherwise), its prepared features. */
    record Input(String source, int label, float[] x) {}

    @Override
    public Integer call() {
        if (top < 1) throw new Main.UserError("--top must be >= 1, got " + top);
        LoadedCheckpoint lc = LoadedCheckpoint.open(checkpoint, dataset, foreign, dataDir, json ? System.err::println : System.out::println);
        int features = 1;
        for (int d : lc.inputShape()) features *= d;
        int classes = lc.model().outputShape(lc.inputShape())[0];
        List<String> names = classNames(lc.dataset());
        List<Input> in = new ArrayList<>();
        if (inputs.images != null) {
            for (Path p : inputs.images) in.add(image(p, lc, features));
        } else {
            Dataset d = lc.load(dataDir, LoadedCheckpoint.split(split), json ? System.err::println : System.out::println);
            names = d.classNames() != null ? d.classNames() : names;
            for (int i : inputs.indices) {
                if (i < 0 || i >= d.size()) {
                    throw new Main.UserError("--index " + i + ": " + d.name() + " has samples 0.." + (d.size() - 1));
                }
                float[] x = new float[features];
                int c = lc.prep().channels(), plane = features / c;
                for (int f = 0; f < features; f++) x[f] = lc.prep().apply(f / plane, d.pixel(i, f));
                in.add(new Input(d.name() + "[" + i + "]", d.label(i), x));
            }
        }
        int[] shape = new int[lc.inputShape().length + 1];
        shape[0] = in.size();
        System.arraycopy(lc.inputShape(), 0, shape, 1, lc.inputShape().length);
        Tensor batch = Tensor.zeros(shape);
        for (int i = 0; i < in.size(); i++) System.arraycopy(in.get(i).x(), 0, batch.data(), i * features, features);
        Tensor logits = lc.model().forward(batch, false);
        for (int i = 0; i < in.size(); i++) {
            double[] p = softmax(logits.data(), i * classes, classes);
            int[] order = order(p, Math.min(top, classes));
            Input x = in.get(i);
            if (json) {
                StringBuilder sb = new StringBuilder("{\"input\":").append(Json.write(x.source()));
                if (x.label() >= 0) sb.append(",\"label\":").append(x.label());
                sb.append(",\"predicted\":").append(order[0]).append(",\"top\":[");
                for (int k = 0; k < order.length; k++) {
                    sb.append(k > 0 ? "," : "").append("{\"class\":").append(order[k]).append(",\"name\":")
                            .append(Json.write(name(names, order[k]))).append(",\"probability\":").append(Json.number(p[order[k]], 6)).append('}');
                }
                System.out.println(sb.append("]}"));
            } else {
                StringBuilder sb = new StringBuilder(x.source()).append(':');
                for (int k = 0; k < order.length; k++) {
                    sb.append(k > 0 ? "," : "").append(String.format(Locale.ROOT, " %s (%.2f%%)", name(names, order[k]), 100 * p[order[k]]));
                }
                if (x.label() >= 0) sb.append(" [label ").append(name(names, x.label())).append(']');
                System.out.println(sb);
            }
        }
        return 0;
    }

    private static List<String> classNames(String dataset) {
        for (Catalog.DatasetSpec s : Catalog.ALL) if (s.name().equals(dataset)) return s.classNames();
        return null;
    }

    private static String name(List<String> names, int c) {
        return names != null && c < names.size() ? names.get(c) : Integer.toString(c);
    }

    /** An image file as the model's input: its size must be the model's; gray for one channel, R, G, B planes for three. */
    static Input image(Path file, LoadedCheckpoint lc, int features) {
        BufferedImage img;
        try {
            if (!Files.isRegularFile(file)) throw new Main.UserError("--image " + file + " does not exist");
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new Main.UserError("--image " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (img == null) throw new Main.UserError("--image " + file + ": not an image format the JDK reads (PNG, JPEG, GIF, BMP)");
        Preprocessing prep = lc.prep();
        int c = prep.channels(), plane = features / c;
        int side = (int) Math.round(Math.sqrt(plane));
        int h = side, w = side;
        for (Catalog.DatasetSpec s : Catalog.ALL) {
            if (s.name().equals(lc.dataset())) {
                h = s.height();
                w = s.width();
            }
        }
        if (h * w != plane || img.getWidth() != w || img.getHeight() != h) {
            throw new Main.UserError("--image " + file + " is " + img.getWidth() + "x" + img.getHeight() + "; the model takes " + w + "x" + h
                    + " images with " + c + " channel(s): resize it first");
        }
        float[] x = new float[features];
        // A gray image's samples as stored: getRGB would pass them through a gamma conversion.
        java.awt.image.Raster raster = img.getRaster();
        boolean gray = raster.getNumBands() <= 2 && img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                int r, g, b;
                if (gray) {
                    r = g = b = raster.getSample(xx, y, 0) >> shift;
                } else {
                    int rgb = img.getRGB(xx, y);
                    r = rgb >> 16 & 0xff;
                    g = rgb >> 8 & 0xff;
                    b = rgb & 0xff;
                }
                int at = y * w + xx;
                if (c == 1) {
                    x[at] = prep.apply(0, (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b));
                } else {
                    int[] v = {r, g, b};
                    for (int ch = 0; ch < c; ch++) x[ch * plane + at] = prep.apply(ch, v[Math.min(ch, 2)]);
                }
            }
        }
        return new Input(file.toString(), -1, x);
    }

    private static double[] softmax(float[] z, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, z[off + i]);
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(z[off + i] - max);
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }

    private static int[] order(double[] p, int k) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < p.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[b], p[a]) != 0 ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }
}
