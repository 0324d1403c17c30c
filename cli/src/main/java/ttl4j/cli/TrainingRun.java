package ttl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * summary.json, curves.png and, when asked, importance.csv. {@link #run} lists the steps in order;
 * each step is a method below, and the state they pass on is the fields.
 */
final class TrainingRun {
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String MODEL = "model.safetensors";
    static final String METRICS = "metrics.csv";
    static final String SUMMARY = "summary.json";
    static final String IMPORTANCE = "importance.csv";
    static final String CURVES = "curves.png";

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
     * (the model needs a ttl layer). {@code teacher} (may be null) distils from a trained network.
     */
    record Request(RunConfig cfg, Path dir, String dataDir, TrainRecipe recipe, long seed, Checkpoint resumed, int logEvery,
                   long stopAfterSteps, boolean trackImportance, Teacher teacher) {
        Request(RunConfig cfg, Path dir, String dataDir, TrainRecipe recipe, long seed, Checkpoint resumed, int logEvery,
                long stopAfterSteps, boolean trackImportance) {
            this(cfg, dir, dataDir, recipe, seed, resumed, logEvery, stopAfterSteps, trackImportance, null);
        }
    }

    /**
     * How it ended: exit code 0 (done) or 130 (stopped), the trained model, the metrics of every
     * epoch, and the test split with the preparation the model was trained with (so callers can
     * examine the model).
     */
    record Outcome(int exitCode, Path dir, Sequential model, int[] inputShape, List<MetricsFile.Row> epochs, Dataset test,
                   Preprocessing prep) {
        /** Test accuracy after the last epoch, NaN when it was not evaluated. */
        double testAccuracy() {
            return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testAccuracy();
        }

        double[] epochSeconds() {
            return epochs.stream().mapToDouble(MetricsFile.Row::seconds).toArray();
        }
    }

    private final Request req;
    private final RunConfig cfg;
    private final Path dir;
    private final PrintStream stdout;

    private Trainer trainer;
    private Preprocessing prep;
    private Sequential earlyModel;
    private Optimizer optimizer;
    private MetricsFile metrics;
    private Dataset train, test;
    private DatasetBatchSource trainSrc, testSrc;
    private int[] inputShape;
    private Map<String, String> checkpointMeta;
    private Progress progress;
    private ImportanceTracker importance;

    private TrainingRun(Request req, PrintStream stdout) {
        this.req = req;
        this.cfg = req.cfg();
        this.dir = req.dir();
        this.stdout = stdout;
    }

    static Outcome run(Request req, PrintStream stdout) {
        TrainingRun run = new TrainingRun(req, stdout);
        run.restoreResumedTrainer();
        run.checkSettingsBeforeLoading();
        run.prepareOutputDirectory();
        run.loadData();
        run.createTrainer();
        run.printHeader();
        run.attachCallbacks();
        return run.trainUntilDoneOrStopped();
    }

    /** A resumed run: the trainer (model, optimiser, schedule, progress) and the input preparation from its checkpoint. */
    private void restoreResumedTrainer() {
        Checkpoint resumed = req.resumed();
        if (resumed == null) return;
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

    /** Checks what can be checked before the data is loaded: the model spec (for a catalogue dataset) and the optimiser settings. */
    private void checkSettingsBeforeLoading() {
        if (trainer != null) return;
        int[] knownShape = knownInputShape(cfg.dataset());
        if (knownShape != null) earlyModel = TrainingInputs.model(cfg.model(), knownShape, req.seed());
        optimizer = req.recipe().validated().createOptimizer();
    }

    /** Creates the directory and makes sure a file can be written there, before any time is spent training. */
    private void prepareOutputDirectory() {
        ensureWritable(dir);
        try {
            metrics = MetricsFile.prepare(dir.resolve(METRICS), trainer == null ? 0 : trainer.epoch());
        } catch (IOException e) {
            throw new Main.UserError("cannot write to output directory " + dir + " (" + e + ")", e);
        }
    }

    /** Both splits (fetched when missing), the input preparation of a fresh run, and the batch sources. */
    private void loadData() {
        train = Datasets.load(req.dataDir(), cfg.dataset(), Split.TRAIN, stdout::println);
        test = Datasets.load(req.dataDir(), cfg.dataset(), Split.TEST, stdout::println);
        inputShape = new int[] {train.features()};
        if (prep == null) prep = cfg.normalize().equals("unit") ? Preprocessing.unitRange(train.channels()) : Preprocessing.standardize(train);
        trainSrc = DatasetBatchSource.shuffled(train, cfg.batchSize(), prep);
        testSrc = DatasetBatchSource.inOrder(test, 1000, prep);
    }

    /** A fresh trainer whose model fits the data, or checks that the resumed model does; the trainer checkpoints after every epoch. */
    private void createTrainer() {
        if (trainer == null) {
            Sequential net = earlyModel != null ? earlyModel : TrainingInputs.model(cfg.model(), inputShape, req.seed());
            checkClasses(net);
            trainer = new Trainer(net, optimizer, req.recipe().createSchedule(cfg.epochs(), trainSrc.steps()), req.seed());
        } else {
            checkResumedShape(req.resumed());
        }
        checkpointMeta = new LinkedHashMap<>(cfg.metadata());
        checkpointMeta.put("preprocessing", prep.toJson());
        if (req.teacher() != null) {
            req.teacher().attach(trainer, prep, inputShape);
            checkpointMeta.putAll(req.teacher().metadata());
        }
        trainer.checkpointTo(dir.resolve(CHECKPOINT), checkpointMeta);
    }

    private void printHeader() {
        Sequential m = trainer.model();
        stdout.printf(Locale.ROOT, "training %s (%,d parameters) on %s (%d train, %d test samples) -> %s%n", m.spec(),
                m.parameterCount(), cfg.dataset(), train.size(), test.size(), dir);
        stdout.printf(Locale.ROOT, "%s, %s, batch %d, %d epochs, %d thread(s), %s kernels%s%n", trainer.optimizer(),
                trainer.schedule().spec(), cfg.batchSize(), cfg.epochs(), Parallel.threads(), Engine.kernels().name(),
                req.resumed() != null ? ", resuming after epoch " + trainer.epoch() + " step " + trainer.globalStep() : "");
        if (req.teacher() != null) stdout.println(req.teacher().describe());
    }

    /** Progress on screen, a metrics row per epoch, the importance tracker when asked, and the test-only early stop. */
    private void attachCallbacks() {
        progress = new Progress(stdout, Progress.isTerminal(), cfg.epochs(), req.logEvery());
        if (req.trackImportance()) {
            Sequential m = trainer.model();
            if (!ImportanceTracker.applies(m)) throw new Main.UserError("--track-importance needs a model with a ttl layer; " + m.spec() + " has none");
            importance = ImportanceTracker.attach(trainer);
        }
        // One callback so the row on disk and the line on screen carry the same (final) test metrics.
        trainer.addCallback(new TrainingCallback() {
            @Override
            public void onStep(StepInfo s) {
                progress.onStep(s);
            }

            @Override
            public void onEpoch(EpochMetrics e) {
                if (!cfg.evalEveryEpoch() && e.epoch() == cfg.epochs()) {
                    Trainer.Evaluation ev = trainer.evaluate(testSrc);
                    e = new EpochMetrics(e.epoch(), e.globalStep(), e.trainLoss(), e.trainAccuracy(), ev.loss(), ev.accuracy(),
                            e.seconds(), e.samplesPerSecond(), e.lr());
                }
                metrics.append(e);
                progress.onEpoch(e);
            }
        });
        if (req.stopAfterSteps() > 0) {
            trainer.addCallback(new TrainingCallback() {
                long n;

                @Override
                public void onStep(StepInfo s) {
                    if (++n == req.stopAfterSteps()) trainer.requestStop();
                }
            });
        }
    }

    /** Trains to the last epoch; Ctrl-C (a shutdown hook) stops after the current step with the state checkpointed. */
    private Outcome trainUntilDoneOrStopped() {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
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
                r = trainer.fit(trainSrc, cfg.evalEveryEpoch() ? testSrc : null, cfg.epochs());
            } catch (RuntimeException e) {
                progress.clear();
                throw e;
            }
            return r.stopped() ? stopped() : finish();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns once the latch is released
            }
        }
    }

    /** Interrupted: says where, and how to continue. */
    private Outcome stopped() {
        progress.clear();
        long inEpoch = trainer.globalStep() - (long) trainer.epoch() * trainSrc.steps();
        String where = inEpoch == 0 ? "after epoch " + trainer.epoch()
                : "in epoch " + (trainer.epoch() + 1) + " after step " + inEpoch + " of " + trainSrc.steps();
        stdout.printf(Locale.ROOT, "stopped %s; state saved in %s; continue with: ttl train --resume %s%n", where,
                dir.resolve(CHECKPOINT), dir);
        return new Outcome(130, dir, trainer.model(), inputShape, metrics.rows(), test, prep);
    }

    /** Done: the final weights, summary.json, importance.csv and curves.png, and the closing line. */
    private Outcome finish() {
        try {
            Map<String, String> finalMeta = new LinkedHashMap<>(checkpointMeta);
            finalMeta.put("epochs_trained", Integer.toString(trainer.epoch()));
            Checkpoint.save(dir.resolve(MODEL), trainer.model(), inputShape, null, finalMeta);
            writeAtomically(dir.resolve(SUMMARY), RunSummary.json(cfg, trainer, prep, metrics.rows()));
            if (importance != null) importance.writeCsv(dir.resolve(IMPORTANCE));
            drawCurves();
        } catch (IOException e) {
            throw new Main.UserError("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        MetricsFile.Row last = metrics.last();
        if (last != null && last.evaluated()) {
            stdout.printf(Locale.ROOT, "done: test accuracy %.2f%%, test loss %.6f after %d epochs; %s%n", 100 * last.testAccuracy(),
                    last.testLoss(), last.epoch(), dir.resolve(MODEL));
        }
        return new Outcome(0, dir, trainer.model(), inputShape, metrics.rows(), test, prep);
    }

    /** Loss and accuracy per epoch; the run's results are on disk already, so a picture that cannot be drawn is only a warning. */
    private void drawCurves() {
        List<MetricsFile.Row> rows = metrics.rows();
        int n = rows.size();
        double[] epoch = new double[n], trainLoss = new double[n], testLoss = new double[n], trainAcc = new double[n],
                testAcc = new double[n];
        for (int i = 0; i < n; i++) {
            MetricsFile.Row r = rows.get(i);
            epoch[i] = r.epoch();
            trainLoss[i] = r.trainLoss();
            testLoss[i] = r.testLoss();
            trainAcc[i] = r.trainAccuracy();
            testAcc[i] = r.testAccuracy();
        }
        try {
            if (n == 0) throw new IOException(dir.resolve(METRICS) + " has no epoch rows");
            Charts.curves(dir.resolve(CURVES), trainer.model().spec() + " on " + cfg.dataset(), epoch, trainLoss, testLoss, trainAcc,
                    testAcc);
        } catch (IOException | RuntimeException e) {
            stdout.println("warning: could not draw " + dir.resolve(CURVES) + ": " + e);
        }
    }

    static int[] knownInputShape(String dataset) {
        for (Catalog.DatasetSpec s : Catalog.ALL) {
            if (s.name().equals(dataset)) return new int[] {s.channels() * s.height() * s.width()};
        }
        return null;
    }

    private void checkClasses(Sequential net) {
        int[] outShape = net.outputShape(inputShape);
        int outputs = outShape[outShape.length - 1];
        if (outShape.length != 1 || outputs < train.numClasses()) {
            throw new Main.UserError("model " + net.spec() + " gives " + Arrays.toString(outShape) + " outputs per sample; "
                    + train.name() + " has " + train.numClasses() + " classes (end the spec with dense(" + train.numClasses() + "))");
        }
    }

    private void checkResumedShape(Checkpoint ck) {
        try {
            if (!Arrays.equals(ck.inputShape(), inputShape)) {
                throw new Main.UserError(ck.file() + ": the model takes inputs of shape " + Arrays.toString(ck.inputShape())
                        + ", dataset " + train.name() + " has " + Arrays.toString(inputShape));
            }
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
    }

    /** Creates the directory and checks that a file can be written there. */
    static void ensureWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "a file is in the way" : e.toString();
            throw new Main.UserError("cannot write to output directory " + dir + " (" + why + ")", e);
        }
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
