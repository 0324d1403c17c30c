package ttl4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ttl4j.engine.io.Json;
import ttl4j.nn.Layer;
import ttl4j.nn.Param;
import ttl4j.nn.Sequential;
import ttl4j.ttl.CompressedLayer;

/**
 * Per layer of a model: type, output shape, parameters and multiply-adds per sample
 * ({@link Layer#multiplyAdds}: dense, ttl and conv; 0 for the elementwise, pooling and reshaping
 * layers); totals; and for each Tucker layer its weights (biases excluded) against those of the dense layer it replaces.
 */
record ModelSummary(String spec, int[] inputShape, List<Row> rows, long parameters, long multiplyAdds) {

    /**
     * One layer; {@code weights} and {@code denseWeights} (biases excluded) are 0 unless the layer stands in
     * for a dense one (a Tucker layer: core and factors against the dense {@code J x I}).
     */
    record Row(int index, String type, String spec, int[] outputShape, long parameters, long multiplyAdds, long weights,
               long denseWeights) {
        double compression() {
            return denseWeights == 0 ? 1 : (double) denseWeights / weights;
        }
    }

    static ModelSummary of(Sequential model, int[] inputShape) {
        List<Row> rows = new ArrayList<>();
        int[] s = inputShape;
        long params = 0, macs = 0;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layer(i);
            long p = 0;
            for (Param q : l.params()) p += q.size();
            long m = l.multiplyAdds(s);
            s = l.outputShape(s);
            String spec = l.spec();
            int paren = spec.indexOf('(');
            CompressedLayer c = l instanceof CompressedLayer cl ? cl : null;
            rows.add(new Row(i, paren < 0 ? spec : spec.substring(0, paren), spec, s, p, m, c == null ? 0 : c.weightCount(),
                    c == null ? 0 : c.denseWeightCount()));
            params += p;
            macs += m;
        }
        return new ModelSummary(model.spec(), inputShape.clone(), rows, params, macs);
    }

    static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int d : s) b.append(b.length() > 0 ? "x" : "").append(d);
        return b.toString();
    }

    /** The table: one line per layer, a totals line, a line per Tucker layer's compression. */
    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s on input %s%n", spec, shape(inputShape)));
        int w = 10;
        for (Row r : rows) w = Math.max(w, r.spec().length());
        w = Math.min(w, 48);
        String fmt = "%-10s %-" + w + "s %-12s %14s %16s%n";
        b.append(String.format(Locale.ROOT, fmt, "layer", "spec", "output", "parameters", "multiply-adds"));
        for (Row r : rows) {
            String sp = r.spec().length() > w ? r.spec().substring(0, w - 3) + "..." : r.spec();
            b.append(String.format(Locale.ROOT, fmt, "layers." + r.index(), sp, shape(r.outputShape()), String.format(Locale.ROOT, "%,d",
                    r.parameters()), String.format(Locale.ROOT, "%,d", r.multiplyAdds())));
        }
        b.append(String.format(Locale.ROOT, fmt, "total", "", "", String.format(Locale.ROOT, "%,d", parameters),
                String.format(Locale.ROOT, "%,d", multiplyAdds)));
        for (String line : compressionLines()) b.append(line).append(System.lineSeparator());
        b.append("(multiply-adds per sample of an inference forward: dense, ttl and conv layers; the others count 0)")
                .append(System.lineSeparator());
        return b.toString();
    }

    /** For each Tucker layer: its weights against the dense layer's. */
    List<String> compressionLines() {
        List<String> l = new ArrayList<>();
        for (Row r : rows) {
            if (r.denseWeights() == 0) continue;
            l.add(String.format(Locale.ROOT, "layers.%d %s: %,d weights instead of the %,d of the dense layer it replaces, %.2fx fewer "
                    + "(biases, %,d in both, not counted)", r.index(), r.type(), r.weights(), r.denseWeights(), r.compression(),
                    r.parameters() - r.weights()));
        }
        return l;
    }

    /** The compact form printed by {@code ttl train}: totals, then the Tucker layers' compression. */
    String compact() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "model: %d layers, %,d parameters, %,d multiply-adds per sample%n",
                rows.size(), parameters, multiplyAdds));
        for (String line : compressionLines()) b.append("  ").append(line).append(System.lineSeparator());
        return b.toString();
    }

    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", spec);
        m.put("input_shape", inputShape);
        List<Object> ls = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", "layers." + r.index());
            o.put("type", r.type());
            o.put("spec", r.spec());
            o.put("output_shape", r.outputShape());
            o.put("parameters", r.parameters());
            o.put("multiply_adds", r.multiplyAdds());
            if (r.denseWeights() > 0) {
                o.put("weights", r.weights());
                o.put("dense_weights", r.denseWeights());
                o.put("compression", r.compression());
            }
            ls.add(o);
        }
        m.put("layers", ls);
        m.put("parameters", parameters);
        m.put("multiply_adds", multiplyAdds);
        return Json.write(m);
    }
}
