package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ttl4j.engine.io.Json;
import ttl4j.nn.Layer;
import ttl4j.nn.Sequential;
import ttl4j.nn.StepProfile;

/**
 * Where a training step's time goes, as {@code ttl bench train --profile} and {@code ttl train
 * --profile} print it: milliseconds per step and share by part (forward and backward per layer kind,
 * loss, zeroing, guard, update, data), the timer's own clock reads and their cost; then per layer of
 * the model its forward and backward time, multiply-adds, GFLOPS and the algorithm its passes run
 * ({@link Layer#work}). {@code unprofiledStep} is the step time measured without the timer (NaN when
 * there is none).
 */
public final class ProfileReport {
    private ProfileReport() {}

    /** One layer's row: seconds per step, multiply-adds per step (at the profiled batches) and the algorithm. */
    record Row(int index, String spec, double forwardS, double backwardS, double forwardMacs, double backwardMacs, String algorithm) {
        /** 2 x multiply-adds / time, in GFLOPS; NaN when the layer does no counted multiply-adds or took no time. */
        static double gflops(double macs, double s) {
            return macs > 0 && s > 0 ? 2 * macs / s / 1e9 : Double.NaN;
        }
    }

    /** The per-layer rows of {@code model} on samples of {@code inputShape}, or none when either is missing. */
    static List<Row> rows(StepProfile p, Sequential model, int[] inputShape) {
        List<Row> rows = new ArrayList<>();
        if (model == null || inputShape == null || p.steps() == 0) return rows;
        double[] fwd = p.layerForwardSeconds(), bwd = p.layerBackwardSeconds();
        int batch = Math.max(1, p.batchSize());
        double scale = p.samplesPerStep() / batch;  // the work is counted at the full batch
        int[] s = inputShape;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layer(i);
            Layer.Work w = l.work(s, batch);
            s = l.outputShape(s);
            double b = i < bwd.length ? bwd[i] : 0;
            rows.add(new Row(i, l.spec(), i < fwd.length ? fwd[i] : 0, b, w.forward() * scale, b > 0 ? w.backward() * scale : 0,
                    w.algorithm()));
        }
        return rows;
    }

    public static void print(java.io.PrintStream out, StepProfile p, double unprofiledStep, Sequential model, int[] inputShape) {
        Map<String, Double> parts = p.secondsPerStep();
        double step = p.stepSeconds();
        out.printf(Locale.ROOT, "profile over %d steps of %s samples: %.3f ms per step with the timer (%s without it)%n", p.steps(),
                batchText(p), 1e3 * step, Double.isFinite(unprofiledStep) ? String.format(Locale.ROOT, "%.3f ms", 1e3 * unprofiledStep)
                        : "not measured");
        out.printf(Locale.ROOT, "  %-18s %10s  %6s%n", "part", "ms/step", "share");
        for (Map.Entry<String, Double> e : parts.entrySet()) {
            out.printf(Locale.ROOT, "  %-18s %10.3f  %5.1f%%%n", e.getKey(), 1e3 * e.getValue(), 100 * e.getValue() / step);
        }
        double read = StepProfile.clockReadNanos();
        out.printf(Locale.ROOT, "  timer: %.0f clock reads per step at %.1f ns = %.4f ms per step (%.3f%%)%n",
                p.clockReadsPerStep(), read, p.clockReadsPerStep() * read / 1e6, 100 * p.clockReadsPerStep() * read / 1e9 / step);
        List<Row> rows = rows(p, model, inputShape);
        if (rows.isEmpty()) return;
        out.println("per layer (ms per step; GFLOPS = 2 x multiply-adds / time, a convolution's multiply-adds counted as the direct "
                + "algorithm's; algorithm of a conv: forward / input gradient / weight gradient):");
        out.printf(Locale.ROOT, "  %-10s %11s %7s %12s %7s %6s  %s%n", "layer", "forward ms", "GFLOPS", "backward ms", "GFLOPS", "share",
                "spec (algorithm)");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "  %-10s %11.3f %7s %12.3f %7s %5.1f%%  %s%s%n", "layers." + r.index(), 1e3 * r.forwardS(),
                    gflopsText(Row.gflops(r.forwardMacs(), r.forwardS())), 1e3 * r.backwardS(),
                    gflopsText(Row.gflops(r.backwardMacs(), r.backwardS())), 100 * (r.forwardS() + r.backwardS()) / step, r.spec(),
                    r.algorithm().isEmpty() ? "" : " (" + r.algorithm() + ")");
        }
    }

    private static String batchText(StepProfile p) {
        double mean = p.samplesPerStep();
        return mean == p.batchSize() ? Integer.toString(p.batchSize())
                : String.format(Locale.ROOT, "%d (mean %.1f)", p.batchSize(), mean);
    }

    private static String gflopsText(double g) {
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%.1f", g);
    }

    public static String json(StepProfile p, double unprofiledStep, Sequential model, int[] inputShape) {
        StringBuilder sb = new StringBuilder("{");
        double read = StepProfile.clockReadNanos();
        sb.append(String.format(Locale.ROOT, "\"steps\":%d,\"batch_size\":%d,\"samples_per_step\":%s,\"step_s\":%s,\"unprofiled_step_s\":%s,"
                        + "\"clock_reads_per_step\":%.1f,\"clock_read_ns\":%.2f,\"timer_overhead_step_s\":%s,\"parts_s\":{",
                p.steps(), p.batchSize(), Json.number(p.samplesPerStep(), 2), Json.number(p.stepSeconds(), 6),
                Json.number(unprofiledStep, 6), p.clockReadsPerStep(), read, Json.number(p.clockReadsPerStep() * read / 1e9, 8)));
        boolean first = true;
        for (Map.Entry<String, Double> e : p.secondsPerStep().entrySet()) {
            sb.append(first ? "" : ",").append(Json.write(e.getKey())).append(':').append(Json.number(e.getValue(), 6));
            first = false;
        }
        sb.append("},\"layers\":[");
        first = true;
        for (Row r : rows(p, model, inputShape)) {
            sb.append(first ? "" : ",").append(String.format(Locale.ROOT, "{\"layer\":\"layers.%d\",\"spec\":%s,\"forward_s\":%s,"
                            + "\"backward_s\":%s,\"forward_multiply_adds\":%.0f,\"backward_multiply_adds\":%.0f,\"forward_gflops\":%s,"
                            + "\"backward_gflops\":%s,\"algorithm\":%s}", r.index(), Json.write(r.spec()), Json.number(r.forwardS(), 7),
                    Json.number(r.backwardS(), 7), r.forwardMacs(), r.backwardMacs(), Json.number(Row.gflops(r.forwardMacs(), r.forwardS()), 4),
                    Json.number(Row.gflops(r.backwardMacs(), r.backwardS()), 4), Json.write(r.algorithm())));
            first = false;
        }
        return sb.append("]}").toString();
    }
}
