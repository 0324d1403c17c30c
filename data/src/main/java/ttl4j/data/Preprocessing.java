package ttl4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ttl4j.engine.io.Json;

/**
 * How bytes become network inputs: {@code x = (pixel * scale - mean[c]) / std[c]} for channel c,
 * computed in float as {@code fma(pixel, scale / std[c], -mean[c] / std[c])} ({@link #apply}).
 * Kept with a checkpoint (see {@link #toJson()}) so the same preparation can be applied at eval time.
 *
 * @param scale multiplier of the raw 0..255 byte (1/255 maps to [0, 1])
 * @param mean  per-channel mean subtracted after scaling
 * @param std   per-channel divisor after subtracting the mean (all positive)
 */
public record Preprocessing(double scale, double[] mean, double[] std) {

    public Preprocessing {
        if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("preprocessing scale must be positive and finite, got " + scale);
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("preprocessing needs one mean and one std per channel, got " + mean.length
                    + " means and " + std.length + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || Double.isInfinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("preprocessing channel " + c + ": mean " + mean[c] + ", std " + std[c]
                        + " (std must be positive, both finite)");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Pixels scaled to [0, 1], nothing subtracted. */
    public static Preprocessing unitRange(int channels) {
        double[] m = new double[channels];
        double[] s = new double[channels];
        Arrays.fill(s, 1);
        return new Preprocessing(1.0 / 255, m, s);
    }

    /** Pixels scaled to [0, 1], then standardised with the dataset's own per-channel mean and std. */
    public static Preprocessing standardize(Dataset ds) {
        int c = ds.channels();
        int plane = ds.height() * ds.width();
        long[][] hist = new long[c][256];
        byte[] img = ds.images();
        int f = ds.features();
        for (int i = 0; i < ds.size(); i++) {
            int base = i * f;
            for (int k = 0; k < f; k++) hist[k / plane][img[base + k] & 0xff]++;
        }
        double[] mean = new double[c];
        double[] std = new double[c];
        double scale = 1.0 / 255;
        for (int ch = 0; ch < c; ch++) {
            double n = 0;
            double s = 0;
            double s2 = 0;
            for (int v = 0; v < 256; v++) {
                double x = v * scale;
                n += hist[ch][v];
                s += hist[ch][v] * x;
                s2 += hist[ch][v] * x * x;
            }
            double m = n > 0 ? s / n : 0;
            double var = n > 0 ? Math.max(0, s2 / n - m * m) : 1;
            mean[ch] = m;
            std[ch] = var > 0 ? Math.sqrt(var) : 1;
        }
        return new Preprocessing(scale, mean, std);
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * Per channel c, the float multiplier {@code scale / std[c]} of {@link #apply}; with
     * {@link #floatShifts()} a pixel becomes {@code fma(pixel, a_c, b_c)} in float, one rounding
     * away from the exact {@code (pixel * scale - mean[c]) / std[c]} (tested within 2 ulps), and the
     * same bits on every path.
     */
    public float[] floatScales() {
        float[] a = new float[std.length];
        for (int c = 0; c < a.length; c++) a[c] = (float) (scale / std[c]);
        return a;
    }

    /** Per channel c, the float shift {@code -mean[c] / std[c]} (see {@link #floatScales()}). */
    public float[] floatShifts() {
        float[] b = new float[std.length];
        for (int c = 0; c < b.length; c++) b[c] = (float) (-mean[c] / std[c]);
        return b;
    }

    /** One pixel value of channel c as the network sees it (the arithmetic of the batch conversion). */
    public float apply(int c, int pixel) {
        return Math.fma((float) pixel, (float) (scale / std[c]), (float) (-mean[c] / std[c]));
    }

    /**
     * Compact JSON, e.g. {@code {"scale":0.00392156862745098,"mean":[0.0],"std":[1.0]}}: the keys in
     * this order, numbers as {@link Double#toString}. Checkpoints hold this text, so it must not change.
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", scale);
        m.put("mean", list(mean));
        m.put("std", list(std));
        return Json.write(m);
    }

    /** Parses what {@link #toJson()} writes (any key order, any JSON whitespace). */
    public static Preprocessing fromJson(String json) {
        Object v;
        try {
            v = Json.parse(json);
        } catch (Json.ParseException e) {
            throw new IllegalArgumentException("not a preprocessing record (" + e.getMessage() + " at character " + e.offset()
                    + "): " + json, e);
        }
        if (!(v instanceof Map<?, ?> m) || !m.keySet().equals(Set.of("scale", "mean", "std"))) {
            throw new IllegalArgumentException("not a preprocessing record (expected an object with scale, mean and std): " + json);
        }
        if (!(m.get("scale") instanceof Number scale)) {
            throw new IllegalArgumentException("preprocessing record: scale is not a number: " + json);
        }
        return new Preprocessing(scale.doubleValue(), numbers(m.get("mean"), "mean", json), numbers(m.get("std"), "std", json));
    }

    private static double[] numbers(Object v, String key, String json) {
        if (!(v instanceof List<?> l)) throw new IllegalArgumentException("preprocessing record: " + key + " is not a list: " + json);
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(l.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("preprocessing record: " + key + "[" + i + "] is not a number: " + json);
            }
            r[i] = n.doubleValue();
        }
        return r;
    }

    private static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double d : a) l.add(d);
        return l;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && Double.compare(p.scale, scale) == 0 && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale) * 31 * 31 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
