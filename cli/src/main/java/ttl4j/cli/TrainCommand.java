package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.TrainingRun.RunConfig;
import ttl4j.data.Augmentation;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.ModelSpec;

/** {@code ttl train}: train a network on a dataset, with metrics, checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network on a dataset with softmax cross-entropy (or distil it from a trained network: --teacher).",
                "",
                "Writes to the output directory:",
                "  metrics.csv             one row per epoch, flushed as it goes",
                "  curves.png              loss and accuracy per epoch, at the end",
                "  checkpoint.safetensors  the full training state after every epoch, or when",
                "                          interrupted with Ctrl-C",
                "  model.safetensors       the final weights",
                "  summary.json            the run's settings and results",
                "",
                "Models: a preset or a spec. Presets: mlp-mnist = dense(300)|relu|dense(10) (784-300-10), "
                        + "mlp-wide = dense(1024)|relu|dense(1024)|relu|dense(10), "
                        + "ttl-mnist = ttl(28x28->300; r=5x5; s=10)|relu|dense(10) (the paper's Tucker tensor layer), "
                        + "vgg16 and vgg16-ttl (VGG-16's 13 convolutions with batch norm for 3x32x32 images, then a "
                        + "512-4096-4096-10 head, dense or with the two 4096-wide layers as Tucker layers 8x8x8->16x16x16 and "
                        + "16x16x16->16x16x16, ranks 8; every head layer initialised as PyTorch's Linear, kaiming_uniform), "
                        + "vgg16-dropout and vgg16-ttl-dropout (dropout 0.5 in the head). "
                        + "A spec lists layers separated by '|': "
                        + "dense(N[,init=he|glorot|kaiming_uniform]), ttl(I1xI2..->J1x..; r=R1xR2..; s=S1x..[; mode=auto|factorized|reconstructed][; init=..]), "
                        + "relu, tanh, sigmoid, dropout(P), flatten, "
                        + "conv(K,k=R[xS][,s=..][,p=..][,d=..][,bias=false]), maxpool(R[xS][,s=..][,p=..]), "
                        + "avgpool(R[xS][,s=..][,p=..][,count_include_pad=false]), gap (global average pooling to C features), "
                        + "bn[(eps=..,momentum=..)], e.g. "
                        + "'dense(512)|relu|dropout(0.2)|dense(10)' or 'conv(8,k=3,p=1)|bn|relu|maxpool(2)|flatten|dense(10)'. "
                        + "Inputs are the flattened images (784 for MNIST, 3072 for CIFAR-10), or the images (C, H, W), "
                        + "e.g. 1x28x28, for a spec with conv, maxpool, avgpool or gap; the last dense layer needs one output per class.",
                "",
                "Defaults (mlp-mnist reaches 98.4%% on MNIST and 89.6%% on Fashion-MNIST with them, ttl-mnist 96.2%% and 86.4%%): "
                        + "20 epochs, batch 128, Adam with lr 0.003 decayed to 0 by a cosine schedule, no weight decay, "
                        + "inputs standardised with the training set's mean and std (per channel, recorded in the checkpoint), "
                        + "for cifar10 random crops and flips (--augment).",
                ""},
        footer = {"", "Examples:",
                "  ttl train --model mlp-mnist --dataset mnist",
                "  ttl train --model 'dense(512)|relu|dense(10)' --dataset fashion-mnist --optimizer sgd --lr 0.05 --epochs 10",
                "  ttl train --resume runs/mlp-mnist-mnist-20250101-120000"})
final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT = TrainingRun.CHECKPOINT;
    static final String METRICS_HEADER = MetricsFile.HEADER;

    @Option(names = "--model", paramLabel = "PRESET|SPEC", description = "mlp-mnist, mlp-wide, ttl-mnist, or a spec (see above).")
    String model;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "mnist, fashion-mnist, cifar10 (fetched into the data directory when missing), or the name of "
                    + "a folder in the data directory holding train-/t10k- IDX files.")
    String dataset;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 20; with --resume: the run's own).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Samples per step (default: 128).")
    Integer batchSize;

    @Mixin
    RecipeOptions recipeOptions = new RecipeOptions();

    @Option(names = "--normalize", paramLabel = "KIND",
            description = "Input preparation: standardize (training-set mean and std per channel) or unit (pixels / 255) "
                    + "(default: standardize).")
    String normalize;

    @Option(names = "--augment", paramLabel = "KIND",
            description = "Training-time augmentation: crop-flip (random crop of the image zero-padded by 4 pixels, horizontal "
                    + "flip with probability 1/2, drawn from the seed, epoch and step) or none (default: crop-flip for cifar10, "
                    + "none otherwise).")
    String augment;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the initial weights, the shuffling and dropout (default: 1).")
    Long seed;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: runs/<model>-<dataset>-<yyyyMMdd-HHmmss>).")
    Path out;

    @Option(names = "--overwrite",
            description = "Start afresh in an --out directory that holds an earlier run, replacing its files (without it such a "
                    + "directory is refused: continue the run with --resume instead).")
    boolean overwrite;

    @Option(names = "--json", description = "Print summary.json's content on stdout when done (progress and messages go to "
            + "stderr); a stopped run prints {\"stopped\": true, ...} with where to resume.")
    boolean json;

    @Option(names = "--val-split", paramLabel = "F",
            description = "Hold out this fraction of the training set (chosen by the seed) for validation: the per-epoch "
                    + "evaluation (--eval-every-epoch) and the metrics' val_* columns use it, the test split is evaluated once at "
                    + "the end, so choosing a recipe never looks at the test set (default: 0, none).")
    Double valSplit;

    @Option(names = "--profile", description = "Time every layer's forward and backward and every other part of each step (loss, "
            + "zeroing, guard, update, data; a clock read around each, its cost counted) and print, when the run ends, milliseconds "
            + "per step and share by part, then per layer its forward and backward time, GFLOPS and algorithm; also written to "
            + "profile.json.")
    boolean profile;

    @Option(names = "--stop-on-collapse",
            description = "Stop (exit 2) when the run has collapsed to chance (from epoch 2: train accuracy below 1.5x chance and "
                    + "loss above 0.9 ln(classes)), keeping the checkpoint of the epoch before; without it a warning is printed.")
    boolean stopOnCollapse;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its checkpoint; model, data and optimiser settings come from it.")
    Path resume;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Option(names = "--eval-every-epoch", description = "Evaluate after every epoch (default: after the last), on the test split, "
            + "or on the validation split with --val-split.")
    Boolean evalEveryEpoch;

    @Option(names = "--log-every", paramLabel = "N",
            description = "When the output is not a terminal, also log every N steps (default: 0, once per epoch).")
    int logEvery;

    @Option(names = "--track-importance",
            description = "Accumulate the squared row norms of every ttl layer's input-factor gradients over the run and "
                    + "write importance.csv (per epoch and total, per layer, mode and feature index; of a resumed run: from "
                    + "where it resumed). Needs a model with a ttl layer.")
    boolean trackImportance;

    @Mixin
    DistillOptions distill = new DistillOptions();

    /** Stops as Ctrl-C does after this many steps of this invocation (for testing resume). */
    @Option(names = "--stop-after-steps", hidden = true)
    long stopAfterSteps;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (logEvery < 0) throw new Main.UserError("--log-every must be >= 0, got " + logEvery);

        RunConfig cfg;
        Path dir;
        Checkpoint resumed = null;
        if (resume != null) {
            rejectWithResume();
            dir = resume;
            Path ckFile = dir.resolve(CHECKPOINT);
            if (!Files.isRegularFile(ckFile)) throw new Main.UserError("--resume " + dir + ": no " + CHECKPOINT + " in it");
            try {
                resumed = Checkpoint.load(ckFile);
            } catch (IOException e) {
                throw new Main.UserError(e.getMessage(), e);
            }
            RunConfig old = RunConfig.of(resumed);
            int ep = epochs != null ? epochs : old.epochs();
            if (ep < 1) throw new Main.UserError("--epochs must be >= 1, got " + ep);
            checkEpochsOfResumedRun(resumed, old, ep);
            if (dataDir == null) dataDir = TrainingRun.recordedDataDir(resumed);
            cfg = new RunConfig(old.model(), old.dataset(), ep, old.batchSize(), old.normalize(),
                    evalEveryEpoch != null ? evalEveryEpoch : old.evalEveryEpoch(), old.augment());
        } else {
            if (model == null) throw new Main.UserError("missing --model (a preset: " + String.join(", ", ModelSpec.presets().keySet())
                    + ", or a spec such as 'dense(300)|relu|dense(10)'; see ttl train --help)");
            if (dataset == null) throw new Main.UserError("missing --dataset (" + Datasets.NAMES + ")");
            if (valSplit != null && !(valSplit > 0 && valSplit < 1)) {
                throw new Main.UserError("--val-split must be a fraction in (0, 1), got " + valSplit);
            }
            cfg = new RunConfig(model.trim(), dataset, positive("--epochs", epochs, 20), positive("--batch-size", batchSize, 128),
                    recipe().normalizeOrDefault(), evalEveryEpoch != null && evalEveryEpoch, augmentation());
            if (out != null && out.toString().isBlank()) throw new Main.UserError("--out must name a directory, got an empty path");
            dir = out != null ? out : defaultOut(cfg);
        }
        Teacher teacher = resumed != null ? Teacher.recordedIn(resumed) : distill.open();
        TrainingRun.Outcome o = TrainingRun.run(new TrainingRun.Request(cfg, dir, dataDir, resumed == null ? recipe() : null,
                seedOrDefault(), resumed, logEvery, stopAfterSteps, trackImportance, overwrite, stopOnCollapse, teacher, 0,
                valSplit == null ? 0 : valSplit, profile), json ? System.err : System.out);
        if (json) {
            try {
                System.out.print(o.exitCode() == 0 ? Files.readString(dir.resolve(TrainingRun.SUMMARY))
                        : "{\"stopped\": true, \"dir\": " + ttl4j.engine.io.Json.write(dir.toString()) + ", \"checkpoint\": "
                                + ttl4j.engine.io.Json.write(dir.resolve(CHECKPOINT).toString()) + "}\n");
                System.out.flush();
            } catch (IOException e) {
                throw new Main.UserError("cannot read " + dir.resolve(TrainingRun.SUMMARY) + ": " + e.getMessage(), e);
            }
        }
        return o.exitCode();
    }

    /**
     * {@code --epochs} of a resumed run: not fewer than it has trained, and beyond its own count only
     * when its schedule goes on (a cosine schedule ends at the run's last step: the extra epochs
     * would train at its minimum rate, so a new run is the honest way to train longer).
     */
    private static void checkEpochsOfResumedRun(Checkpoint ck, RunConfig old, int ep) {
        String trained = ck.metadata().getOrDefault("train.epoch", "0");
        int done;
        try {
            done = Integer.parseInt(trained);
        } catch (NumberFormatException e) {
            throw new Main.UserError(ck.file() + ": bad training state: train.epoch is \"" + trained + "\"");
        }
        if (ep < done) {
            throw new Main.UserError("--epochs " + ep + ": the run has trained " + done + " epochs already (of " + old.epochs() + ")");
        }
        String schedule = ck.metadata().getOrDefault("train.lr_schedule", "");
        if (ep > old.epochs() && schedule.startsWith("cosine")) {
            throw new Main.UserError("--epochs " + ep + " goes beyond the " + old.epochs() + " epochs the run's cosine schedule spans ("
                    + schedule + "; its learning rate stays at the minimum after that); to train longer, start a new run with --epochs "
                    + ep);
        }
    }

    private TrainRecipe recipe() {
        return recipeOptions.recipe(normalize);
    }

    private Augmentation augmentation() {
        if (augment == null) return Augmentation.defaultFor(dataset);
        try {
            return Augmentation.parse(augment);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--augment: " + e.getMessage());
        }
    }

    private long seedOrDefault() {
        return seed != null ? seed : 1L;
    }

    private void rejectWithResume() {
        List<String> bad = new ArrayList<>();
        if (model != null) bad.add("--model");
        if (dataset != null) bad.add("--dataset");
        if (batchSize != null) bad.add("--batch-size");
        bad.addAll(recipeOptions.given());
        if (normalize != null) bad.add("--normalize");
        if (seed != null) bad.add("--seed");
        if (augment != null) bad.add("--augment");
        if (out != null) bad.add("--out");
        if (distill.teacher != null) bad.add("--teacher");
        bad.addAll(distill.given());
        if (overwrite) bad.add("--overwrite");
        if (valSplit != null) bad.add("--val-split");
        if (!bad.isEmpty()) {
            throw new Main.UserError(String.join(", ", bad) + " cannot be combined with --resume (a resumed run keeps its settings; "
                    + "only --epochs, --threads, --data-dir, --eval-every-epoch and --log-every may be given; a distilled run keeps its teacher)");
        }
    }

    private static int positive(String name, Integer v, int dflt) {
        int x = v == null ? dflt : v;
        if (x < 1) throw new Main.UserError(name + " must be >= 1, got " + x);
        return x;
    }

    private static Path defaultOut(RunConfig cfg) {
        String name = ModelSpec.presets().containsKey(cfg.model().toLowerCase(Locale.ROOT)) ? cfg.model().toLowerCase(Locale.ROOT) : "custom";
        String ds = cfg.dataset().replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of("runs", name + "-" + ds + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
