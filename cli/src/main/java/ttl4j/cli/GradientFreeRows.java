package ttl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import ttl4j.nn.Layer;
import ttl4j.nn.Sequential;
import ttl4j.ttl.ImportanceTracker;
import ttl4j.ttl.TuckerLayer;

/**
 * Input-factor rows of Tucker layers whose accumulated squared gradient is exactly zero: no step
 * moved them through the loss (their slice of the layer's input was constant zero in every batch),
 * so without weight decay their norm is their initialisation's, and a ranking by factor-row norm
 * says nothing about them. Exact: a single nonzero gradient entry makes the sum positive.
 */
final class GradientFreeRows {
    private GradientFreeRows() {}

    /** The rows of one input mode of one Tucker layer ({@code layer} null: the model's only one). */
    record Rows(String layer, int mode, int[] rows) {
        /**
         * One note line, e.g. {@code layers.0 mode 0 rows 0, 1, 27: initialisation only, received no gradient};
         * {@code decayed} when weight decay moved the rows (then they are not their initialisation).
         */
        String note(boolean decayed) {
            String list = IntStream.of(rows).mapToObj(Integer::toString).collect(Collectors.joining(", "));
            return (layer != null ? layer + " " : "") + "mode " + mode + " row" + (rows.length > 1 ? "s " : " ") + list + ": "
                    + (decayed ? "received no gradient (only weight decay moved them from their initialisation)"
                    : "initialisation only, received no gradient");
        }
    }

    /** Indices {@code i} with {@code totals[i] == 0}. */
    static int[] zeros(double[] totals) {
        return IntStream.range(0, totals.length).filter(i -> totals[i] == 0).toArray();
    }

    /** Per tracked site of {@code t} (the Tucker layers of {@code model} in order, each input mode), the rows that got no gradient. */
    static List<Rows> of(Sequential model, ImportanceTracker t) {
        List<Rows> out = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layer(i);
            if (!(l instanceof TuckerLayer tl)) continue;
            for (int m = 0; m < tl.inShape().length; m++, k++) {
                int[] z = zeros(t.total(k));
                if (z.length > 0) out.add(new Rows("layers." + i, m, z));
            }
        }
        return out;
    }
}
