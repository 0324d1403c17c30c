package ttl4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.TrainingRun.RunConfig;
import ttl4j.cli.plot.Charts;
import ttl4j.data.Dataset;
import ttl4j.data.Split;
import ttl4j.engine.io.Json;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Dense;
import ttl4j.nn.Layer;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.ttl.CompressionReport;
import ttl4j.ttl.DenseCompression;
import ttl4j.ttl.TuckerLayer;

/**
 * {@code ttl sweep}: one network per rank setting of a grid, trained from scratch ({@code --model})
 * or compressed from a trained dense checkpoint and fine-tuned ({@code --from}, the steps of
 * {@code ttl compress}), with the results table, results.json and the accuracy-against-compression
 * chart rewritten after every setting. {@link #call} lists the steps in order.
 *
 * <p>Resumable: each setting's directory gets its {@code result.json} (written atomically) only when
 * it has finished, and a rerun into the same directory skips those settings; {@code sweep.json}
 * records what the sweep trains, and a rerun with other settings is refused.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one network per rank setting of a grid and chart test accuracy against the compression of the "
                + "Tucker layer.",
                "",
                "From scratch (--model PRESET|SPEC, a model with a ttl layer): the first ttl layer's ranks r and s are replaced "
                        + "by each setting and the network is trained as ttl train trains it; the dense network (that layer "
                        + "replaced by dense(J)) is trained too, for the reference line (--no-dense skips it). "
                        + "Compressed (--from CHECKPOINT, a trained dense network): the dense layer --layer is replaced by the "
                        + "Tucker layer of each setting, initialised from the truncated HOSVD of its weight as ttl compress does, and "
                        + "the network is fine-tuned for --epochs; the reference line is the checkpoint's own accuracy.",
                "",
                "GRID: settings separated by commas, each input ranks:output ranks as in ttl compress --ranks (5x5:10); any rank "
                        + "may be a range A..B (every value) or A..B/K (A, A+K, .. and B), and a setting with ranges stands for "
                        + "every combination: 2..14/4x2..14/4:10 is 16 settings. One input rank means that rank for every input "
                        + "mode (2..14/2:10 sweeps square ranks 2x2 to 14x14). At most " + SweepGrid.MAX_SETTINGS + " settings.",
                "",
                "Writes to DIR: results.md and results.json (every finished setting, sorted by compression: ranks, weights "
                        + "and compression of the layer and of the network, test accuracy, gap to the dense network, seconds, "
                        + "seed; and the highest compression within 1.5 points of the dense network), accuracy.png (test "
                        + "accuracy against layer compression on a log scale, the dense accuracy as a line, the paper's "
                        + "66.63x marked), sweep.json (the sweep's settings) and one directory per setting under settings/ "
                        + "(from scratch a ttl train run directory; compressed, model.safetensors) with its result.json.",
                "",
                "Resume: run the same command again (same --out); finished settings are skipped, an interrupted one is "
                        + "trained again, new settings in the grid are added. One progress line per setting. Every setting "
                        + "trains with the same --seed (recorded in its result).",
                ""},
        footer = {"", "Examples:",
                "  ttl sweep --model ttl-mnist --dataset mnist --ranks 2..14/4x2..14/4:5..20/15 --epochs 10 --out runs/sweep",
                "  ttl sweep --from runs/mlp/model.safetensors --ranks 3:5,5:10,8:20 --epochs 3 --teacher runs/mlp/model.safetensors"})
final class SweepCommand implements Callable<Integer> {
    static final String RESULT = "result.json", SWEEP = "sweep.json", CHART = "accuracy.png", DENSE = "dense";
    static final double PAPER_COMPRESSION = ReproduceCommand.Classification.PAPER_LAYER_COMPRESSION;
    static final double COMPARABLE_POINTS = ReproduceCommand.Classification.COMPARABLE_POINTS;

    @Option(names = "--model", paramLabel = "PRESET|SPEC", description = "Train from scratch: a preset or spec with a ttl layer (e.g. ttl-mnist).")
    String model;

    @Option(names = "--from", paramLabel = "CHECKPOINT", description = "Compress and fine-tune this trained dense network instead.")
    Path from;

    @Option(names = "--layer", paramLabel = "NAME", description = "With --from: the dense layer to replace (default: the first).")
    String layer;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset (with --from, default: the checkpoint's).")
    String dataset;

    @Option(names = "--ranks", required = true, paramLabel = "GRID", description = "The rank settings (see above).")
    String ranks;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per setting (default: 20 from scratch, 5 of fine-tuning with --from).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Samples per step (default: 128; with --from the checkpoint's).")
    Integer batchSize;

    @Mixin
    RecipeOptions recipeOptions = new RecipeOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of every setting's weights and order (default: 1).")
    long seed;

    @Mixin
    DistillOptions distill = new DistillOptions();

    @Option(names = "--no-dense", description = "From scratch: do not train the dense network (no reference line).")
    boolean noDense;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/sweep-<model>-<dataset>-<yyyyMMdd-HHmmss>).")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Option(names = "--overlay", paramLabel = "DIR", split = ",",
            description = "Also draw the results of these other sweep directories in accuracy.png (e.g. the same grid from "
                    + "scratch, compressed and distilled in one chart).")
    List<Path> overlay = new ArrayList<>();

    @Option(names = "--json", description = "Print results.json at the end (progress lines go to stderr).")
    boolean json;

    /** Stops, as an interruption would, after this many settings of this invocation have finished (for testing resume). */
    @Option(names = "--stop-after-settings", hidden = true)
    int stopAfterSettings;

    /** One setting to train: its name (the directory), its ranks text (null for the dense reference). */
    private record Setting(String name, String ranks) {
        boolean dense() {
            return ranks == null;
        }
    }

    private PrintStream log;
    private Path dir;
    private Map<String, Object> config;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private Double denseAccuracy;

    @Override
    public Integer call() {
        log = json ? System.err : System.out;
        Teacher teacher = distill.open();
        List<String> grid = SweepGrid.expand(ranks);
        Runner runner = from != null ? new Compressing(teacher) : new FromScratch(teacher);
        List<Setting> settings = runner.settings(grid);
        Map<String, Object> cfg = runner.config();
        dir = out != null ? out : defaultOut(String.valueOf(cfg.get("dataset")));
        TrainingRun.ensureWritable(dir);
        checkOrWriteConfig(cfg);
        for (Path o : overlay) overlaySeries(o);
        if (runner instanceof Compressing c) denseAccuracy = c.denseAcc;
        log.printf(Locale.ROOT, "sweep of %d setting(s) -> %s%s%n", settings.size(), dir, teacher != null ? "; " + teacher.describe() : "");
        int done = 0;
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            String tag = String.format(Locale.ROOT, "[%" + digits(settings.size()) + "d/%d] %-14s", i + 1, settings.size(),
                    s.dense() ? "dense" : s.ranks());
            Map<String, Object> r = readResult(s);
            if (r != null) {
                log.println(tag + " " + line(r) + " (done before)");
            } else {
                r = runner.run(s, settingDir(s));
                if (r == null) {
                    log.println(tag + " interrupted; run the same command again to continue");
                    return 130;
                }
                writeResult(s, r);
                log.println(tag + " " + line(r) + String.format(Locale.ROOT, " (%.1f s)", number(r, "seconds")));
                done++;
            }
            record(s, r);
            writeReports();
            if (stopAfterSettings > 0 && done == stopAfterSettings && i + 1 < settings.size()) {
                log.println("stopped after " + done + " setting(s); run the same command again to continue");
                return 130;
            }
        }
        log.println("written: " + dir.resolve("results.md") + ", " + dir.resolve("results.json") + ", " + dir.resolve(CHART));
        if (json) System.out.print(resultsJson());
        else System.out.print(summary());
        System.out.flush();
        return 0;
    }

    /** How settings are trained: from scratch or by compressing a checkpoint. */
    private interface Runner {
        /** The settings to run, checked against the layer (a mistake in any of them fails before training). */
        List<Setting> settings(List<String> grid);

        /** What the sweep trains, compared with sweep.json on resume. */
        Map<String, Object> config();

        /** Trains one setting into {@code settingDir}; its result, or null when interrupted. */
        Map<String, Object> run(Setting s, Path settingDir);
    }

    /** --model: the spec's first ttl layer with the setting's ranks, trained as ttl train trains. */
    private final class FromScratch implements Runner {
        final Teacher teacher;
        final TrainRecipe recipe;
        final int ep, bs;
        final List<String> layerSpecs = new ArrayList<>();
        final int ttlIndex;
        final TuckerLayer ttl;

        FromScratch(Teacher teacher) {
            if (model == null) throw new Main.UserError("give --model (train from scratch) or --from (compress a trained network)");
            if (layer != null) throw new Main.UserError("--layer applies to --from only");
            if (dataset == null) throw new Main.UserError("missing --dataset (" + Datasets.NAMES + ")");
            this.teacher = teacher;
            recipe = recipeOptions.recipe(null).validated();
            ep = positive("--epochs", epochs, 20);
            bs = positive("--batch-size", batchSize, 128);
            int[] shape = TrainingRun.knownInputShape(dataset, model.trim());
            Sequential net = TrainingInputs.model(model.trim(), shape != null ? shape : inputShapeOf(dataset), seed);
            int idx = -1;
            for (int i = 0; i < net.layers().size(); i++) {
                Layer l = net.layer(i);
                if (idx < 0 && l instanceof TuckerLayer) idx = i;
                layerSpecs.add(l.spec());
            }
            if (idx < 0) throw new Main.UserError("--model " + model + " (" + net.spec() + ") has no ttl layer whose ranks could be swept");
            ttlIndex = idx;
            ttl = (TuckerLayer) net.layer(idx);
        }

        private int[] inputShapeOf(String ds) {
            return DatasetBatchSource.sampleShapeFor(model.trim(), Datasets.load(dataDir, ds, Split.TEST, log::println));
        }

        @Override
        public List<Setting> settings(List<String> grid) {
            List<Setting> list = new ArrayList<>();
            if (!noDense) list.add(new Setting(DENSE, null));
            for (String g : grid) add(list, canonical(g, ttl.outShape(), ttl.inShape()));
            return list;
        }

        String spec(Setting s) {
            List<String> specs = new ArrayList<>(layerSpecs);
            if (s.dense()) {
                specs.set(ttlIndex, "dense(" + ttl.outSize() + ")");
            } else {
                CompressionRanks.Ranks r = CompressionRanks.parseRanks(s.ranks(), ttl.outShape().length, ttl.inShape().length, null);
                String t = specs.get(ttlIndex).replaceFirst("; r=[0-9x]+", "; r=" + CompressionRanks.text(r.in()))
                        .replaceFirst("; s=[0-9x]+", "; s=" + CompressionRanks.text(r.out()));
                specs.set(ttlIndex, t);
            }
            return String.join("|", specs);
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = baseConfig("scratch", teacher);
            c.put("model", layersText());
            c.put("dataset", dataset);
            c.put("epochs", ep);
            c.put("batch_size", bs);
            return c;
        }

        private String layersText() {
            return String.join("|", layerSpecs);
        }

        @Override
        public Map<String, Object> run(Setting s, Path settingDir) {
            long t0 = System.nanoTime();
            String spec = spec(s);
            RunConfig cfg = new RunConfig(spec, dataset, ep, bs, recipe.normalizeOrDefault(), false);
            TrainingRun.Outcome o = TrainingRun.run(new TrainingRun.Request(cfg, settingDir, dataDir, recipe, seed, null, 0, 0, false,
                    true, false, s.dense() ? null : teacher, 0, 0, false), quiet());
            // overwrite: a setting without its result.json was interrupted, and is trained again from the start
            if (o.exitCode() != 0) return null;
            double secs = 0;
            for (double x : o.epochSeconds()) secs += x;
            Map<String, Object> r = result(s, o.model(), s.dense() ? -1 : ttlIndex, o.testAccuracy(), o.epochs().get(o.epochs().size() - 1).testLoss());
            r.put("epochs", ep);
            r.put("seconds", (System.nanoTime() - t0) / 1e9);
            r.put("train_seconds", secs);
            r.put("teacher", s.dense() || teacher == null ? null : teacher.file().toString());
            return r;
        }
    }

    /** --from: ttl compress's steps per setting (open, plan, decompose, fine-tune), the data loaded once. */
    private final class Compressing implements Runner {
        final Teacher teacher;
        final TrainRecipe recipe;
        final int ep, bs;
        final CompressCommand.Target first;
        final String layerName;
        final Dataset test, train;
        final DatasetBatchSource testSrc, trainSrc;
        final double denseAcc;

        Compressing(Teacher teacher) {
            if (model != null) throw new Main.UserError("give --model (train from scratch) or --from (compress a trained network), not both");
            if (noDense) throw new Main.UserError("--no-dense applies to --model only (with --from the checkpoint is the dense network)");
            this.teacher = teacher;
            recipe = recipeOptions.recipe(null).validated();
            ep = positive("--epochs", epochs, 5);
            LoadedCheckpoint dense = LoadedCheckpoint.open(from, dataset);
            layerName = layer != null ? layer : firstDense(dense.model());
            first = CompressCommand.openTarget(dense, layerName);
            bs = positive("--batch-size", CompressCommand.batchSize(batchSize, first.checkpoint()), 128);
            test = first.checkpoint().load(dataDir, Split.TEST, log::println);
            train = first.checkpoint().load(dataDir, Split.TRAIN, log::println);
            testSrc = DatasetBatchSource.inOrder(test, 1000, first.checkpoint().prep());
            trainSrc = DatasetBatchSource.shuffled(train, bs, first.checkpoint().prep(), first.checkpoint().inputShape());
            denseAcc = Trainer.evaluate(first.network(), testSrc).accuracy();
        }

        private String firstDense(Sequential net) {
            for (int i = 0; i < net.layers().size(); i++) if (net.layer(i) instanceof Dense) return "layers." + i;
            throw new Main.UserError(from + ": the model " + net.spec() + " has no dense layer to compress");
        }

        @Override
        public List<Setting> settings(List<String> grid) {
            List<Setting> list = new ArrayList<>();
            for (String g : grid) {
                CompressCommand.Plan p = CompressCommand.plan(first, test, null, null, g, null, null, null);
                add(list, canonical(g, p.outShape(), p.inShape()));
            }
            return list;
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = baseConfig("compressed", teacher);
            c.put("from", from.toString());
            c.put("layer", layerName);
            c.put("model", first.network().spec());
            c.put("dataset", first.checkpoint().dataset());
            c.put("epochs", ep);
            c.put("batch_size", bs);
            return c;
        }

        @Override
        public Map<String, Object> run(Setting s, Path settingDir) {
            long t0 = System.nanoTime();
            // Opened again for every setting: fine-tuning updates the layers the compressed network shares with it.
            CompressCommand.Target t = CompressCommand.openTarget(LoadedCheckpoint.open(from, dataset), layerName);
            CompressCommand.Plan p = CompressCommand.plan(t, test, null, null, s.ranks(), null, null, null);
            CompressCommand.Compressed c = CompressCommand.compress(t, p, DenseCompression.Method.HOSVD);
            double compressedAcc = Trainer.evaluate(c.network(), testSrc).accuracy();
            Trainer tr = CompressCommand.fineTuner(t, c.network(), recipe, ep, trainSrc, seed, teacher);
            CompressCommand.fit(tr, trainSrc, ep);
            Trainer.Evaluation ev = Trainer.evaluate(c.network(), testSrc);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("dataset", t.checkpoint().dataset());
            meta.put("preprocessing", t.checkpoint().prep().toJson());
            meta.put("compress.source", from.toString());
            meta.put("compress.layer", layerName);
            meta.put("compress.rank_rule", p.ranks().toString());
            meta.put("compress.fine_tune_epochs", Integer.toString(ep));
            if (teacher != null) meta.putAll(teacher.metadata());
            try {
                Files.createDirectories(settingDir);
                Checkpoint.save(settingDir.resolve(TrainingRun.MODEL), c.network(), t.checkpoint().inputShape(), null, meta);
            } catch (IOException e) {
                throw new Main.UserError("cannot write to " + settingDir + ": " + e.getMessage(), e);
            }
            Map<String, Object> r = result(s, c.network(), t.index(), ev.accuracy(), ev.loss());
            r.put("accuracy_compressed", compressedAcc);
            r.put("relative_error", c.decomposition().relativeError());
            r.put("dense_accuracy", denseAcc);
            r.put("epochs", ep);
            r.put("seconds", (System.nanoTime() - t0) / 1e9);
            r.put("teacher", teacher == null ? null : teacher.file().toString());
            return r;
        }
    }

    /** The settings every sweep records. */
    private Map<String, Object> baseConfig(String mode, Teacher teacher) {
        TrainRecipe r = recipeOptions.recipe(null);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("mode", mode);
        c.put("optimizer", r.createOptimizer().toString());
        c.put("lr", r.peakLr());
        c.put("schedule", (r.schedule() == null ? "cosine" : r.schedule().toLowerCase(Locale.ROOT))
                + (r.warmupEpochs() != null ? ", warm-up " + r.warmupEpochs() + " epoch(s)" : ""));
        c.put("seed", seed);
        c.put("teacher", teacher == null ? null : teacher.file().toString());
        c.put("distill_alpha", teacher == null ? null : teacher.loss().alpha());
        c.put("distill_temperature", teacher == null ? null : teacher.loss().temperature());
        return c;
    }

    /** The row of one finished setting: ranks, weights and compression of the layer and the network, accuracy. */
    private Map<String, Object> result(Setting s, Sequential net, int ttlIndex, double accuracy, double loss) {
        CompressionReport rep = CompressionReport.of(net);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("setting", s.dense() ? DENSE : s.ranks());
        r.put("model", net.spec());
        long dw = 0, w = 0;
        if (ttlIndex >= 0) {
            TuckerLayer t = (TuckerLayer) net.layer(ttlIndex);
            r.put("in_ranks", t.inRanks());
            r.put("out_ranks", t.outRanks());
            for (CompressionReport.Row row : rep.rows()) {
                if (row.index() == ttlIndex) {
                    dw = row.denseWeights();
                    w = row.weights();
                }
            }
        }
        r.put("layer_dense_weights", dw);
        r.put("layer_weights", w);
        r.put("layer_compression", ttlIndex >= 0 ? (double) dw / w : 1.0);
        r.put("network_parameters", net.parameterCount());
        CompressionReport.Row tot = rep.total();
        r.put("network_dense_parameters", tot.denseWeights() + tot.biases());
        r.put("network_compression", (double) (tot.denseWeights() + tot.biases()) / net.parameterCount());
        r.put("accuracy", accuracy);
        r.put("loss", Double.isFinite(loss) ? loss : null);
        r.put("seed", seed);
        return r;
    }

    private void record(Setting s, Map<String, Object> r) {
        if (s.dense()) denseAccuracy = number(r, "accuracy");
        else results.add(r);
    }

    // ---- resume -------------------------------------------------------------------------------

    private Path settingDir(Setting s) {
        return dir.resolve("settings").resolve(s.name());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readResult(Setting s) {
        Path f = settingDir(s).resolve(RESULT);
        if (!Files.isRegularFile(f)) return null;
        try {
            Object v = Json.parse(Files.readString(f, StandardCharsets.UTF_8));
            if (v instanceof Map<?, ?> m && m.get("accuracy") instanceof Number) return new LinkedHashMap<>((Map<String, Object>) m);
        } catch (IOException | Json.ParseException e) {
            // a torn or foreign file: the setting is trained again
        }
        log.println("warning: " + f + " is not a finished result; training that setting again");
        return null;
    }

    private void writeResult(Setting s, Map<String, Object> r) {
        try {
            Files.createDirectories(settingDir(s));
            TrainingRun.writeAtomically(settingDir(s).resolve(RESULT), Json.write(r) + "\n");
        } catch (IOException e) {
            throw new Main.UserError("cannot write to " + settingDir(s) + ": " + e.getMessage(), e);
        }
    }

    /** A new sweep records its settings; a rerun must have the same ones (the grid may differ: new settings are added). */
    @SuppressWarnings("unchecked")
    private void checkOrWriteConfig(Map<String, Object> cfg) {
        config = cfg;
        Path f = dir.resolve(SWEEP);
        String text = Json.write(cfg) + "\n";
        try {
            if (Files.isRegularFile(f)) {
                Map<String, Object> old;
                try {
                    old = (Map<String, Object>) Json.parse(Files.readString(f, StandardCharsets.UTF_8));
                } catch (Json.ParseException | ClassCastException e) {
                    throw new Main.UserError(f + " is not a sweep's settings file (" + e.getMessage() + "); use another --out");
                }
                Map<String, Object> now = (Map<String, Object>) Json.parse(text);
                List<String> diff = new ArrayList<>();
                for (String k : now.keySet()) {
                    if (!String.valueOf(now.get(k)).equals(String.valueOf(old.get(k)))) {
                        diff.add(k + " " + old.get(k) + " there, " + now.get(k) + " now");
                    }
                }
                if (!diff.isEmpty()) {
                    throw new Main.UserError(dir + " holds a sweep with other settings (" + String.join("; ", diff)
                            + "): rerun it with its own settings to resume it, or give another --out");
                }
            } else {
                TrainingRun.writeAtomically(f, text);
            }
        } catch (IOException | Json.ParseException e) {
            throw new Main.UserError("cannot use " + f + ": " + e.getMessage(), e);
        }
    }

    // ---- reports ------------------------------------------------------------------------------

    private List<Map<String, Object>> sorted() {
        List<Map<String, Object>> rows = new ArrayList<>(results);
        rows.sort(Comparator.comparingDouble(r -> number(r, "layer_compression")));
        return rows;
    }

    /** The most compressed setting within {@link #COMPARABLE_POINTS} of the dense accuracy, or null. */
    private Map<String, Object> mostCompressedComparable() {
        if (denseAccuracy == null) return null;
        Map<String, Object> best = null;
        for (Map<String, Object> r : results) {
            if (100 * (denseAccuracy - number(r, "accuracy")) <= COMPARABLE_POINTS + 1e-9
                    && (best == null || number(r, "layer_compression") > number(best, "layer_compression"))) {
                best = r;
            }
        }
        return best;
    }

    private Map<String, Object> atPaperPoint() {
        for (Map<String, Object> r : results) if (Math.abs(number(r, "layer_compression") - PAPER_COMPRESSION) < 0.005) return r;
        return null;
    }

    private void writeReports() {
        try {
            TrainingRun.writeAtomically(dir.resolve("results.md"), markdown());
            TrainingRun.writeAtomically(dir.resolve("results.json"), resultsJson());
        } catch (IOException e) {
            throw new Main.UserError("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        drawChart();
    }

    private void drawChart() {
        List<Map<String, Object>> rows = sorted();
        double[] x = new double[rows.size()], y = new double[rows.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = number(rows.get(i), "layer_compression");
            y[i] = 100 * number(rows.get(i), "accuracy");
        }
        List<Charts.Series> series = new ArrayList<>();
        series.add(new Charts.Series(seriesName(config), x, y));
        for (Path o : overlay) series.add(overlaySeries(o));
        double dense = denseAccuracy == null ? Double.NaN : 100 * denseAccuracy;
        try {
            Charts.sweep(dir.resolve(CHART), "Test accuracy against layer compression on " + config.get("dataset"), "compression of the layer (weights, log scale)",
                    "test accuracy (%)", series, dense,
                    String.format(Locale.ROOT, "dense network (%.2f%%)", dense), COMPARABLE_POINTS, PAPER_COMPRESSION, "paper: 66.63x");
        } catch (IOException | RuntimeException e) {
            log.println("warning: could not draw " + dir.resolve(CHART) + ": " + e);
        }
    }

    private static String seriesName(Map<String, Object> cfg) {
        return (cfg.get("mode").equals("scratch") ? "trained from scratch, " + cfg.get("epochs") + " epochs"
                : "compressed, fine-tuned " + cfg.get("epochs") + " epoch(s)") + (cfg.get("teacher") != null ? ", distilled" : "");
    }

    /** The finished settings of another sweep's results.json, as a chart series. */
    @SuppressWarnings("unchecked")
    private static Charts.Series overlaySeries(Path other) {
        Path f = other.resolve("results.json");
        try {
            Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(f, StandardCharsets.UTF_8));
            List<Map<String, Object>> rows = (List<Map<String, Object>>) j.get("settings");
            double[] x = new double[rows.size()], y = new double[rows.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = number(rows.get(i), "layer_compression");
                y[i] = 100 * number(rows.get(i), "accuracy");
            }
            return new Charts.Series(seriesName((Map<String, Object>) j.get("sweep")), x, y);
        } catch (IOException | Json.ParseException | ClassCastException | NullPointerException e) {
            throw new Main.UserError("--overlay " + other + ": cannot read the results of a sweep from " + f + " (" + e + ")", e);
        }
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ttl sweep: ").append(config.get("model")).append(" on ").append(config.get("dataset")).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%s; %s epoch(s) per setting, batch %s, %s, lr %s, %s, seed %s%s%n%n",
                config.get("mode").equals("scratch") ? "trained from scratch" : "compressed from " + config.get("from") + " (" + config.get("layer")
                        + ", truncated HOSVD) and fine-tuned", config.get("epochs"), config.get("batch_size"), config.get("optimizer"),
                config.get("lr"), config.get("schedule"), config.get("seed"),
                config.get("teacher") != null ? "; distilled from " + config.get("teacher") + " (alpha " + config.get("distill_alpha") + ", T "
                        + config.get("distill_temperature") + ")" : ""));
        sb.append(denseAccuracy == null ? "dense network: not trained\n\n"
                : String.format(Locale.ROOT, "dense network: %.2f%% test accuracy%n%n", 100 * denseAccuracy));
        boolean compressed = config.get("mode").equals("compressed");
        sb.append("| ranks (in:out) | layer weights | layer compression | network parameters | network compression | test accuracy | gap to dense |")
                .append(compressed ? " right after compression |" : "").append(" seconds |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|").append(compressed ? "---:|" : "").append("---:|\n");
        for (Map<String, Object> r : sorted()) {
            double acc = number(r, "accuracy");
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.2fx | %,d | %.2fx | %.2f%% | %s |", r.get("setting"),
                    (long) number(r, "layer_weights"), number(r, "layer_compression"), (long) number(r, "network_parameters"),
                    number(r, "network_compression"), 100 * acc,
                    denseAccuracy == null ? "" : String.format(Locale.ROOT, "%.2f", 100 * (denseAccuracy - acc))));
            if (compressed) sb.append(String.format(Locale.ROOT, " %.2f%% |", 100 * number(r, "accuracy_compressed")));
            sb.append(String.format(Locale.ROOT, " %.1f |%n", number(r, "seconds")));
        }
        sb.append('\n').append(summary());
        return sb.toString();
    }

    /** The two findings: the most compressed setting within 1.5 points, and the paper's point. */
    private String summary() {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> best = mostCompressedComparable();
        if (denseAccuracy != null) {
            sb.append(best == null ? String.format(Locale.ROOT, "no setting is within %.1f points of the dense network%n", COMPARABLE_POINTS)
                    : String.format(Locale.ROOT, "most compressed within %.1f points of the dense network: %s, %.2fx, %.2f%% (gap %.2f)%n",
                    COMPARABLE_POINTS, best.get("setting"), number(best, "layer_compression"), 100 * number(best, "accuracy"),
                    100 * (denseAccuracy - number(best, "accuracy"))));
        }
        Map<String, Object> paper = atPaperPoint();
        if (paper != null) {
            sb.append(String.format(Locale.ROOT, "at the paper's 66.63x (%s): %.2f%%%s%n", paper.get("setting"), 100 * number(paper, "accuracy"),
                    denseAccuracy == null ? "" : String.format(Locale.ROOT, ", gap %.2f", 100 * (denseAccuracy - number(paper, "accuracy")))));
        }
        return sb.toString();
    }

    String resultsJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("sweep", config);
        j.put("dense_accuracy", denseAccuracy);
        j.put("comparable_points", COMPARABLE_POINTS);
        Map<String, Object> best = mostCompressedComparable();
        j.put("most_compressed_comparable", best == null ? null : best.get("setting"));
        Map<String, Object> paper = atPaperPoint();
        j.put("paper_point", paper == null ? null : paper.get("setting"));
        j.put("settings", sorted());
        return Json.write(j) + "\n";
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Progress text of a finished setting. */
    private String line(Map<String, Object> r) {
        if (DENSE.equals(r.get("setting"))) {
            return String.format(Locale.ROOT, "%,9d params          test %6.2f%%", (long) number(r, "network_parameters"), 100 * number(r, "accuracy"));
        }
        return String.format(Locale.ROOT, "layer %8.2fx  network %7.2fx  test %6.2f%%", number(r, "layer_compression"),
                number(r, "network_compression"), 100 * number(r, "accuracy"));
    }

    /** The setting's ranks written out in full ({@code 5:10} on a 28x28 layer is {@code 5x5:10}), checked against the layer. */
    private static String canonical(String ranksText, int[] outShape, int[] inShape) {
        try {
            CompressionRanks.rankSpec(ranksText, null, null, null, outShape, inShape);
        } catch (Main.UserError e) {
            throw new Main.UserError("--ranks setting " + ranksText + ": " + e.getMessage(), e);
        }
        CompressionRanks.Ranks r = CompressionRanks.parseRanks(ranksText, outShape.length, inShape.length, null);
        return CompressionRanks.text(r.in()) + ":" + CompressionRanks.text(r.out());
    }

    /** Adds the setting unless the grid had it already in another spelling ({@code 5:10} and {@code 5x5:10}). */
    private static void add(List<Setting> list, String canonicalRanks) {
        for (Setting s : list) if (canonicalRanks.equals(s.ranks())) return;
        list.add(new Setting(canonicalRanks.replace(':', '_'), canonicalRanks));
    }

    static double number(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static int digits(int n) {
        return Integer.toString(n).length();
    }

    private static int positive(String name, Integer v, int dflt) {
        int x = v == null ? dflt : v;
        if (x < 1) throw new Main.UserError(name + " must be >= 1, got " + x);
        return x;
    }

    private Path defaultOut(String datasetName) {
        String m = from != null ? "from" : ModelSpec.presets().containsKey(model.trim().toLowerCase(Locale.ROOT)) ? model.trim().toLowerCase(Locale.ROOT) : "custom";
        String ds = datasetName.replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of("runs", "sweep-" + m + "-" + ds + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Per-setting training logs stay in the run directories (metrics.csv); the sweep prints one line per setting. */
    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }
}
