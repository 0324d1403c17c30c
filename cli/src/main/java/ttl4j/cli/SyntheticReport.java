package ttl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import ttl4j.cli.plot.Charts;
import ttl4j.engine.io.Json;
import ttl4j.nn.TrainingCallback;
import ttl4j.ttl.SyntheticExperiment;
import ttl4j.ttl.SyntheticExperiment.Options;
import ttl4j.ttl.SyntheticExperiment.Result;

/**
 * Runs the {@link SyntheticExperiment} for {@code ttl reproduce synthetic} (the main run, the same run
 * over several seeds, and a sweep over noise levels), draws {@code importance-rows.png},
 * {@code importance-cols.png} (informative features highlighted), {@code importance-map.png} (row x
 * column importance beside the class-mean magnitude), {@code curves.png} and
 * {@code precision-vs-noise.png}, and formats the results as markdown and JSON (which
 * ReproduceCommand prints and writes as {@code results.md} and {@code results.json}).
 */
public final class SyntheticReport {
    private SyntheticReport() {}

    /** What to run: the main run's options, the noise levels of the sweep, the seeds of the robustness check. */
    public record Plan(Options options, double[] noises, long[] seeds) {}

    /** Everything that was run. */
    public record Report(Result main, List<Result> seeds, List<Result> sweep) {}

    public static Plan defaults() {
        return new Plan(Options.defaults(), SyntheticExperiment.defaultNoises(), new long[] {1, 2, 3, 4, 5});
    }

    /** The PNGs {@link #execute} writes. */
    static final List<String> CHARTS = List.of("importance-rows.png", "importance-cols.png", "importance-map.png", "curves.png",
            "precision-vs-noise.png");

    /** Runs the plan and writes the charts into {@code dir}, logging one line per run to {@code log}. */
    static Report execute(Plan plan, Path dir, PrintStream log) throws IOException {
        Files.createDirectories(dir);
        Options o = plan.options();
        log.printf(Locale.ROOT, "synthetic: %dx%d inputs, %d classes, informative rows %s and columns %s, %s, %d train samples, %d epochs%n",
                o.side(), o.side(), o.classes(), Arrays.toString(o.informativeRows()), Arrays.toString(o.informativeCols()), o.modelSpec(),
                o.trainSamples(), o.epochs());
        Result main = logged(SyntheticExperiment.run(o), log);
        List<Result> seeds = new ArrayList<>();
        for (long s : plan.seeds()) seeds.add(s == o.seed() ? main : logged(SyntheticExperiment.run(o.withSeed(s)), log));
        List<Result> sweep = new ArrayList<>();
        for (double n : plan.noises()) sweep.add(n == o.noise() ? main : logged(SyntheticExperiment.run(o.withNoise(n)), log));
        Report r = new Report(main, seeds, sweep);
        writeCharts(r, dir);
        return r;
    }

    private static Result logged(Result x, PrintStream log) {
        log.printf(Locale.ROOT, "  noise %s, seed %d: test accuracy %.3f, precision@k %.2f (%.1f s)%n", fmt(x.options().noise()),
                x.options().seed(), x.testAccuracy(), x.precision(), x.seconds());
        return x;
    }

    static void writeCharts(Report r, Path dir) throws IOException {
        Result m = r.main();
        Options o = m.options();
        String cond = String.format(Locale.ROOT, "noise %.3g, seed %d", o.noise(), o.seed());
        Charts.bars(dir.resolve("importance-rows.png"), "Row importance (mode 0), " + cond, "row",
                "share of accumulated squared gradient", m.rowImportance(), mask(o.side(), o.informativeRows()), "informative row",
                1.0 / o.side(), "uniform share 1/" + o.side());
        Charts.bars(dir.resolve("importance-cols.png"), "Column importance (mode 1), " + cond, "column",
                "share of accumulated squared gradient", m.colImportance(), mask(o.side(), o.informativeCols()), "informative column",
                1.0 / o.side(), "uniform share 1/" + o.side());
        float[][] means = SyntheticExperiment.classMeans(o);
        float[] signal = new float[o.side() * o.side()];
        for (float[] c : means) for (int j = 0; j < signal.length; j++) signal[j] += Math.abs(c[j]) / means.length;
        Charts.importanceMap(dir.resolve("importance-map.png"), "Synthetic " + o.side() + " x " + o.side() + ": learned importance (row share x column share) vs truth ("
                + cond + ")", m.rowImportance(), m.colImportance(), signal, "truth: mean |class mean|");
        List<TrainingCallback.EpochMetrics> eps = m.epochs();
        int n = eps.size();
        double[] e = new double[n], tl = new double[n], vl = new double[n], ta = new double[n], va = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = eps.get(i).epoch();
            tl[i] = eps.get(i).trainLoss();
            vl[i] = eps.get(i).evalLoss();
            ta[i] = eps.get(i).trainAccuracy();
            va[i] = eps.get(i).evalAccuracy();
        }
        Charts.curves(dir.resolve("curves.png"), "Synthetic run: " + o.modelSpec(), e, tl, vl, ta, va);
        int s = r.sweep().size();
        double[] noise = new double[s], pg = new double[s], pf = new double[s], acc = new double[s];
        for (int i = 0; i < s; i++) {
            Result x = r.sweep().get(i);
            noise[i] = x.options().noise();
            pg[i] = x.precision();
            pf[i] = x.factorPrecision();
            acc[i] = x.testAccuracy();
        }
        Charts.lines(dir.resolve("precision-vs-noise.png"), "Precision@k of the feature ranking as noise grows (amplitude "
                        + fmt(o.amplitude()) + ")", "noise standard deviation", "precision@k (rows and columns) / accuracy",
                List.of(new Charts.Series("gradient importance", noise, pg), new Charts.Series("factor-row norm", noise, pf),
                        new Charts.Series("test accuracy", noise, acc)), 0, 1.05, chancePrecision(o),
                String.format(Locale.ROOT, "chance %.3g (random ranking)", chancePrecision(o)));
    }

    /**
     * The expected precision@k of a random ranking, with precision@k over rows and columns weighted
     * as {@link Result#precision} weighs them: k_r/n of the top k_r rows are informative on average,
     * k_c/n of the top k_c columns.
     */
    static double chancePrecision(Options o) {
        double kr = o.informativeRows().length, kc = o.informativeCols().length, n = o.side();
        return (kr * kr / n + kc * kc / n) / (kr + kc);
    }

    /**
     * The rows and columns whose accumulated gradient is exactly zero (their share is zero): the
     * factor rows of those features kept their initialisation (Adam, no weight decay), so their
     * factor-row norm ranks them by initialisation only.
     */
    static List<String> gradientFreeNotes(Result x) {
        List<String> notes = new ArrayList<>();
        int[] rows = GradientFreeRows.zeros(x.rowImportance()), cols = GradientFreeRows.zeros(x.colImportance());
        if (rows.length > 0) notes.add(new GradientFreeRows.Rows(null, 0, rows).note(false));
        if (cols.length > 0) notes.add(new GradientFreeRows.Rows(null, 1, cols).note(false));
        return notes;
    }

    private static boolean[] mask(int n, int[] idx) {
        boolean[] b = new boolean[n];
        for (int i : idx) b[i] = true;
        return b;
    }

    static String markdown(Report r) {
        Options o = r.main().options();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## ttl reproduce synthetic: %dx%d inputs, %d epochs, seed %d%n%n", o.side(), o.side(),
                o.epochs(), o.seed()));
        sb.append(LocalDate.now()).append("; ").append(ReproduceCommand.machineText()).append(".\n\n");
        sb.append(String.format(Locale.ROOT, "Inputs %dx%d, %d classes; class means +-%s on rows %s x columns %s, zero elsewhere; "
                        + "Gaussian noise of the same standard deviation on every entry. Network `%s`, Adam lr %s, batch %d, %d epochs, "
                        + "%d training and %d test samples. Importance: accumulated squared row norms of dL/dA_n over the run "
                        + "(ImportanceTracker); k = %d informative rows and %d columns; chance precision@k = %s.%n%n",
                o.side(), o.side(), o.classes(), fmt(o.amplitude()), Arrays.toString(o.informativeRows()), Arrays.toString(o.informativeCols()),
                o.modelSpec(), fmt(o.lr()), o.batchSize(), o.epochs(), o.trainSamples(), o.testSamples(), o.informativeRows().length,
                o.informativeCols().length, fmt(chancePrecision(o))));
        sb.append("### Noise sweep (seed ").append(o.seed()).append(")\n\n");
        table(sb, r.sweep(), true);
        sb.append("\n### Seeds at noise ").append(fmt(o.noise())).append("\n\n");
        table(sb, r.seeds(), false);
        for (Result x : r.sweep()) {
            for (String note : gradientFreeNotes(x)) sb.append("\nNoise ").append(fmt(x.options().noise())).append(", ").append(note).append(".\n");
        }
        sb.append("\nCharts: ");
        for (int i = 0; i < CHARTS.size(); i++) sb.append(i > 0 ? ", " : "").append('[').append(CHARTS.get(i)).append("](").append(CHARTS.get(i)).append(')');
        sb.append(".\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<Result> rs, boolean byNoise) {
        sb.append(byNoise ? "| noise " : "| seed ").append("| test acc | P@k rows | P@k cols | P@k (grad) | P@k (factor norm) |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Result x : rs) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f | %.2f | %.2f | %.2f |%n",
                    byNoise ? fmt(x.options().noise()) : Long.toString(x.options().seed()), x.testAccuracy(), x.precisionRows(),
                    x.precisionCols(), x.precision(), x.factorPrecision()));
        }
    }

    static String json(Report r) {
        Options o = r.main().options();
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"experiment\": \"synthetic\",\n");
        sb.append("  \"date\": ").append(Json.write(LocalDate.now().toString())).append(",\n");
        sb.append("  \"machine\": ").append(ReproduceCommand.machineJson()).append(",\n");
        sb.append(String.format(Locale.ROOT, "  \"options\": {\"side\": %d, \"classes\": %d, \"informative_rows\": %s, "
                        + "\"informative_cols\": %s, \"amplitude\": %s, \"noise\": %s, \"model\": %s, \"lr\": %s, \"batch_size\": %d, "
                        + "\"epochs\": %d, \"train_samples\": %d, \"test_samples\": %d, \"seed\": %d},%n", o.side(), o.classes(),
                Arrays.toString(o.informativeRows()), Arrays.toString(o.informativeCols()), fmt(o.amplitude()), fmt(o.noise()),
                Json.write(o.modelSpec()), fmt(o.lr()), o.batchSize(), o.epochs(), o.trainSamples(), o.testSamples(), o.seed()));
        sb.append("  \"main\": ");
        result(sb, r.main());
        sb.append(",\n  \"seeds\": [");
        for (int i = 0; i < r.seeds().size(); i++) {
            sb.append(i > 0 ? ", " : "");
            result(sb, r.seeds().get(i));
        }
        sb.append("],\n  \"sweep\": [");
        for (int i = 0; i < r.sweep().size(); i++) {
            sb.append(i > 0 ? ", " : "");
            result(sb, r.sweep().get(i));
        }
        return sb.append("]\n}\n").toString();
    }

    private static void result(StringBuilder sb, Result x) {
        Options o = x.options();
        sb.append(String.format(Locale.ROOT, "{\"noise\": %s, \"seed\": %d, \"test_accuracy\": %.6f, \"precision_rows\": %.4f, "
                        + "\"precision_cols\": %.4f, \"precision\": %.4f, \"factor_precision\": %.4f, \"seconds\": %.3f, "
                        + "\"row_importance\": %s, \"col_importance\": %s}",
                fmt(o.noise()), o.seed(), x.testAccuracy(), x.precisionRows(), x.precisionCols(), x.precision(), x.factorPrecision(),
                x.seconds(), arr(x.rowImportance()), arr(x.colImportance())));
    }

    private static String arr(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.6g", v[i]));
        return sb.append(']').toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
