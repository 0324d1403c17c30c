package ttl4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;

/**
 * Timing and reporting shared by the {@code ttl bench} subcommands: warm up, time repeated runs,
 * report the median (and min, max) as a table or as JSON.
 */
final class BenchHarness {

    /** One measured case. {@code work} is the amount done per run in {@code unit}s (e.g. flops). */
    record Result(String kernel, String shape, int threads, double work, String unit,
                  double medianSeconds, double minSeconds, double maxSeconds, int repeats) {
        /** Throughput at the median time, in giga-units per second (GFLOPS, GB/s). */
        double rate() {
            return work / medianSeconds / 1e9;
        }
    }

    private final double minSeconds;
    private final int minRepeats;
    private final List<Result> results = new ArrayList<>();

    /**
     * @param minSeconds time to spend measuring each case (after an equal warm-up)
     * @param minRepeats at least this many timed runs per case
     */
    BenchHarness(double minSeconds, int minRepeats) {
        this.minSeconds = minSeconds;
        this.minRepeats = minRepeats;
    }

    /** Warms up, then times {@code run} repeatedly; records and returns the result. */
    Result measure(String kernel, String shape, double work, String unit, Runnable run) {
        long warmEnd = System.nanoTime() + (long) (minSeconds * 0.5e9);
        do {
            run.run();
        } while (System.nanoTime() < warmEnd);
        List<Double> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (minSeconds * 1e9);
        while (times.size() < minRepeats || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            run.run();
            times.add((System.nanoTime() - t0) / 1e9);
            if (times.size() >= 100_000) break;
        }
        double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(t);
        double median = t.length % 2 == 1 ? t[t.length / 2] : 0.5 * (t[t.length / 2 - 1] + t[t.length / 2]);
        Result r = new Result(kernel, shape, Parallel.threads(), work, unit, median, t[0], t[t.length - 1], t.length);
        results.add(r);
        return r;
    }

    List<Result> results() {
        return results;
    }

    /** Prints the results as an aligned table with a header naming the JDK and kernels. */
    void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "# java %s, kernels %s, %d thread(s)%n", System.getProperty("java.version"),
                Engine.kernels().name(), Parallel.threads());
        out.printf(Locale.ROOT, "%-14s %-24s %7s %12s %12s %12s %10s%n",
                "kernel", "shape", "threads", "median ms", "min ms", "max ms", "rate");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-14s %-24s %7d %12.3f %12.3f %12.3f %10.1f %s%n", r.kernel(), r.shape(),
                    r.threads(), r.medianSeconds() * 1e3, r.minSeconds() * 1e3, r.maxSeconds() * 1e3,
                    r.rate(), rateUnit(r.unit()));
        }
    }

    /** Prints the results as one JSON object. */
    void printJson(PrintStream out) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"java\":").append(Json.write(System.getProperty("java.version")))
                .append(",\"kernels\":").append(Json.write(Engine.kernels().name()))
                .append(",\"threads\":").append(Parallel.threads())
                .append(",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"kernel\":%s,\"shape\":%s,\"threads\":%d,\"unit\":%s,\"work\":%.0f,"
                            + "\"median_s\":%.9f,\"min_s\":%.9f,\"max_s\":%.9f,\"repeats\":%d,\"rate\":%.3f,\"rate_unit\":%s}",
                    Json.write(r.kernel()), Json.write(r.shape()), r.threads(), Json.write(r.unit()), r.work(),
                    r.medianSeconds(), r.minSeconds(), r.maxSeconds(), r.repeats(), r.rate(),
                    Json.write(rateUnit(r.unit()))));
        }
        sb.append("]}");
        out.println(sb);
    }

    static String rateUnit(String unit) {
        return switch (unit) {
            case "flop" -> "GFLOPS";
            case "byte" -> "GB/s";
            default -> "G" + unit + "/s";
        };
    }
}
