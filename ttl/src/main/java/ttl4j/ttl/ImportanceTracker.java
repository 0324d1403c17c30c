package ttl4j.ttl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import ttl4j.engine.Tensor;
import ttl4j.nn.Layer;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;

/**
 * Feature importance accumulated over a training run ({@code docs/tucker-layer.md}, "Importance
 * of the input features"): for every Tucker layer of a {@link Sequential} and every input mode {@code n}, the sum
 * over steps of the squared norm of each row of {@code dA_n}, per epoch and in total. Row {@code i}
 * of {@code dA_n} depends only on slice {@code i} of the input along mode {@code n}, so a slice that
 * carries no signal accumulates little and a constant-zero slice exactly nothing.
 *
 * <p>Cost per step: one pass over the input factor gradients ({@code sum_n I_n R_n} numbers, 280 for
 * {@code ttl-mnist}), negligible beside the step. Use: {@code ImportanceTracker t = ImportanceTracker.attach(trainer);}
 * then after {@code fit}, {@code t.writeCsv(dir.resolve("importance.csv"))}. A resumed run tracks
 * from where it resumed only.
 */
public final class ImportanceTracker implements TrainingCallback {
    public static final String CSV_HEADER = "epoch,layer,mode,index,sq_norm,share";

    /** One input mode of one Tucker layer: {@code layer} is the parameter prefix, e.g. {@code layers.0}. */
    private record Site(String layer, int mode, int size, Tensor grad) {}

    /** Completed epoch {@code epoch} (1-based): accumulated squared row norms per site. */
    public record Epoch(int epoch, long steps, List<double[]> sqNorms) {}

    private final List<Site> sites;
    private final double[][] current, total;
    private final List<Epoch> epochs = new ArrayList<>();
    private long currentSteps, totalSteps;

    /** Tracks every Tucker layer among {@code model}'s layers; throws when there is none. */
    public ImportanceTracker(Sequential model) {
        List<Site> s = new ArrayList<>();
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof TuckerLayer t) {
                for (int n = 0; n < t.inShape().length; n++) s.add(new Site("layers." + i, n, t.inShape()[n], t.inFactor(n).grad()));
            }
        }
        if (s.isEmpty()) throw new IllegalArgumentException("importance tracking needs a model with a ttl layer; " + model.spec() + " has none");
        this.sites = Collections.unmodifiableList(s);
        this.current = new double[s.size()][];
        this.total = new double[s.size()][];
        for (int k = 0; k < s.size(); k++) {
            current[k] = new double[s.get(k).size()];
            total[k] = new double[s.get(k).size()];
        }
    }

    /** Creates a tracker for the trainer's model and registers it as a callback: the one call a command needs. */
    public static ImportanceTracker attach(Trainer trainer) {
        ImportanceTracker t = new ImportanceTracker(trainer.model());
        trainer.addCallback(t);
        return t;
    }

    /** Whether {@code model} has a Tucker layer to track. */
    public static boolean applies(Sequential model) {
        for (Layer l : model.layers()) if (l instanceof TuckerLayer) return true;
        return false;
    }

    @Override
    public void onBackward(Sequential model, int epoch, int step) {
        accumulate();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        List<double[]> snap = new ArrayList<>(sites.size());
        for (double[] c : current) {
            snap.add(c.clone());
            java.util.Arrays.fill(c, 0);
        }
        epochs.add(new Epoch(m.epoch(), currentSteps, Collections.unmodifiableList(snap)));
        currentSteps = 0;
    }

    /** Adds the squared row norms of the current factor gradients (what one training step contributes). */
    public void accumulate() {
        for (int k = 0; k < sites.size(); k++) {
            Tensor g = sites.get(k).grad();
            float[] d = g.data();
            int rows = g.dim(0), cols = g.dim(1), off = g.offset();
            double[] c = current[k], t = total[k];
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = off + i * cols, e = j + cols; j < e; j++) s += (double) d[j] * d[j];
                c[i] += s;
                t[i] += s;
            }
        }
        currentSteps++;
        totalSteps++;
    }

    /** Completed epochs, in order. */
    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Accumulated squared row norms of site {@code k} over every tracked step (a copy). */
    public double[] total(int k) {
        return total[k].clone();
    }

    /** Site index of {@code mode} of the first tracked layer (the usual case: one Tucker layer). */
    public int site(int mode) {
        for (int k = 0; k < sites.size(); k++) if (sites.get(k).mode() == mode) return k;
        throw new IllegalArgumentException("no tracked input mode " + mode + "; sites: " + sites.size());
    }

    public long steps() {
        return totalSteps;
    }

    /** {@code v} divided by its sum (all zeros when the sum is zero). */
    public static double[] shares(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        double[] r = new double[v.length];
        if (s > 0) for (int i = 0; i < v.length; i++) r[i] = v[i] / s;
        return r;
    }

    /** Indices of {@code v} from largest to smallest (ties by index). */
    public static int[] ranking(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> v[a] != v[b] ? Double.compare(v[b], v[a]) : Integer.compare(a, b));
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = idx[i];
        return r;
    }

    /**
     * Writes {@value #CSV_HEADER}: a row per completed epoch, layer, mode and index, then the same
     * with {@code epoch} = {@code total}; {@code share} is the squared norm over its mode's sum.
     */
    public void writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Epoch e : epochs) rows(sb, Integer.toString(e.epoch()), e.sqNorms());
        rows(sb, "total", java.util.Arrays.asList(total));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void rows(StringBuilder sb, String epoch, List<double[]> values) {
        for (int k = 0; k < sites.size(); k++) {
            double[] v = values.get(k), sh = shares(v);
            Site s = sites.get(k);
            for (int i = 0; i < v.length; i++) {
                sb.append(epoch).append(',').append(s.layer()).append(',').append(s.mode()).append(',').append(i).append(',')
                        .append(String.format(Locale.ROOT, "%.9g,%.9g", v[i], sh[i])).append('\n');
            }
        }
    }
}
