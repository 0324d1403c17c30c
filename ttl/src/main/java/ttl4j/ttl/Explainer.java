package ttl4j.ttl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ttl4j.engine.Engine;
import ttl4j.engine.Tensor;
import ttl4j.nn.Batch;
import ttl4j.nn.BatchSource;
import ttl4j.nn.Dropout;
import ttl4j.nn.Layer;
import ttl4j.nn.Param;
import ttl4j.nn.Sequential;
import ttl4j.nn.SoftmaxCrossEntropy;

/**
 * The exact gradient of the mean cross-entropy over the first {@code N} samples of a source, for
 * every parameter, and the per-mode feature importance of the Tucker layers it implies.
 *
 * <p>Batches are visited in the source's order (step 0, 1, ... with seed 0); each batch's mean-loss
 * gradient is weighted by its share {@code b / N} of the samples, so the sum is the gradient of the
 * mean over all {@code N} whatever the batch size (up to float rounding). Dropout is off (the
 * gradient of the model as it predicts); every other layer runs its training forward, which keeps
 * what its backward needs.
 */
public final class Explainer {
    private Explainer() {}

    /** Importance of the features of one input mode of one Tucker layer. */
    public record ModeImportance(String layer, int mode, double[] gradNorm, double[] gradShare, double[] factorNorm,
                                 double[] factorShare) {}

    /**
     * {@code grads}: a copy of every parameter's gradient by checkpoint name; {@code meanInput}: the
     * mean prepared input (per-sample shape of the source, flat).
     */
    public record Result(Map<String, Tensor> grads, double loss, double accuracy, int samples, float[] meanInput,
                         List<ModeImportance> modes) {}

    /** Gradients of the mean loss over the first {@code limit} samples of {@code src} (all when {@code limit <= 0}). */
    public static Result explain(Sequential model, BatchSource src, int limit) {
        int n = limit <= 0 ? src.size() : Math.min(limit, src.size());
        if (n == 0) throw new IllegalArgumentException("explain: no samples");
        model.setInputGradNeeded(false);
        model.zeroGrad();
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        int sampleSize = Tensor.sizeOf(src.sampleShape());
        double[] sum = new double[sampleSize];
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        for (int s = 0; s < src.steps() && seen < n; s++) {
            Batch b = src.batch(0, 0, s);
            int take = Math.min(b.size(), n - seen);
            Tensor x = b.inputs();
            int[] labels = b.labels();
            if (take < b.size()) {
                x = x.rows(0, take);
                labels = java.util.Arrays.copyOf(labels, take);
            }
            float[] xd = x.data();
            for (int i = 0, o = x.offset(); i < take; i++, o += sampleSize) {
                for (int j = 0; j < sampleSize; j++) sum[j] += xd[o + j];
            }
            Tensor logits = x;
            for (Layer l : model.layers()) logits = l.forward(logits, !(l instanceof Dropout));
            SoftmaxCrossEntropy.Result r = ce.compute(logits, labels);
            Tensor d = r.dlogits();
            Engine.kernels().scale(d.size(), (float) take / n, d.data(), d.offset(), d.data(), d.offset());
            model.backward(d);
            lossSum += r.loss() * take;
            correct += r.correct();
            seen += take;
        }
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (Param p : model.params()) grads.put(p.name(), p.grad().copy());
        float[] mean = new float[sampleSize];
        for (int j = 0; j < sampleSize; j++) mean[j] = (float) (sum[j] / seen);
        return new Result(grads, lossSum / seen, (double) correct / seen, seen, mean, modeImportance(model));
    }

    /** Row norms of each Tucker layer's input factor gradients (as they are now) and of the factors. */
    public static List<ModeImportance> modeImportance(Sequential model) {
        List<ModeImportance> out = new ArrayList<>();
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (!(layers.get(i) instanceof TuckerLayer t)) continue;
            for (int m = 0; m < t.inShape().length; m++) {
                Param a = t.inFactor(m);
                double[] g = rowNorms(a.grad()), f = rowNorms(a.value());
                out.add(new ModeImportance("layers." + i, m, g, ImportanceTracker.shares(g), f, ImportanceTracker.shares(f)));
            }
        }
        return out;
    }

    /** Euclidean norm of each row of a matrix. */
    public static double[] rowNorms(Tensor a) {
        int rows = a.dim(0), cols = a.dim(1);
        float[] d = a.data();
        double[] r = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = a.offset() + i * cols, e = j + cols; j < e; j++) s += (double) d[j] * d[j];
            r[i] = Math.sqrt(s);
        }
        return r;
    }

    public static final String CSV_HEADER = "layer,mode,index,grad_norm,grad_share,factor_norm,factor_share";

    /** Writes {@value #CSV_HEADER}, one row per layer, mode and feature index. */
    public static void writeCsv(Path file, List<ModeImportance> modes) throws IOException {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (ModeImportance m : modes) {
            for (int i = 0; i < m.gradNorm().length; i++) {
                sb.append(m.layer()).append(',').append(m.mode()).append(',').append(i).append(',').append(String.format(Locale.ROOT,
                        "%.9g,%.9g,%.9g,%.9g", m.gradNorm()[i], m.gradShare()[i], m.factorNorm()[i], m.factorShare()[i])).append('\n');
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
