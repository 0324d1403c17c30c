package ttl4j.cli.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import ttl4j.cli.Main;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;

/**
 * Timing and reporting shared by the {@code ttl bench} subcommands: warm up, time repeated runs,
 * report the median, min and max as a table or as JSON ({@link Spread} for the subcommands that
 * repeat whole rounds). (The JMH classes in {@code bench/} time
 * the same workloads with JMH instead.)
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
     * @param minSeconds time to spend measuring each case (after a warm-up of half that)
     * @param minRepeats at least this many timed runs per case
     */
    BenchHarness(double minSeconds, int minRepeats) {
        this.minSeconds = minSeconds;
        this.minRepeats = minRepeats;
    }

    /** Checks a {@code --seconds} value. */
    static double positiveSeconds(double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) throw new Main.UserError("--seconds must be > 0, got " + seconds);
        return seconds;
    }

    /** Checks a count option ({@code --rounds}, {@code --repeats}, {@code --batch}). */
    static int atLeastOne(String option, int value) {
        if (value < 1) throw new Main.UserError(option + " must be >= 1, got " + value);
        return value;
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
        Result r = new Result(kernel, shape, Parallel.threads(), work, unit, median(t), t[0], t[t.length - 1], t.length);
        results.add(r);
        return r;
    }

    List<Result> results() {
        return results;
    }

    /** Default rounds (or timed runs) of every command that repeats a measurement: a median of fewer says little. */
    static final int ROUNDS = 5;

    /** The smallest, the median and the largest of a few measurements (seconds, or a rate). */
    record Spread(double min, double median, double max) {
        static Spread of(double[] x) {
            double[] s = x.clone();
            Arrays.sort(s);
            return new Spread(s[0], BenchHarness.median(s), s[s.length - 1]);
        }

        /** {@code work} per second at each time of this spread of seconds: the fastest time gives the largest rate. */
        Spread rate(double work) {
            return new Spread(work / max, work / median, work / min);
        }

        Spread times(double factor) {
            return new Spread(min * factor, median * factor, max * factor);
        }

        /** {@code median (min-max)}, each number as {@code format} (e.g. {@code %.3f}). */
        String text(String format) {
            return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, min, max);
        }

        /** {@code "<key>":median,"<key>_min":min,"<key>_max":max}, each number as {@code format}. */
        String json(String key, String format) {
            return String.format(Locale.ROOT, "%s:" + format + ",%s:" + format + ",%s:" + format, Json.write(key), median,
                    Json.write(key + "_min"), min, Json.write(key + "_max"), max);
        }
    }

    /** The median of {@code x} (the mean of the two middle values for an even count). */
    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
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
        StringBuilder sb = jsonHeader();
        sb.append(",\"results\":[");
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

    /** The opening of every {@code ttl bench} JSON object: the JDK, the kernels and the thread count, without the closing brace. */
    static StringBuilder jsonHeader() {
        return new StringBuilder("{\"java\":").append(Json.write(System.getProperty("java.version")))
                .append(",\"kernels\":").append(Json.write(Engine.kernels().name()))
                .append(",\"threads\":").append(Parallel.threads());
    }

    static String rateUnit(String unit) {
        return switch (unit) {
            case "flop" -> "GFLOPS";
            case "byte" -> "GB/s";
            default -> "G" + unit + "/s";
        };
    }
}
