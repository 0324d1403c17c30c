package ttl4j.cli.bench;

import java.util.Locale;
import java.util.Map;
import ttl4j.engine.io.Json;
import ttl4j.nn.StepProfile;

/**
 * Where a training step's time goes, as {@code ttl bench train --profile} and {@code ttl train
 * --profile} print it: seconds per step and share by part (forward and backward per layer kind,
 * loss, zeroing, guard, update, data), the timer's own clock reads and their cost. {@code
 * unprofiledStep} is the step time measured without the timer (NaN when there is none).
 */
public final class ProfileReport {
    private ProfileReport() {}

    public static void print(java.io.PrintStream out, StepProfile p, double unprofiledStep) {
        Map<String, Double> parts = p.secondsPerStep();
        double step = p.stepSeconds();
        out.printf(Locale.ROOT, "profile over %d steps: %.4f s per step with the timer (%s without it)%n", p.steps(), step,
                Double.isFinite(unprofiledStep) ? String.format(Locale.ROOT, "%.4f s", unprofiledStep) : "not measured");
        for (Map.Entry<String, Double> e : parts.entrySet()) {
            out.printf(Locale.ROOT, "  %-18s %9.4f s  %5.1f%%%n", e.getKey(), e.getValue(), 100 * e.getValue() / step);
        }
        double read = StepProfile.clockReadNanos();
        out.printf(Locale.ROOT, "  timer: %.0f clock reads per step at %.1f ns = %.6f s per step (%.3f%%)%n",
                p.clockReadsPerStep(), read, p.clockReadsPerStep() * read / 1e9, 100 * p.clockReadsPerStep() * read / 1e9 / step);
    }

    public static String json(StepProfile p, double unprofiledStep) {
        StringBuilder sb = new StringBuilder("{");
        double read = StepProfile.clockReadNanos();
        sb.append(String.format(Locale.ROOT, "\"steps\":%d,\"step_s\":%s,\"unprofiled_step_s\":%s,\"clock_reads_per_step\":%.1f,"
                        + "\"clock_read_ns\":%.2f,\"timer_overhead_step_s\":%s,\"parts_s\":{",
                p.steps(), Json.number(p.stepSeconds(), 6), Json.number(unprofiledStep, 6), p.clockReadsPerStep(), read,
                Json.number(p.clockReadsPerStep() * read / 1e9, 8)));
        boolean first = true;
        for (Map.Entry<String, Double> e : p.secondsPerStep().entrySet()) {
            sb.append(first ? "" : ",").append(Json.write(e.getKey())).append(':').append(Json.number(e.getValue(), 6));
            first = false;
        }
        return sb.append("}}").toString();
    }

}
