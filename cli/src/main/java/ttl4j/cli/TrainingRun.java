package ttl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import ttl4j.cli.plot.Charts;
import ttl4j.data.Catalog;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Optimizer;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;
import ttl4j.ttl.ImportanceTracker;

/**
 * One training run into an output directory, shared by {@code ttl train} and {@code ttl reproduce}:
 * loads the data, builds (or resumes) the trainer, and writes metrics.csv (one row per epoch, flushed
 * as it goes), checkpoint.safetensors (after every epoch, or when interrupted), model.safetensors,
 * summary.json, curves.png and, when asked, importance.csv.
 */
final class TrainingRun {
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String MODEL = "model.safetensors";
    static final String METRICS = "metrics.csv";
    static final String SUMMARY = "summary.json";
    static final String IMPORTANCE = "importance.csv";
    static final String CURVES = "curves.png";
    static final String METRICS_HEADER = "epoch,train_loss,train_acc,test_loss,test_acc,seconds,samples_per_s,lr";

    private TrainingRun() {}

    /** Everything that defines a run, stored in the checkpoint so --resume needs nothing else. */
    record RunConfig(String model, String dataset, int epochs, int batchSize, String normalize, boolean evalEveryEpoch) {
        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("run.model", model);
            m.put("dataset", dataset);
            m.put("run.epochs", Integer.toString(epochs));
            m.put("run.batch_size", Integer.toString(batchSize));
            m.put("run.normalize", normalize);
            m.put("run.eval_every_epoch", Boolean.toString(evalEveryEpoch));
            return m;
        }

        static RunConfig of(Checkpoint ck) {
            Map<String, String> m = ck.metadata();
            try {
                return new RunConfig(need(m, "run.model", ck), need(m, "dataset", ck), Integer.parseInt(need(m, "run.epochs", ck)),
                        Integer.parseInt(need(m, "run.batch_size", ck)), need(m, "run.normalize", ck),
                        Boolean.parseBoolean(m.getOrDefault("run.eval_every_epoch", "false")));
            } catch (NumberFormatException e) {
                throw new Main.UserError(ck.file() + ": bad run settings in __metadata__ (" + e.getMessage() + ")");
            }
        }

        private static String need(Map<String, String> m, String key, Checkpoint ck) {
            String v = m.get(key);
            if (v == null) throw new Main.UserError(ck.file() + ": not a `ttl train` checkpoint (no " + key + " in __metadata__)");
            return v;
        }
    }

    /**
     * What to run. A fresh run has {@code recipe} and {@code seed}; a resumed one has {@code resumed}
     * (its trainer state and preprocessing come from it). {@code stopAfterSteps > 0} stops as Ctrl-C
     * does after that many steps (for testing resume). {@code trackImportance} writes importance.csv
     * (the model needs a ttl layer).
     */
    record Request(RunConfig cfg, Path dir, String dataDir, TrainRecipe recipe, long seed, Checkpoint resumed, int logEvery,
                   long stopAfterSteps, boolean trackImportance) {}

    /**
     * How it ended: exit code 0 (done) or 130 (stopped), the trained model, the metrics rows, and the
     * test split with the preparation the model was trained with (so callers can examine the model).
     */
    record Outcome(int exitCode, Path dir, Sequential model, int[] inputShape, List<String[]> rows, Dataset test, Preprocessing prep) {
        /** Test accuracy after the last epoch, NaN when it was not evaluated. */
        double testAccuracy() {
            if (rows.isEmpty() || rows.get(rows.size() - 1)[4].isEmpty()) return Double.NaN;
            return Double.parseDouble(rows.get(rows.size() - 1)[4]);
        }

        double[] epochSeconds() {
            return rows.stream().mapToDouble(r -> Double.parseDouble(r[5])).toArray();
        }
    }

    static Outcome run(Request req, PrintStream stdout) {
        RunConfig cfg = req.cfg();
        Path dir = req.dir();
        Checkpoint resumed = req.resumed();
        Trainer trainer = null;
        Preprocessing prep = null;
        if (resumed != null) {
            try {
                trainer = Trainer.resume(resumed);
            } catch (IOException e) {
                throw new Main.UserError(e.getMessage(), e);
            }
            String p = resumed.metadata().get("preprocessing");
            if (p == null) throw new Main.UserError(resumed.file() + ": no preprocessing in __metadata__");
            try {
                prep = Preprocessing.fromJson(p);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError(resumed.file() + ": " + e.getMessage());
            }
        }

        // Check what can be checked before the data is loaded: model spec and optimiser settings.
        int[] knownShape = knownInputShape(cfg.dataset());
        Sequential net = null;
        if (trainer == null && knownShape != null) net = TrainingInputs.model(cfg.model(), knownShape, req.seed());
        Optimizer opt = trainer == null ? req.recipe().validated().createOptimizer() : null;

        prepareDir(dir, resumed);

        Dataset train = Datasets.load(req.dataDir(), cfg.dataset(), Split.TRAIN, stdout::println);
        Dataset test = Datasets.load(req.dataDir(), cfg.dataset(), Split.TEST, stdout::println);
        int[] inputShape = {train.features()};
        if (prep == null) prep = cfg.normalize().equals("unit") ? Preprocessing.unitRange(train.channels()) : Preprocessing.standardize(train);
        DatasetBatchSource trainSrc = DatasetBatchSource.shuffled(train, cfg.batchSize(), prep);
        DatasetBatchSource testSrc = DatasetBatchSource.inOrder(test, 1000, prep);

        if (trainer == null) {
            if (net == null) net = TrainingInputs.model(cfg.model(), inputShape, req.seed());
            checkClasses(net, inputShape, train);
            trainer = new Trainer(net, opt, req.recipe().createSchedule(cfg.epochs(), trainSrc.steps()), req.seed());
        } else {
            checkResumedShape(resumed, inputShape, train);
        }
        Map<String, String> meta = new LinkedHashMap<>(cfg.metadata());
        meta.put("preprocessing", prep.toJson());
        trainer.checkpointTo(dir.resolve(CHECKPOINT), meta);

        boolean terminal = Progress.isTerminal();
        Progress progress = new Progress(stdout, terminal, cfg.epochs(), req.logEvery());
        Sequential m = trainer.model();
        stdout.printf(Locale.ROOT, "training %s (%,d parameters) on %s (%d train, %d test samples) -> %s%n", m.spec(),
                m.parameterCount(), cfg.dataset(), train.size(), test.size(), dir);
        stdout.printf(Locale.ROOT, "%s, %s, batch %d, %d epochs, %d thread(s), %s kernels%s%n", trainer.optimizer(),
                trainer.schedule().spec(), cfg.batchSize(), cfg.epochs(), Parallel.threads(), Engine.kernels().name(),
                resumed != null ? ", resuming after epoch " + trainer.epoch() + " step " + trainer.globalStep() : "");
        MetricsFile metrics = new MetricsFile(dir.resolve(METRICS));
        Trainer tr = trainer;
        ImportanceTracker importance = null;
        if (req.trackImportance()) {
            if (!ImportanceTracker.applies(m)) throw new Main.UserError("--track-importance needs a model with a ttl layer; " + m.spec() + " has none");
            importance = ImportanceTracker.attach(tr);
        }
        int totalEpochs = cfg.epochs();
        boolean evalEach = cfg.evalEveryEpoch();
        // One callback so the row on disk and the line on screen carry the same (final) test metrics.
        tr.addCallback(new TrainingCallback() {
            @Override
            public void onStep(StepInfo s) {
                progress.onStep(s);
            }

            @Override
            public void onEpoch(EpochMetrics e) {
                if (!evalEach && e.epoch() == totalEpochs) {
                    Trainer.Evaluation ev = tr.evaluate(testSrc);
                    e = new EpochMetrics(e.epoch(), e.globalStep(), e.trainLoss(), e.trainAccuracy(), ev.loss(), ev.accuracy(),
                            e.seconds(), e.samplesPerSecond(), e.lr());
                }
                metrics.append(e);
                progress.onEpoch(e);
            }
        });
        if (req.stopAfterSteps() > 0) {
            tr.addCallback(new TrainingCallback() {
                long n;

                @Override
                public void onStep(StepInfo s) {
                    if (++n == req.stopAfterSteps()) tr.requestStop();
                }
            });
        }

        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            tr.requestStop();
            try {
                // Give the trainer time to finish its step and write the checkpoint.
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "ttl-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Trainer.Result r;
            try {
                r = tr.fit(trainSrc, evalEach ? testSrc : null, totalEpochs);
            } catch (RuntimeException e) {
                progress.clear();
                if (e instanceof UncheckedIOException u) throw new Main.UserError(u.getMessage(), u);
                throw e;
            }
            if (r.stopped()) {
                progress.clear();
                long inEpoch = tr.globalStep() - (long) tr.epoch() * trainSrc.steps();
                String where = inEpoch == 0 ? "after epoch " + tr.epoch()
                        : "in epoch " + (tr.epoch() + 1) + " after step " + inEpoch + " of " + trainSrc.steps();
                stdout.printf(Locale.ROOT, "stopped %s; state saved in %s; continue with: ttl train --resume %s%n", where,
                        dir.resolve(CHECKPOINT), dir);
                return new Outcome(130, dir, tr.model(), inputShape, metrics.rows(), test, prep);
            }
            try {
                Map<String, String> finalMeta = new LinkedHashMap<>(meta);
                finalMeta.put("epochs_trained", Integer.toString(tr.epoch()));
                Checkpoint.save(dir.resolve(MODEL), tr.model(), inputShape, null, finalMeta);
                writeSummary(dir, cfg, tr, prep, metrics);
                if (importance != null) importance.writeCsv(dir.resolve(IMPORTANCE));
                try {
                    Charts.curvesFromMetrics(dir.resolve(METRICS), dir.resolve(CURVES), m.spec() + " on " + cfg.dataset());
                } catch (IOException | RuntimeException e) {
                    // The run's results are on disk; a missing picture must not turn it into a failure.
                    stdout.println("warning: could not draw " + dir.resolve(CURVES) + ": " + e);
                }
            } catch (IOException e) {
                throw new Main.UserError("cannot write to " + dir + ": " + e.getMessage(), e);
            }
            List<String[]> rows = metrics.rows();
            if (!rows.isEmpty() && !rows.get(rows.size() - 1)[4].isEmpty()) {
                String[] last = rows.get(rows.size() - 1);
                stdout.printf(Locale.ROOT, "done: test accuracy %.2f%%, test loss %s after %s epochs; %s%n",
                        100 * Double.parseDouble(last[4]), last[3], last[0], dir.resolve(MODEL));
            }
            return new Outcome(0, dir, tr.model(), inputShape, rows, test, prep);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns once the latch is released
            }
        }
    }

    static int[] knownInputShape(String dataset) {
        for (Catalog.DatasetSpec s : Catalog.ALL) {
            if (s.name().equals(dataset)) return new int[] {s.channels() * s.height() * s.width()};
        }
        return null;
    }

    private static void checkClasses(Sequential net, int[] inputShape, Dataset train) {
        int[] outShape = net.outputShape(inputShape);
        int outputs = outShape[outShape.length - 1];
        if (outShape.length != 1 || outputs < train.numClasses()) {
            throw new Main.UserError("model " + net.spec() + " gives " + Arrays.toString(outShape) + " outputs per sample; "
                    + train.name() + " has " + train.numClasses() + " classes (end the spec with dense(" + train.numClasses() + "))");
        }
    }

    private static void checkResumedShape(Checkpoint ck, int[] inputShape, Dataset train) {
        try {
            if (!Arrays.equals(ck.inputShape(), inputShape)) {
                throw new Main.UserError(ck.file() + ": the model takes inputs of shape " + Arrays.toString(ck.inputShape())
                        + ", dataset " + train.name() + " has " + Arrays.toString(inputShape));
            }
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
    }

    /** Creates the directory and makes sure a file can be written there, before any time is spent training. */
    static void prepareDir(Path dir, Checkpoint resumed) {
        ensureWritable(dir);
        try {
            MetricsFile.prepare(dir.resolve(METRICS), resumed == null ? 0 : Integer.parseInt(resumed.metadata().get("train.epoch")));
        } catch (IOException | RuntimeException e) {
            if (e instanceof Main.UserError u) throw u;
            throw new Main.UserError("cannot write to output directory " + dir + " (" + e + ")", e);
        }
    }

    /** Creates the directory and checks that a file can be written there. */
    static void ensureWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            if (e instanceof Main.UserError u) throw u;
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way" : e.toString();
            throw new Main.UserError("cannot write to output directory " + dir + " (" + why + ")", e);
        }
    }

    private static void writeSummary(Path dir, RunConfig cfg, Trainer tr, Preprocessing prep, MetricsFile metrics) throws IOException {
        List<String[]> rows = metrics.rows();
        String[] last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        StringBuilder secs = new StringBuilder("[");
        double total = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) secs.append(',');
            secs.append(rows.get(i)[5]);
            total += Double.parseDouble(rows.get(i)[5]);
        }
        secs.append(']');
        Sequential m = tr.model();
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "model", Json.write(cfg.model()));
        field(sb, "spec", Json.write(m.spec()));
        field(sb, "parameters", Long.toString(m.parameterCount()));
        field(sb, "dataset", Json.write(cfg.dataset()));
        field(sb, "preprocessing", prep.toJson());
        field(sb, "epochs", Integer.toString(tr.epoch()));
        field(sb, "batch_size", Integer.toString(cfg.batchSize()));
        field(sb, "optimizer", Json.write(tr.optimizer().toString()));
        field(sb, "lr_schedule", Json.write(tr.schedule().spec()));
        field(sb, "seed", Long.toString(tr.seed()));
        if (last != null) {
            field(sb, "train_loss", last[1]);
            field(sb, "train_accuracy", last[2]);
            field(sb, "test_loss", last[3].isEmpty() ? "null" : last[3]);
            field(sb, "test_accuracy", last[4].isEmpty() ? "null" : last[4]);
        }
        field(sb, "seconds_per_epoch", secs.toString());
        field(sb, "training_seconds", String.format(Locale.ROOT, "%.3f", total));
        field(sb, "java", Json.write(System.getProperty("java.version")));
        field(sb, "threads", Integer.toString(Parallel.threads()));
        field(sb, "kernels", Json.write(Engine.kernels().name()));
        field(sb, "ttl4j", Json.write(Main.version()));
        sb.setLength(sb.length() - 2);
        sb.append("\n}\n");
        writeAtomically(dir.resolve(SUMMARY), sb.toString());
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void field(StringBuilder sb, String key, String jsonValue) {
        sb.append("  ").append(Json.write(key)).append(": ").append(jsonValue).append(",\n");
    }

    /** {@code metrics.csv}: header once, one row per epoch appended and flushed as soon as the epoch ends. */
    static final class MetricsFile {
        private final Path file;

        MetricsFile(Path file) {
            this.file = file;
        }

        /**
         * Starts the file, or on resume keeps the header and the rows of epochs up to
         * {@code keepEpochs} (a row written after the last checkpoint belongs to work being redone).
         */
        static void prepare(Path file, int keepEpochs) throws IOException {
            List<String> keep = new ArrayList<>();
            keep.add(METRICS_HEADER);
            if (keepEpochs > 0 && Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.startsWith("epoch")) continue;
                    try {
                        if (Integer.parseInt(line.substring(0, line.indexOf(','))) <= keepEpochs) keep.add(line);
                    } catch (RuntimeException ignored) {
                        // a torn last line
                    }
                }
            }
            Files.write(file, keep, StandardCharsets.UTF_8);
        }

        void append(TrainingCallback.EpochMetrics e) {
            String row = String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%.3f,%.1f,%.6g%n", e.epoch(), e.trainLoss(), e.trainAccuracy(),
                    Double.isNaN(e.evalLoss()) ? "" : String.format(Locale.ROOT, "%.6f", e.evalLoss()),
                    Double.isNaN(e.evalAccuracy()) ? "" : String.format(Locale.ROOT, "%.6f", e.evalAccuracy()),
                    e.seconds(), e.samplesPerSecond(), e.lr());
            try {
                // Opened per row: the row is on disk when the epoch line appears on screen.
                Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.CREATE);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot append to " + file + ": " + ex.getMessage(), ex);
            }
        }

        List<String[]> rows() {
            List<String[]> r = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.startsWith("epoch")) continue;
                    String[] f = line.split(",", -1);
                    if (f.length == 8) r.add(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r;
        }
    }
}
