package ttl4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a training step's time goes: nanoseconds accumulated per part of the step ({@code data},
 * {@code zero_grad}, {@code forward <kind>}, {@code loss}, {@code backward <kind>}, {@code guard} (the
 * divergence check), {@code update}), with {@code <kind>} the layer's spec word ({@code conv},
 * {@code bn}, {@code dense}, {@code ttl}, ...), and per layer of the model ({@link #layerForwardSeconds},
 * {@link #layerBackwardSeconds}). Filled by a {@link Trainer} given one with
 * {@link Trainer#profile}, which also times whole steps; the parts are read with {@link System#nanoTime}
 * around each layer call, so the kernels inside are untouched. Not thread-safe: one trainer at a time.
 *
 * <p>Cost: two clock reads per layer per pass plus about a dozen per step; {@link #clockReadNanos}
 * measures one read, and {@link #overheadPerStepSeconds} multiplies it out.
 */
public final class StepProfile {
    private final Map<String, long[]> parts = new LinkedHashMap<>();
    private long steps, stepNanos, clockReads, samples;
    private int maxBatch;
    /** Nanoseconds per layer index of the model, forward and backward. */
    private long[] layerForward = new long[0], layerBackward = new long[0];

    /** Adds {@code nanos} to part {@code key}. */
    public void add(String key, long nanos) {
        long[] t = parts.computeIfAbsent(key, k -> new long[1]);
        t[0] += nanos;
        clockReads += 2;
    }

    /** Adds {@code nanos} to part {@code key} and to layer {@code layer}'s forward (or backward) time. */
    void addLayer(int layer, boolean backward, String key, long nanos) {
        add(key, nanos);
        if (layer >= layerForward.length) {
            layerForward = java.util.Arrays.copyOf(layerForward, layer + 1);
            layerBackward = java.util.Arrays.copyOf(layerBackward, layer + 1);
        }
        (backward ? layerBackward : layerForward)[layer] += nanos;
    }

    /** One whole step of {@code nanos} on {@code batch} samples done. */
    void step(long nanos, int batch) {
        steps++;
        stepNanos += nanos;
        samples += batch;
        maxBatch = Math.max(maxBatch, batch);
        clockReads += 2;
    }

    /** Forgets everything recorded (after warm-up steps, say). */
    public void reset() {
        parts.clear();
        steps = stepNanos = clockReads = samples = 0;
        maxBatch = 0;
        layerForward = new long[0];
        layerBackward = new long[0];
    }

    public long steps() {
        return steps;
    }

    /** Mean samples per profiled step (the last batch of an epoch may be smaller than the others). */
    public double samplesPerStep() {
        return steps == 0 ? Double.NaN : (double) samples / steps;
    }

    /** The largest batch profiled: the batch size of the run. */
    public int batchSize() {
        return maxBatch;
    }

    /** Mean seconds per step of each layer's forward, by layer index (0 for a layer never timed). */
    public double[] layerForwardSeconds() {
        return perStep(layerForward);
    }

    /** Mean seconds per step of each layer's backward, by layer index (0 for a layer whose backward did not run). */
    public double[] layerBackwardSeconds() {
        return perStep(layerBackward);
    }

    private double[] perStep(long[] nanos) {
        double[] s = new double[nanos.length];
        for (int i = 0; i < s.length; i++) s[i] = steps == 0 ? 0 : nanos[i] / 1e9 / steps;
        return s;
    }

    /** Mean seconds per step of each part, in the order first recorded, then {@code other} (the rest of the step). */
    public Map<String, Double> secondsPerStep() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (steps == 0) return m;
        long sum = 0;
        for (Map.Entry<String, long[]> e : parts.entrySet()) {
            m.put(e.getKey(), e.getValue()[0] / 1e9 / steps);
            sum += e.getValue()[0];
        }
        m.put("other", Math.max(0, stepNanos - sum) / 1e9 / steps);
        return m;
    }

    /** Mean seconds of a whole profiled step. */
    public double stepSeconds() {
        return steps == 0 ? Double.NaN : stepNanos / 1e9 / steps;
    }

    /** Clock reads per profiled step. */
    public double clockReadsPerStep() {
        return steps == 0 ? Double.NaN : (double) clockReads / steps;
    }

    /** The estimated cost of the profiling itself per step: clock reads per step times {@link #clockReadNanos}. */
    public double overheadPerStepSeconds() {
        return clockReadsPerStep() * clockReadNanos() / 1e9;
    }

    /** Nanoseconds one {@link System#nanoTime} read takes here (median of a few runs of 200,000 reads). */
    public static double clockReadNanos() {
        double[] runs = new double[5];
        long sink = 0;
        for (int r = 0; r < runs.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 200_000; i++) sink += System.nanoTime();
            runs[r] = (System.nanoTime() - t0) / 200_000.0;
        }
        if (sink == 42) System.out.print("");
        java.util.Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    /** The spec word of a layer: {@code conv(64,k=3,p=1)} -> {@code conv}. */
    static String kind(Layer l) {
        String s = l.spec();
        int p = s.indexOf('(');
        return p < 0 ? s : s.substring(0, p);
    }
}
