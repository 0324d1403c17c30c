package ttl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ttl4j.cli.TrainingRun.RunConfig;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.data.Dataset;
import ttl4j.engine.io.Json;
import ttl4j.ttl.CompressionReport;
import ttl4j.ttl.Explainer;
import ttl4j.ttl.ImportanceTracker;
import ttl4j.ttl.SyntheticExperiment;

/**
 * {@code ttl reproduce EXPERIMENT}: reruns one of the paper's experiments and writes the comparison.
 * Each experiment is an {@link Experiment} in {@link #EXPERIMENTS}; a new one is a new entry there.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reproduce an experiment of Calvi et al., \"Tucker Tensor Layer in Fully Connected Neural Networks\" "
                + "(arXiv 1903.06133).",
                "",
                "mnist, fashion-mnist: train mlp-mnist (784-300-10) and ttl-mnist (the paper's TTL: 28x28 -> 300, ranks 5x5 | 10, "
                        + "then relu and dense(10)) with the same recipe and budget, and compare parameters, compression (66.63-fold "
                        + "on the first layer), test accuracy and seconds per epoch with the paper and a PyTorch reference. "
                        + "The dataset is fetched when missing.",
                "",
                "Recipe (both networks): " + ReproduceCommand.RECIPE_TEXT + ", 20 epochs (--epochs), seed 1 (--seed).",
                "Writes DIR/results.md, DIR/results.json and one `ttl train` run directory per network (metrics.csv, "
                        + "model.safetensors, summary.json, curves.png). Importance tracking is on for ttl-mnist "
                        + "(ttl-mnist/importance.csv), and its importance maps over the first "
                        + ReproduceCommand.EXPLAIN_SAMPLES + " test samples go to ttl-mnist/explain/ (as ttl explain writes them).",
                "",
                "cifar10: train vgg16 (VGG-16's 13 convolutions with batch norm, head 512-4096-4096-10) and vgg16-ttl (the "
                        + "two 4096-wide layers as Tucker layers 8x8x8->16x16x16 and 16x16x16->16x16x16, ranks 8) with one recipe ("
                        + VggExperiment.RECIPE_TEXT + ") for 10 epochs, and compare parameters, head compression, test accuracy "
                        + "(after every epoch) and seconds per step and per epoch with the paper's 10%% speed-up. A full run takes "
                        + "hours: progress is shown per network and epoch (and every 100 steps when the output is a log, not a "
                        + "terminal), and an interrupted run continues with --resume DIR. --networks trains one of the two (the "
                        + "runs are independent given the seed, so the other can be trained later or on another machine). "
                        + "A run of both also draws their test accuracy per epoch in DIR/accuracy.png. "
                        + "CIFAR-10 comes from the data directory or a mirror (ttl data fetch cifar10 --help).",
                "",
                "synthetic: the interpretability experiment. 16x16 inputs whose label depends only on 4 known rows and 4 "
                        + "known columns (noise of the same variance everywhere); a TTL network is trained with importance "
                        + "tracking, rows and columns are ranked by their factor-gradient importance, and precision@k against the "
                        + "known sets is reported for the seed (and the next 4 seeds) and over a sweep of noise levels. "
                        + "5 epochs per run (--epochs); no dataset needed. Writes DIR/results.md, DIR/results.json and PNGs "
                        + "(importance per row and column, importance map, curves, precision against noise).",
                ""},
        footer = {"", "Examples:", "  ttl reproduce mnist", "  ttl reproduce fashion-mnist --epochs 30 --out runs/fashion",
                "  ttl reproduce synthetic --seed 2", "  ttl reproduce cifar10 --out runs/vgg", "  ttl reproduce cifar10 --resume runs/vgg",
                "  ttl reproduce cifar10 --networks vgg16-ttl --out runs/vgg-ttl"})
final class ReproduceCommand implements Callable<Integer> {

    /** The default recipe of the classification experiments (chosen by the measurements in the README). */
    static final TrainRecipe RECIPE = new TrainRecipe("adam", 3e-3, null, null, 0.0, "cosine", 0.0, "standardize");
    static final String RECIPE_TEXT = "Adam lr 3e-3 with a cosine schedule to 0, no weight decay, batch 128, "
            + "inputs standardised with the training set's mean and std";
    static final int BATCH = 128;
    static final int EPOCHS = 20;
    /** Test samples (the first, in file order) the importance maps of the trained TTL are computed over. */
    static final int EXPLAIN_SAMPLES = 1000;

    /** The experiments by name, in the order the help lists them. */
    static final Map<String, Experiment> EXPERIMENTS = new LinkedHashMap<>();

    static {
        EXPERIMENTS.put("mnist", new Classification("mnist", "MNIST", new Reference(0.981, 0.954)));
        EXPERIMENTS.put("fashion-mnist", new Classification("fashion-mnist", "Fashion-MNIST", new Reference(0.883, 0.854)));
        EXPERIMENTS.put("synthetic", new Synthetic());
        EXPERIMENTS.put("cifar10", new VggExperiment());
    }

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "mnist, fashion-mnist, synthetic or cifar10.")
    String experiment;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per network (default: 20; synthetic: 5 per run; cifar10: 10).")
    Integer epochs;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the initial weights and the shuffling (default: 1).")
    long seed = 1;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/reproduce-<experiment>-<yyyyMMdd-HHmmss>).")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Option(names = "--json", description = "Print results.json instead of the table (training logs go to stderr).")
    boolean json;

    @Option(names = "--subset", paramLabel = "N",
            description = "cifar10: train on the first N training images and test on the first N test images (default: all).")
    Integer subset;

    @Option(names = "--resume", paramLabel = "DIR",
            description = {"cifar10: continue the interrupted run in DIR (its", "  plan.json and the networks' checkpoints)."})
    Path resume;

    @Option(names = "--networks", paramLabel = "LIST",
            description = {"cifar10: the networks to train, vgg16, vgg16-ttl or", "  both separated by a comma (default: both)."})
    String networks;

    /** Stops each network's training after this many steps of this invocation, as Ctrl-C does (for testing resume). */
    @Option(names = "--stop-after-steps", hidden = true)
    long stopAfterSteps;

    /** cifar10: two specs separated by ';;' in place of vgg16 and vgg16-ttl (small networks, for tests). */
    @Option(names = "--models", hidden = true)
    String models;

    /** Trains on a folder of the data directory instead of the experiment's own dataset (for tests). */
    @Option(names = "--dataset", hidden = true)
    String dataset;

    /** What an experiment gets: its budget, where to write and where to log. */
    record Settings(int epochs, long seed, Path out, String dataDir, String dataset, PrintStream log, int subset, boolean resume,
                    long stopAfterSteps, String models, String networks) {
        Settings(int epochs, long seed, Path out, String dataDir, String dataset, PrintStream log) {
            this(epochs, seed, out, dataDir, dataset, log, 0, false, 0, null, null);
        }
    }

    /** An experiment's results: the markdown table (printed and written as results.md) and results.json. */
    record Report(String markdown, String json) {}

    /** One experiment {@code ttl reproduce} can run. */
    interface Experiment {
        /** Runs it, writing any run directories under {@code s.out()}. */
        Report run(Settings s);

        /** Epochs when --epochs is not given. */
        default int defaultEpochs() {
            return EPOCHS;
        }
    }

    @Override
    public Integer call() {
        Experiment exp = EXPERIMENTS.get(experiment.toLowerCase(Locale.ROOT));
        if (exp == null) {
            throw new Main.UserError("unknown experiment '" + experiment + "': expected " + String.join(", ", EXPERIMENTS.keySet()));
        }
        int ep = epochs == null ? exp.defaultEpochs() : epochs;
        if (ep < 1) throw new Main.UserError("--epochs must be >= 1, got " + ep);
        boolean vgg = exp instanceof VggExperiment;
        if (!vgg && (subset != null || resume != null || models != null || networks != null)) {
            throw new Main.UserError("--subset, --networks and --resume apply to cifar10 only");
        }
        if (subset != null && subset < 1) throw new Main.UserError("--subset must be >= 1, got " + subset);
        if (resume != null && (out != null || epochs != null || subset != null || models != null || networks != null)) {
            throw new Main.UserError("--resume keeps the run's own settings: --out, --epochs, --subset and --networks cannot be given with it");
        }
        Path dir = resume != null ? resume : out != null ? out : Path.of("runs", "reproduce-" + experiment.toLowerCase(Locale.ROOT) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        TrainingRun.ensureWritable(dir);
        PrintStream log = json ? System.err : System.out;
        Report r = exp.run(new Settings(ep, seed, dir, dataDir, dataset, log, subset == null ? 0 : subset, resume != null, stopAfterSteps,
                models, networks));
        if (r == null) return 130;
        try {
            TrainingRun.writeAtomically(dir.resolve("results.md"), r.markdown());
            TrainingRun.writeAtomically(dir.resolve("results.json"), r.json());
        } catch (IOException e) {
            throw new Main.UserError("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        if (json) {
            System.out.print(r.json());
        } else {
            System.out.println();
            System.out.print(r.markdown());
            System.out.println();
            System.out.println("written: " + dir.resolve("results.md") + ", " + dir.resolve("results.json"));
        }
        System.out.flush();
        return 0;
    }

    /** Test accuracies of the PyTorch reference runs (paper.md): dense and TTL, Adam 1e-3, batch 128, 20 epochs. */
    record Reference(double dense, double ttl) {}

    /** mlp-mnist against ttl-mnist on one 28x28 classification dataset. */
    record Classification(String dataset, String title, Reference pytorch) implements Experiment {
        static final String DENSE = "mlp-mnist", TTL = "ttl-mnist";
        static final double PAPER_LAYER_COMPRESSION = 66.63;
        /** Our reading of the paper's "comparable": the TTL within this many points of the dense network. */
        static final double COMPARABLE_POINTS = 1.5;

        @Override
        public Report run(Settings s) {
            String ds = s.dataset() != null ? s.dataset() : dataset;
            Net dense = train(DENSE, ds, s);
            Net ttl = train(TTL, ds, s);
            Maps maps = ttl.outcome() == null ? null : explain(ttl.outcome(), s);
            return report(s, ds, dense, ttl, maps);
        }

        private static Net train(String model, String ds, Settings s) {
            RunConfig cfg = new RunConfig(model, ds, s.epochs(), BATCH, RECIPE.normalizeOrDefault(), false);
            boolean tucker = model.equals(TTL);
            TrainingRun.Outcome o = TrainingRun.run(new TrainingRun.Request(cfg, s.out().resolve(model), s.dataDir(), RECIPE, s.seed(),
                    null, 0, 0, tucker, true, false, null, 0, 0, false), s.log());
            if (o.exitCode() != 0) throw new Main.UserError("training of " + model + " was interrupted; its state is in " + o.dir());
            CompressionReport c = CompressionReport.of(o.model());
            double[] secs = o.epochSeconds();
            return new Net(model, o.model().spec(), o.model().parameterCount(), c.rows().get(0), c.total(), o.testAccuracy(),
                    median(secs), secs.length, o.dir(), tucker ? o : null);
        }

        /** The importance maps of the trained TTL over the first test samples, as {@code ttl explain} writes them. */
        private Maps explain(TrainingRun.Outcome o, Settings s) {
            Path dir = o.dir().resolve("explain");
            Dataset test = o.test();
            try {
                Files.createDirectories(dir);
                Explainer.Result r = Explainer.explain(o.model(), DatasetBatchSource.inOrder(test, 250, o.prep()), EXPLAIN_SAMPLES);
                Explainer.writeCsv(dir.resolve(ExplainCommand.IMPORTANCE), r.modes());
                List<Path> pngs = ExplainCommand.writeCharts(dir, o.model(), r, title + " test, first " + r.samples() + " samples",
                        test.height(), test.width());
                s.log().println("importance maps of " + TTL + " over the first " + r.samples() + " test samples: " + dir);
                return new Maps(dir, r.samples(), pngs, r.modes());
            } catch (IOException e) {
                throw new Main.UserError("cannot write to " + dir + ": " + e.getMessage(), e);
            }
        }

        private Report report(Settings s, String ds, Net dense, Net ttl, Maps maps) {
            double layerRatio = ttl.first().ratio();
            double netParamRatio = (double) dense.parameters() / ttl.parameters();
            double gap = 100 * (dense.accuracy() - ttl.accuracy());
            double refGap = 100 * (pytorch.dense() - pytorch.ttl());
            String date = LocalDate.now().toString();
            String machine = machineText();
            StringBuilder md = new StringBuilder();
            md.append(String.format(Locale.ROOT, "## ttl reproduce %s: %s, %d epochs, seed %d%n%n", name(), title, s.epochs(), s.seed()));
            md.append(String.format(Locale.ROOT, "%s; %s.%n%n", date, machine));
            md.append("| | ").append(DENSE).append(" (dense) | ").append(TTL)
                    .append(" (TTL) | paper | PyTorch reference (dense / TTL) |\n");
            md.append("|---|---:|---:|---|---|\n");
            row(md, "parameters, network", fmt(dense.parameters()), fmt(ttl.parameters()), "", fmt(dense.parameters()) + " / "
                    + fmt(ttl.parameters()));
            row(md, "first layer: weights + biases", fmt(dense.first().weights()) + " + " + fmt(dense.first().biases()),
                    fmt(ttl.first().weights()) + " + " + fmt(ttl.first().biases()), "235,200 / 3,530 weights", "same layers");
            row(md, "compression, first layer (weights)", "1", String.format(Locale.ROOT, "**%.2fx**", layerRatio),
                    String.format(Locale.ROOT, "%.2fx", PAPER_LAYER_COMPRESSION), String.format(Locale.ROOT, "%.2fx", PAPER_LAYER_COMPRESSION));
            row(md, "compression, network (all parameters)", "1", String.format(Locale.ROOT, "%.2fx", netParamRatio), "", "");
            row(md, "test accuracy", pct(dense.accuracy()), pct(ttl.accuracy()), "\"comparable\"",
                    pct(pytorch.dense()) + " / " + pct(pytorch.ttl()));
            row(md, "gap, dense - TTL", "", String.format(Locale.ROOT, "**%.2f points**", gap),
                    String.format(Locale.ROOT, "<= %.1f (our reading)", COMPARABLE_POINTS), String.format(Locale.ROOT, "%.1f points", refGap));
            row(md, "seconds per epoch (median)", String.format(Locale.ROOT, "%.3f", dense.secondsPerEpoch()),
                    String.format(Locale.ROOT, "%.3f", ttl.secondsPerEpoch()), "", "");
            md.append(String.format(Locale.ROOT, "%nRecipe (both networks): %s; here %d epochs, seed %d. "
                            + "PyTorch reference: Adam 1e-3, batch 128, 20 epochs, inputs in [0, 1]. "
                            + "Runs: %s, %s.%n", RECIPE_TEXT, s.epochs(), s.seed(), dense.dir(), ttl.dir()));
            if (maps != null) maps.markdown(md, s.out(), ttl.dir());

            StringBuilder js = new StringBuilder("{\n");
            jf(js, "experiment", Json.write(name()));
            jf(js, "dataset", Json.write(ds));
            jf(js, "date", Json.write(date));
            jf(js, "machine", machineJson());
            jf(js, "recipe", "{\"optimizer\": \"adam\", \"lr\": " + RECIPE.peakLr() + ", \"schedule\": \"cosine\", \"weight_decay\": 0, "
                    + "\"batch_size\": " + BATCH + ", \"epochs\": " + s.epochs() + ", \"normalize\": "
                    + Json.write(RECIPE.normalizeOrDefault()) + ", \"seed\": " + s.seed() + "}");
            jf(js, "networks", "[\n    " + dense.json() + ",\n    " + ttl.json() + "\n  ]");
            jf(js, "layer_compression", String.format(Locale.ROOT, "%.2f", layerRatio));
            jf(js, "network_compression", String.format(Locale.ROOT, "%.2f", netParamRatio));
            jf(js, "network_weight_compression", String.format(Locale.ROOT, "%.2f", ttl.total().ratio()));
            jf(js, "gap_points", Json.number(gap, 2));
            if (maps != null) jf(js, "importance", maps.json(s.out(), ttl.dir()));
            jf(js, "comparable", Boolean.toString(gap <= COMPARABLE_POINTS));
            jf(js, "paper", "{\"layer_compression\": " + PAPER_LAYER_COMPRESSION + ", \"accuracy\": \"comparable\", "
                    + "\"comparable_points\": " + COMPARABLE_POINTS + "}");
            jf(js, "pytorch_reference", String.format(Locale.ROOT, "{\"recipe\": \"adam lr 1e-3, batch 128, 20 epochs, inputs in [0, 1]\", "
                    + "\"dense_accuracy\": %.3f, \"ttl_accuracy\": %.3f, \"gap_points\": %.1f}", pytorch.dense(), pytorch.ttl(), refGap));
            js.setLength(js.length() - 2);
            js.append("\n}\n");
            return new Report(md.toString(), js.toString());
        }

        private String name() {
            for (Map.Entry<String, Experiment> e : EXPERIMENTS.entrySet()) if (e.getValue() == this) return e.getKey();
            return dataset;
        }
    }

    /** One trained network: counts, accuracy and speed; {@code outcome} kept for the TTL, whose importance is examined. */
    record Net(String model, String spec, long parameters, CompressionReport.Row first, CompressionReport.Row total, double accuracy,
               double secondsPerEpoch, int epochs, Path dir, TrainingRun.Outcome outcome) {
        String json() {
            return String.format(Locale.ROOT, "{\"model\": %s, \"spec\": %s, \"parameters\": %d, \"first_layer\": {\"weights\": %d, "
                            + "\"biases\": %d, \"dense_weights\": %d, \"compression\": %.2f}, \"test_accuracy\": %s, "
                            + "\"seconds_per_epoch\": %.3f, \"epochs\": %d, \"run_dir\": %s}", Json.write(model), Json.write(spec), parameters,
                    first.weights(), first.biases(), first.denseWeights(), first.ratio(), Json.number(accuracy, 4), secondsPerEpoch, epochs,
                    Json.write(dir.toString()));
        }
    }

    /** The importance maps of the trained TTL: where they are and the top features of each mode. */
    record Maps(Path dir, int samples, List<Path> pngs, List<Explainer.ModeImportance> modes) {
        static final int TOP = 5;

        void markdown(StringBuilder md, Path out, Path runDir) {
            md.append(String.format(Locale.ROOT, "%nInterpretability (%s): squared factor-gradient rows accumulated over training in %s; "
                            + "importance over the first %d test samples (file order) in %s: %s.%n", Classification.TTL,
                    link(out, runDir.resolve(TrainingRun.IMPORTANCE)), samples, link(out, dir.resolve(ExplainCommand.IMPORTANCE)),
                    String.join(", ", pngs.stream().map(p -> link(out, p)).toList())));
            for (Explainer.ModeImportance m : modes) {
                md.append(String.format(Locale.ROOT, "- %s mode %d (%s): most important %s%n", m.layer(), m.mode(),
                        m.mode() == 0 ? "rows" : m.mode() == 1 ? "columns" : "features", top(m, ", ")));
            }
            for (Path p : pngs) {
                if (p.getFileName().toString().startsWith("importance-map-")) md.append("\n![importance map](").append(rel(out, p)).append(")\n");
            }
        }

        String json(Path out, Path runDir) {
            StringBuilder sb = new StringBuilder("{\"training\": ").append(Json.write(rel(out, runDir.resolve(TrainingRun.IMPORTANCE))))
                    .append(", \"explain_dir\": ").append(Json.write(rel(out, dir))).append(", \"samples\": ").append(samples)
                    .append(", \"charts\": [");
            for (int i = 0; i < pngs.size(); i++) sb.append(i > 0 ? ", " : "").append(Json.write(rel(out, pngs.get(i))));
            sb.append("], \"top\": [");
            for (int i = 0; i < modes.size(); i++) {
                Explainer.ModeImportance m = modes.get(i);
                sb.append(i > 0 ? ", " : "").append("{\"layer\": ").append(Json.write(m.layer())).append(", \"mode\": ").append(m.mode())
                        .append(", \"indices\": [").append(top(m, ", ")).append("]}");
            }
            return sb.append("]}").toString();
        }

        private static String top(Explainer.ModeImportance m, String sep) {
            int[] rank = ImportanceTracker.ranking(m.gradShare());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(TOP, rank.length); i++) sb.append(i > 0 ? sep : "").append(rank[i]);
            return sb.toString();
        }

        private static String link(Path out, Path p) {
            String r = rel(out, p);
            return "[" + r + "](" + r + ")";
        }

        /** {@code p} relative to the results directory, with forward slashes (a markdown link). */
        private static String rel(Path out, Path p) {
            return out.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
        }
    }

    /** One line for results.md: the date is written beside it. */
    static String machineText() {
        return String.format(Locale.ROOT, "%d cores, %s kernels, JDK %s, %d thread(s)", Runtime.getRuntime().availableProcessors(),
                Engine.kernels().name(), System.getProperty("java.version"), Parallel.threads());
    }

    static String machineJson() {
        return "{\"cores\": " + Runtime.getRuntime().availableProcessors() + ", \"threads\": " + Parallel.threads()
                + ", \"kernels\": " + Json.write(Engine.kernels().name()) + ", \"java\": "
                + Json.write(System.getProperty("java.version")) + ", \"ttl4j\": " + Json.write(Main.version()) + "}";
    }

    /** The synthetic interpretability experiment ({@link SyntheticReport}): no dataset, its own small runs. */
    record Synthetic() implements Experiment {
        @Override
        public int defaultEpochs() {
            return SyntheticExperiment.Options.defaults().epochs();
        }

        @Override
        public Report run(Settings s) {
            if (s.dataset() != null) throw new Main.UserError("--dataset does not apply to the synthetic experiment (it generates its data)");
            SyntheticReport.Plan d = SyntheticReport.defaults();
            long[] seeds = new long[d.seeds().length];
            for (int i = 0; i < seeds.length; i++) seeds[i] = s.seed() + i;
            SyntheticReport.Plan p = new SyntheticReport.Plan(d.options().withEpochs(s.epochs()).withSeed(s.seed()), d.noises(), seeds);
            try {
                SyntheticReport.Report r = SyntheticReport.execute(p, s.out(), s.log());
                return new Report(SyntheticReport.markdown(r), SyntheticReport.json(r));
            } catch (IOException e) {
                throw new Main.UserError("cannot write to " + s.out() + ": " + e.getMessage(), e);
            }
        }
    }

    static void row(StringBuilder md, String what, String a, String b, String paper, String ref) {
        md.append("| ").append(what).append(" | ").append(a).append(" | ").append(b).append(" | ").append(paper).append(" | ")
                .append(ref).append(" |\n");
    }

    static void jf(StringBuilder sb, String key, String jsonValue) {
        sb.append("  ").append(Json.write(key)).append(": ").append(jsonValue).append(",\n");
    }

    static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String pct(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * x);
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
