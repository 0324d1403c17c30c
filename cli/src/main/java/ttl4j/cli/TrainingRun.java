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
import ttl4j.data.Augmentation;
import ttl4j.data.Catalog;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Optimizer;
import ttl4j.nn.Sequential;
import ttl4j.nn.SpecException;
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
    /** The file --profile writes (the table goes to the console). */
    static final String PROFILE = "profile.json";

    /** Everything that defines a run, stored in the checkpoint so --resume needs nothing else. */
    record RunConfig(String model, String dataset, int epochs, int batchSize, String normalize, boolean evalEveryEpoch,
                     Augmentation augment) {
        /** A run with the dataset's default augmentation ({@link Augmentation#defaultFor}). */
        RunConfig(String model, String dataset, int epochs, int batchSize, String normalize, boolean evalEveryEpoch) {
            this(model, dataset, epochs, batchSize, normalize, evalEveryEpoch, Augmentation.defaultFor(dataset));
        }

        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("run.model", model);
            m.put("dataset", dataset);
            m.put("run.epochs", Integer.toString(epochs));
            m.put("run.batch_size", Integer.toString(batchSize));
            m.put("run.normalize", normalize);
            m.put("run.eval_every_epoch", Boolean.toString(evalEveryEpoch));
            m.put("run.augment", augment.word());
            return m;
        }

        static RunConfig of(Checkpoint ck) {
            Map<String, String> m = ck.metadata();
            try {
                RunConfig c = new RunConfig(need(m, "run.model", ck), need(m, "dataset", ck), Integer.parseInt(need(m, "run.epochs", ck)),
                        Integer.parseInt(need(m, "run.batch_size", ck)), need(m, "run.normalize", ck),
                        Boolean.parseBoolean(m.getOrDefault("run.eval_every_epoch", "false")),
                        augmentation(m.getOrDefault("run.augment", "none"), ck));
                if (c.epochs() < 1 || c.batchSize() < 1) {
                    throw new Main.UserError(ck.file() + ": bad run settings in __metadata__ (run.epochs " + c.epochs()
                            + ", run.batch_size " + c.batchSize() + "; both must be >= 1)");
                }
                return c;
            } catch (NumberFormatException e) {
                throw new Main.UserError(ck.file() + ": bad run settings in __metadata__ (" + e.getMessage() + ")");
            }
        }

        private static Augmentation augmentation(String word, Checkpoint ck) {
            try {
                return Augmentation.parse(word);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError(ck.file() + ": bad run settings in __metadata__ (run.augment: " + e.getMessage() + ")");
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
     * (the model needs a ttl layer). {@code overwrite} lets a fresh run replace an earlier one in
     * {@code dir} (else refused, see {@link #RUN_FILES}); {@code stopOnCollapse} stops a run that
     * collapses to chance. {@code teacher} (may be null) distils from a trained network. {@code subset}
     * keeps the first N samples of each split (0: all), {@code valSplit} holds out that fraction of
     * the training set for validation (0: none), {@code profile} times every part of each step.
     */
    record Request(RunConfig cfg, Path dir, String dataDir, TrainRecipe recipe, long seed, Checkpoint resumed, int logEvery,
                   long stopAfterSteps, boolean trackImportance, boolean overwrite, boolean stopOnCollapse, Teacher teacher,
                   int subset, double valSplit, boolean profile) {}

    /** The files of a run; a fresh run refuses a directory holding any of them unless asked to overwrite. */
    static final java.util.List<String> RUN_FILES = java.util.List.of(CHECKPOINT, MODEL, METRICS, SUMMARY, IMPORTANCE, CURVES, PROFILE);

    /**
     * How it ended: exit code 0 (done) or 130 (stopped), the trained model, the metrics of every
     * epoch, and the test split with the preparation the model was trained with (so callers can
     * examine the model).
     */
    record Outcome(int exitCode, Path dir, Sequential model, int[] inputShape, List<MetricsFile.Row> epochs, Dataset test,
                   Preprocessing prep, int stepsPerEpoch) {
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
        try (RunLock lock = RunLock.acquire(req.dir())) {
            run.prepareOutputDirectory();
            run.loadData();
            run.createTrainer();
            run.printHeader();
            run.attachCallbacks();
            return run.trainUntilDoneOrStopped();
        }
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
        int[] knownShape = knownInputShape(cfg.dataset(), cfg.model());
        if (knownShape != null) earlyModel = TrainingInputs.model(cfg.model(), knownShape, req.seed());
        optimizer = req.recipe().validated().createOptimizer();
    }

    /** Creates the directory and makes sure a file can be written there, before any time is spent training. */
    private void prepareOutputDirectory() {
        ensureWritable(dir);
        RunLock.removeLeftovers(dir);
        if (req.resumed() == null) {
            List<String> earlier = RUN_FILES.stream().filter(f -> Files.exists(dir.resolve(f))).toList();
            // A metrics file alone with no rows is what an attempt that failed before its first epoch leaves.
            if (earlier.equals(List.of(METRICS)) && MetricsFile.hasNoRows(dir.resolve(METRICS))) earlier = List.of();
            if (!earlier.isEmpty() && !req.overwrite()) {
                throw new Main.UserError(dir + " holds an earlier run (" + String.join(", ", earlier) + "): continue it with "
                        + "`ttl train --resume " + dir + "`, or start again there with --overwrite");
            }
            try {
                for (String f : earlier) Files.deleteIfExists(dir.resolve(f));
            } catch (IOException e) {
                throw new Main.UserError("cannot remove the earlier run in " + dir + " (" + e + ")", e);
            }
        }
        try {
            metrics = MetricsFile.prepare(dir.resolve(METRICS), trainer == null ? 0 : trainer.epoch(),
                    requestedValSplit() > 0 ? "val" : "test");
        } catch (IOException e) {
            throw new Main.UserError("cannot write to output directory " + dir + " (" + e + ")", e);
        }
    }

    /** Both splits (fetched when missing), the input preparation of a fresh run, and the batch sources. */
    private void loadData() {
        train = Datasets.load(req.dataDir(), cfg.dataset(), Split.TRAIN, stdout::println);
        test = Datasets.load(req.dataDir(), cfg.dataset(), Split.TEST, stdout::println);
        subset = req.subset();
        if (subset == 0 && req.resumed() != null) {
            try {
                subset = Integer.parseInt(req.resumed().metadata().getOrDefault(SUBSET_KEY, "0"));
            } catch (NumberFormatException e) {
                throw new Main.UserError(req.resumed().file() + ": bad " + SUBSET_KEY + " in __metadata__");
            }
        }
        if (subset < 0) throw new Main.UserError("subset must be >= 0, got " + subset);
        if (subset > 0) {
            train = firstSamples(train, subset);
            test = firstSamples(test, subset);
        }
        for (Dataset d : new Dataset[] {train, test}) {
            if (d.size() == 0) throw new Main.UserError("dataset " + cfg.dataset() + ": " + d.name() + " has no samples; nothing to train or test on");
        }
        valSplit = requestedValSplit();
        if (valSplit > 0) {
            Dataset[] parts = splitOff(train, valSplit, req.resumed() != null ? trainerSeed() : req.seed());
            train = parts[0];
            val = parts[1];
        }
        inputShape = DatasetBatchSource.sampleShapeFor(cfg.model(), train);
        if (prep == null) prep = cfg.normalize().equals("unit") ? Preprocessing.unitRange(train.channels()) : Preprocessing.standardize(train);
        trainSrc = DatasetBatchSource.shuffled(train, cfg.batchSize(), prep, inputShape, cfg.augment());
        testSrc = DatasetBatchSource.inOrder(test, evalBatch(), prep, inputShape);
        evalSrc = val != null ? DatasetBatchSource.inOrder(val, evalBatch(), prep, inputShape) : testSrc;
    }

    /**
     * The batch of evaluations: 1000 samples for a model of flat inputs, the training batch for one
     * of images. A layer's buffers grow to the largest batch they see and stay, so evaluating a
     * convolutional network at 1000 images would hold gigabytes of activations for the whole run.
     */
    private int evalBatch() {
        return inputShape != null && inputShape.length > 1 ? Math.max(1, cfg.batchSize()) : 1000;
    }

    /** The run's validation fraction: the request's, or on resume the checkpoint's; 0 for none. */
    private double requestedValSplit() {
        double v = req.valSplit();
        if (v == 0 && req.resumed() != null) {
            try {
                v = Double.parseDouble(req.resumed().metadata().getOrDefault(VAL_SPLIT_KEY, "0"));
            } catch (NumberFormatException e) {
                throw new Main.UserError(req.resumed().file() + ": bad " + VAL_SPLIT_KEY + " in __metadata__");
            }
        }
        if (!(v >= 0 && v < 1)) throw new Main.UserError("--val-split must be in [0, 1), got " + v);
        return v;
    }

    /** The seed of a resumed run (the split of its training set depends on it). */
    private long trainerSeed() {
        return Long.parseLong(req.resumed().metadata().getOrDefault("train.seed", "1"));
    }

    /** The fraction of the training set a run holds out for validation, when it does. */
    static final String VAL_SPLIT_KEY = "run.val_split";

    private double valSplit;
    private Dataset val;
    private Trainer.Evaluation finalTest;
    /** What the per-epoch (or last-epoch) evaluation runs on: the validation split when there is one, else the test split. */
    private DatasetBatchSource evalSrc;

    /**
     * {@code d} split into a training part and a validation part of {@code round(fraction N)}
     * samples (at least one), chosen by a permutation drawn from {@code seed}; both parts keep file
     * order within themselves.
     */
    static Dataset[] splitOff(Dataset d, double fraction, long seed) {
        int n = d.size(), nv = (int) Math.max(1, Math.round(fraction * n));
        if (nv >= n) {
            throw new Main.UserError("--val-split " + fraction + " leaves no training samples of the " + n + " in " + d.name());
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed ^ 0x76616c5370L);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        boolean[] isVal = new boolean[n];
        for (int i = 0; i < nv; i++) isVal[perm[i]] = true;
        int f = d.features();
        byte[] ti = new byte[(n - nv) * f], tl = new byte[n - nv], vi = new byte[nv * f], vl = new byte[nv];
        int a = 0, b = 0;
        for (int i = 0; i < n; i++) {
            if (isVal[i]) {
                System.arraycopy(d.images(), i * f, vi, b * f, f);
                vl[b++] = d.labels()[i];
            } else {
                System.arraycopy(d.images(), i * f, ti, a * f, f);
                tl[a++] = d.labels()[i];
            }
        }
        return new Dataset[] {new Dataset(d.name(), ti, tl, d.channels(), d.height(), d.width(), d.numClasses(), d.classNames()),
                new Dataset(d.name().replace("-train", "") + "-val", vi, vl, d.channels(), d.height(), d.width(), d.numClasses(),
                        d.classNames())};
    }

    /** A fresh trainer whose model fits the data, or checks that the resumed model does; the trainer checkpoints after every epoch. */
    private void createTrainer() {
        if (trainer == null) {
            Sequential net = earlyModel != null ? earlyModel : TrainingInputs.model(cfg.model(), inputShape, req.seed());
            checkClasses(net);
            trainer = new Trainer(net, optimizer, req.recipe().createSchedule(cfg.epochs(), trainSrc.steps()), req.seed());
        } else {
            checkResumedShape(req.resumed());
            checkResumedData(req.resumed());
        }
        long dataBytes = (long) (train.size() + test.size()) * (train.features() + 1);
        MemoryEstimate.of(trainer.model(), inputShape, Math.min(cfg.batchSize(), train.size()), evalBatch(), trainer.optimizer(), dataBytes)
                .check(Runtime.getRuntime().maxMemory(), cfg.batchSize());
        checkpointMeta = new LinkedHashMap<>(cfg.metadata());
        checkpointMeta.put("preprocessing", prep.toJson());
        if (req.teacher() != null) {
            req.teacher().attach(trainer, prep, inputShape);
            checkpointMeta.putAll(req.teacher().metadata());
        }
        if (req.dataDir() != null && !req.dataDir().isBlank()) {
            checkpointMeta.put(DATA_DIR_KEY, Path.of(req.dataDir()).toAbsolutePath().normalize().toString());
        }
        if (subset > 0) checkpointMeta.put(SUBSET_KEY, Integer.toString(subset));
        if (valSplit > 0) checkpointMeta.put(VAL_SPLIT_KEY, Double.toString(valSplit));
        checkpointMeta.put(TRAIN_DATA_KEY, fingerprint(train));
        trainer.checkpointTo(dir.resolve(CHECKPOINT), checkpointMeta);
    }

    private void printHeader() {
        Sequential m = trainer.model();
        stdout.printf(Locale.ROOT, "training %s (%,d parameters) on %s (%d train, %d test samples) -> %s%n", m.spec(),
                m.parameterCount(), cfg.dataset(), train.size(), test.size(), dir);
        stdout.printf(Locale.ROOT, "%s, %s, batch %d, %d epochs, %s%d thread(s), %s kernels%s%n", trainer.optimizer(),
                trainer.schedule().spec(), cfg.batchSize(), cfg.epochs(),
                cfg.augment() == Augmentation.NONE ? "" : "augmentation " + cfg.augment().word() + ", ", Parallel.threads(), Engine.kernels().name(),
                req.resumed() != null ? ", resuming after epoch " + trainer.epoch() + " step " + trainer.globalStep() : "");
        if (req.teacher() != null) stdout.println(req.teacher().describe());
        stdout.print(ModelSummary.of(m, inputShape).compact());
    }

    /** Progress on screen, a metrics row per epoch, the importance tracker when asked, and the test-only early stop. */
    private void attachCallbacks() {
        progress = new Progress(stdout, Progress.isTerminal(), cfg.epochs(), req.logEvery());
        if (val != null) progress.evalLabel("val");
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
                    haltIf("eval");
                    Trainer.Evaluation ev = trainer.evaluate(evalSrc);
                    e = new EpochMetrics(e.epoch(), e.globalStep(), e.trainLoss(), e.trainAccuracy(), ev.loss(), ev.accuracy(),
                            e.seconds(), e.samplesPerSecond(), e.lr());
                }
                metrics.append(e);
                haltIf("row:" + e.epoch());
                progress.onEpoch(e);
                checkCollapse(e);
            }
        });
        if (req.profile()) {
            stepProfile = new ttl4j.nn.StepProfile();
            trainer.profile(stepProfile);
        }
        if (HALT_AT != null) trainer.addCallback(haltForCrashTests());
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

    /**
     * A run that learnt nothing: from its second epoch on, training accuracy below 1.5 times chance
     * and loss above 0.9 ln(classes) (what a network predicting the class frequencies scores). A
     * warning, or with --stop-on-collapse a stop before the epoch's checkpoint, so the one kept is
     * the last epoch before the collapse was seen.
     */
    private void checkCollapse(TrainingCallback.EpochMetrics e) {
        int classes = train.numClasses();
        if (classes < 2 || e.epoch() < 2 || collapseWarned) return;
        double chance = 1.0 / classes, lnC = Math.log(classes);
        if (!(e.trainAccuracy() < 1.5 * chance && e.trainLoss() > 0.9 * lnC)) return;
        String what = String.format(Locale.ROOT, "the run has collapsed to chance: after epoch %d train loss %.4f (ln %d = %.4f), "
                + "train accuracy %.2f%% (chance %.2f%%); try a lower --lr or another --optimizer", e.epoch(), e.trainLoss(), classes,
                lnC, 100 * e.trainAccuracy(), 100 * chance);
        if (req.stopOnCollapse()) {
            progress.clear();
            throw new Main.UserError(what + "; stopped by --stop-on-collapse, the checkpoint of epoch " + (e.epoch() - 1)
                    + " is kept in " + dir.resolve(CHECKPOINT));
        }
        collapseWarned = true;
        progress.clear();
        stdout.println("warning: " + what + " (--stop-on-collapse stops such a run)");
    }

    private boolean collapseWarned;
    private ttl4j.nn.StepProfile stepProfile;


    /** With --profile: where this invocation's steps went, on the console and in profile.json. */
    private void reportProfile() {
        if (stepProfile == null || stepProfile.steps() == 0) return;
        ttl4j.cli.bench.ProfileReport.print(stdout, stepProfile, Double.NaN, trainer.model(), inputShape);
        try {
            writeAtomically(dir.resolve(PROFILE),
                    ttl4j.cli.bench.ProfileReport.json(stepProfile, Double.NaN, trainer.model(), inputShape) + "\n");
        } catch (IOException e) {
            stdout.println("warning: could not write " + dir.resolve(PROFILE) + ": " + e.getMessage());
        }
    }

    /**
     * Crash tests only: {@code -Dttl4j.crashTest.haltAt=row:E|checkpoint:E|eval|step:N} ends the
     * process at once, as kill -9 does (no shutdown hooks, nothing flushed), just after epoch E's
     * metrics row, just after its checkpoint, inside the final test evaluation, or after N steps.
     */
    static final String HALT_AT = System.getProperty("ttl4j.crashTest.haltAt");

    private static void haltIf(String point) {
        if (point.equals(HALT_AT)) Runtime.getRuntime().halt(137);
    }

    private TrainingCallback haltForCrashTests() {
        return new TrainingCallback() {
            long steps;

            @Override
            public void onStep(StepInfo s) {
                haltIf("step:" + ++steps);
            }

            @Override
            public void onCheckpoint(Path file, int epoch, long globalStep) {
                haltIf("checkpoint:" + epoch);
            }
        };
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
                r = trainer.fit(trainSrc, cfg.evalEveryEpoch() ? evalSrc : null, cfg.epochs());
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
        reportProfile();
        long inEpoch = trainer.globalStep() - (long) trainer.epoch() * trainSrc.steps();
        String where = inEpoch == 0 ? "after epoch " + trainer.epoch()
                : "in epoch " + (trainer.epoch() + 1) + " after step " + inEpoch + " of " + trainSrc.steps();
        stdout.printf(Locale.ROOT, "stopped %s; state saved in %s; continue with: ttl train --resume %s%n", where,
                dir.resolve(CHECKPOINT), dir);
        return new Outcome(130, dir, trainer.model(), inputShape, metrics.rows(), test, prep, trainSrc.steps());
    }

    /** Done: the final weights, summary.json, importance.csv and curves.png, and the closing line. */
    private Outcome finish() {
        try {
            Map<String, String> finalMeta = new LinkedHashMap<>(checkpointMeta);
            finalMeta.put("epochs_trained", Integer.toString(trainer.epoch()));
            Checkpoint.save(dir.resolve(MODEL), trainer.model(), inputShape, null, finalMeta);
            // With a validation split the epochs were judged on it; the test split is evaluated once, here.
            if (val != null) finalTest = trainer.evaluate(testSrc);
            writeAtomically(dir.resolve(SUMMARY), RunSummary.json(cfg, trainer, prep, metrics.rows(), finalTest, valSplit));
            if (importance != null) importance.writeCsv(dir.resolve(IMPORTANCE));
            drawCurves();
        } catch (IOException e) {
            throw new Main.UserError("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        reportProfile();
        reportGradientFreeRows();
        MetricsFile.Row last = metrics.last();
        if (finalTest != null) {
            stdout.printf(Locale.ROOT, "done: test accuracy %.2f%%, test loss %.6f after %d epochs (validation accuracy %.2f%%); %s%n",
                    100 * finalTest.accuracy(), finalTest.loss(), trainer.epoch(), last != null ? 100 * last.testAccuracy() : Double.NaN,
                    dir.resolve(MODEL));
        } else if (last != null && last.evaluated()) {
            stdout.printf(Locale.ROOT, "done: test accuracy %.2f%%, test loss %.6f after %d epochs; %s%n", 100 * last.testAccuracy(),
                    last.testLoss(), last.epoch(), dir.resolve(MODEL));
        }
        return new Outcome(0, dir, trainer.model(), inputShape, metrics.rows(), test, prep, trainSrc.steps());
    }

    /**
     * With --track-importance: the input-factor rows no step gave a gradient (a slice of the input
     * that is constant zero after preprocessing, e.g. MNIST's blank border with --normalize unit),
     * whose factor-row norm is their initialisation's, not something the data taught.
     */
    private void reportGradientFreeRows() {
        if (importance == null) return;
        double decay = Double.parseDouble(trainer.optimizer().hyperParameters().getOrDefault("weight_decay", "0"));
        for (GradientFreeRows.Rows r : GradientFreeRows.of(trainer.model(), importance)) {
            stdout.println("importance: " + r.note(decay > 0) + (req.resumed() != null ? " (since the resume)" : ""));
        }
    }

    /** Loss and accuracy per epoch; the run's results are on disk already, so a picture that cannot be drawn is only a warning. */
    private void drawCurves() {
        List<MetricsFile.Row> rows = metrics.rows();
        int n = rows.size();
        double[] epoch = new double[n], trainLoss = new double[n], testLoss = new double[n], trainAcc = new double[n],
                testAcc = new double[n], lr = new double[n];
        for (int i = 0; i < n; i++) {
            MetricsFile.Row r = rows.get(i);
            epoch[i] = r.epoch();
            lr[i] = r.lr();
            trainLoss[i] = r.trainLoss();
            testLoss[i] = r.testLoss();
            trainAcc[i] = r.trainAccuracy();
            testAcc[i] = r.testAccuracy();
        }
        try {
            if (n == 0) throw new IOException(dir.resolve(METRICS) + " has no epoch rows");
            // The recipe in the title: what was trained, on what, with which optimiser and schedule.
            String title = trainer.model().spec() + " on " + cfg.dataset() + ", " + trainer.optimizer().name() + ", "
                    + trainer.schedule().spec() + ", batch " + cfg.batchSize();
            Charts.curves(dir.resolve(CURVES), title, epoch, trainLoss, testLoss, trainAcc, testAcc, lr, val != null ? "val" : "test");
        } catch (IOException | RuntimeException e) {
            stdout.println("warning: could not draw " + dir.resolve(CURVES) + ": " + e);
        }
    }

    /** The number of samples of each split a run was restricted to (the first in file order), when it was. */
    static final String SUBSET_KEY = "run.subset";

    private int subset;

    /** The first {@code n} samples of {@code d} (all of them when it has fewer). */
    static Dataset firstSamples(Dataset d, int n) {
        if (n >= d.size()) return d;
        return new Dataset(d.name(), Arrays.copyOf(d.images(), n * d.features()), Arrays.copyOf(d.labels(), n), d.channels(), d.height(),
                d.width(), d.numClasses(), d.classNames());
    }

    /** Where the run's data came from (when --data-dir was given), so a resume finds it without the option. */
    static final String DATA_DIR_KEY = "run.data_dir";
    /** Size and CRC-32 of the training split, so a resume notices a dataset that changed under it. */
    static final String TRAIN_DATA_KEY = "run.train_data";

    /** The data directory a resumed run recorded, when it still exists; else null (the default applies). */
    static String recordedDataDir(Checkpoint ck) {
        String d = ck.metadata().get(DATA_DIR_KEY);
        return d != null && Files.isDirectory(Path.of(d)) ? d : null;
    }

    static String fingerprint(Dataset d) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(d.images());
        crc.update(d.labels());
        return d.size() + " samples, crc32 " + String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private void checkResumedData(Checkpoint ck) {
        String then = ck.metadata().get(TRAIN_DATA_KEY), now = fingerprint(train);
        if (then != null && !then.equals(now)) {
            throw new Main.UserError(ck.file() + ": the training data of " + cfg.dataset() + " changed since the run started ("
                    + then + " then, " + now + " now); a resumed run needs the data it started with");
        }
    }

    /** The per-sample input shape of {@code model} on a catalogue dataset (the image or flat, {@link ModelSpec#inputShapeFor}), or null. */
    static int[] knownInputShape(String dataset, String model) {
        for (Catalog.DatasetSpec s : Catalog.ALL) {
            if (s.name().equals(dataset)) {
                try {
                    return ModelSpec.inputShapeFor(model, s.channels(), s.height(), s.width());
                } catch (SpecException e) {
                    return null; // reported with the command line's wording when the model is built
                }
            }
        }
        return null;
    }

    private void checkClasses(Sequential net) {
        int[] outShape = net.outputShape(inputShape);
        int outputs = outShape[outShape.length - 1];
        // A folder dataset counts its classes from its labels: the test split may name one the training split lacks.
        Dataset most = test.numClasses() > train.numClasses() ? test : train;
        if (outShape.length != 1 || outputs < most.numClasses()) {
            throw new Main.UserError("model " + net.spec() + " gives " + Arrays.toString(outShape) + " outputs per sample; "
                    + most.name() + " has " + most.numClasses() + " classes (end the spec with dense(" + most.numClasses() + "))");
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
