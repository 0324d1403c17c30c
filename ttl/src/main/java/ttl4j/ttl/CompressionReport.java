package ttl4j.ttl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import ttl4j.nn.Dense;
import ttl4j.nn.Layer;
import ttl4j.nn.Param;
import ttl4j.nn.Sequential;

/**
 * Parameter counts of a network, layer by layer, against the dense network it stands for: each
 * {@link CompressedLayer} is compared with the {@code J x I} dense layer it replaces, a
 * {@link Dense} layer with itself. Weights and biases are counted separately; the compression
 * ratio of a row is dense weights / weights (biases are the same in both and not counted).
 */
public final class CompressionReport {

    /**
     * One layer with parameters ({@code index} as in the model's {@code layers.<i>.} names), or the
     * whole network ({@code index == -1}).
     */
    public record Row(int index, String layer, long denseWeights, long weights, long biases) {
        /** Dense weights / weights (1 for a dense layer). */
        public double ratio() {
            return weights == 0 ? 1 : (double) denseWeights / weights;
        }
    }

    private final List<Row> rows;
    private final Row total;

    private CompressionReport(List<Row> rows) {
        this.rows = Collections.unmodifiableList(rows);
        long dw = 0, w = 0, b = 0;
        for (Row r : rows) {
            dw += r.denseWeights();
            w += r.weights();
            b += r.biases();
        }
        this.total = new Row(-1, "network", dw, w, b);
    }

    /** The report of {@code model}: one row per layer with parameters. */
    public static CompressionReport of(Sequential model) {
        List<Row> rows = new ArrayList<>();
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l.params().isEmpty()) continue;
            if (l instanceof CompressedLayer c) {
                rows.add(new Row(i, l.spec(), c.denseWeightCount(), c.weightCount(), c.biasCount()));
            } else {
                // Parameters named "bias" are biases; everything else counts as weights the dense
                // network has too (a Dense layer compresses nothing).
                long w = 0, b = 0;
                for (Param p : l.params()) {
                    if (p.name().equals("bias") || p.name().endsWith(".bias")) b += p.size();
                    else w += p.size();
                }
                rows.add(new Row(i, l.spec(), w, w, b));
            }
        }
        return new CompressionReport(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /** The whole network: the sums of the rows. */
    public Row total() {
        return total;
    }

    /** The rows and the total as an aligned text table. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-5s %-34s %14s %12s %8s %12s%n", "layer", "spec", "dense weights", "weights",
                "biases", "compression"));
        for (Row r : rows) append(sb, String.valueOf(r.index()), r);
        append(sb, "all", total);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String idx, Row r) {
        String spec = r.layer().length() > 34 ? r.layer().substring(0, 31) + "..." : r.layer();
        sb.append(String.format(Locale.ROOT, "%-5s %-34s %14d %12d %8d %11.2fx%n", idx, spec, r.denseWeights(), r.weights(),
                r.biases(), r.ratio()));
    }

    @Override
    public String toString() {
        return table();
    }
}
