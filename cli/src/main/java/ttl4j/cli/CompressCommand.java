package ttl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Split;
import ttl4j.engine.io.Json;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Dense;
import ttl4j.nn.DivergenceException;
import ttl4j.nn.Layer;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;
import ttl4j.ttl.CompressionReport;
import ttl4j.ttl.DenseCompression;
import ttl4j.ttl.TuckerLayer;
import ttl4j.ttl.decomp.RankSpec;
import ttl4j.ttl.decomp.TuckerDecomposition;

/**
 * {@code ttl compress}: replace a trained dense layer by a Tucker layer, optionally fine-tune, report.
 * {@link #call} lists the steps in order; the rank options are read by {@link CompressionRanks}.
 */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replace the dense layer NAME of a trained network by a Tucker tensor layer initialised from the "
                + "Tucker decomposition of its weight, optionally fine-tune the network, and report test accuracy before "
                + "compression, right after it and after fine-tuning, with the parameter counts.",
                "",
                "The weight W (J x I) is read row-major as a tensor J_1 x .. x J_M x I_1 x .. x I_N (--out-shape, --in-shape) "
                        + "and decomposed by truncated HOSVD (or HOOI); the core and factors become the layer's core, out_factors "
                        + "and in_factors, the bias is kept. The written checkpoint loads with ttl eval.",
                "",
                "Ranks, one of: --ranks R:S with input ranks R and output ranks S, each sizes joined by x (e.g. 5x5:10 for "
                        + "input ranks 5,5 and output rank 10), or comma-separated in the tensor's mode order, output modes "
                        + "first (10,5,5 is the same); --ranks R with --out-rank S; --energy X: per mode the fewest ranks "
                        + "keeping X of the squared singular values of that unfolding; --param-budget X: ranks whose core and "
                        + "factors fit in X times the dense weights (X <= 1) or in X weights (X > 1). --out-rank fixes the "
                        + "output ranks for --energy and --param-budget.",
                "",
                "Fine-tuning trains the whole network on the checkpoint's dataset, inputs prepared as recorded in the "
                        + "checkpoint; defaults: adam, lr 0.003, cosine schedule to 0, the checkpoint's batch size (the other settings as in ttl train). "
                        + "With --teacher (typically the uncompressed checkpoint itself) it is distilled from that network.",
                ""},
        footer = {"", "Examples:",
                "  ttl compress --checkpoint runs/mlp/model.safetensors --layer layers.0 --ranks 5x5:10 --fine-tune-epochs 2 --out ttl.safetensors",
                "  ttl compress --checkpoint runs/mlp/model.safetensors --layer layers.0 --energy 0.9 --out ttl90.safetensors --json"})
final class CompressCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = LoadedCheckpoint.HELP)
    Path checkpoint;

    @Mixin
    ForeignModelOptions foreign = new ForeignModelOptions();

    @Option(names = "--layer", required = true, paramLabel = "NAME",
            description = "The dense layer to replace, by its parameter prefix (layers.0) or index (0).")
    String layer;

    @Option(names = "--ranks", paramLabel = "R:S|S,R", description = "Explicit ranks (see above).")
    String ranks;

    @Option(names = "--energy", paramLabel = "X", description = "Energy fraction kept per mode, in (0, 1].")
    Double energy;

    @Option(names = "--param-budget", paramLabel = "X", description = "Weights of core and factors: a fraction (<= 1) or a count.")
    Double paramBudget;

    @Option(names = "--in-shape", paramLabel = "I1xI2..",
            description = "How the layer's input is read (default: the image's HxW for a first layer on image data, else two "
                    + "balanced factors).")
    String inShape;

    @Option(names = "--out-shape", paramLabel = "J1x..", description = "How the layer's output is read (default: one mode, J).")
    String outShape;

    @Option(names = "--out-rank", paramLabel = "S1x..", description = "Output ranks (with --ranks R, --energy or --param-budget).")
    String outRank;

    @Option(names = "--method", paramLabel = "hosvd|hooi", defaultValue = "hosvd", description = "Decomposition (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--fine-tune-epochs", paramLabel = "N", defaultValue = "0", description = "Epochs of fine-tuning (default: 0).")
    int fineTuneEpochs;

    @Mixin
    RecipeOptions recipeOptions = new RecipeOptions();

    @Option(names = "--batch-size", paramLabel = "N", description = "Fine-tuning batch (default: the checkpoint's, else 128).")
    Integer batchSize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the fine-tuning order (default: 1).")
    long seed;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset (default: the checkpoint's).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Mixin
    DistillOptions distill = new DistillOptions();

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--out", required = true, paramLabel = "FILE|DIR",
            description = "The compressed checkpoint to write: a file, or " + OutFile.DIR_RULE + ".")
    String outOption;

    /** The file --out names. */
    private Path out;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;


    /** The network fine-tuning distils from (--teacher), or null. */
    private Teacher teacher;

    /** The dense layer being replaced, in the network it belongs to. */
    record Target(LoadedCheckpoint checkpoint, int index, Dense dense) {
        Sequential network() {
            return checkpoint.model();
        }

        String name() {
            return layerName(index);
        }
    }

    /** How the weight {@code W (J, I)} is read as a tensor {@code J_1..J_M x I_1..I_N}, and the rank rule. */
    record Plan(int[] outShape, int[] inShape, RankSpec ranks) {}

    /** The decomposition and the network with the Tucker layer in the dense layer's place. */
    record Compressed(TuckerDecomposition decomposition, TuckerLayer layer, Sequential network, double seconds) {}

    /** Fine-tuning: the trainer (null when there was none), the evaluation after it and its time. */
    private record FineTuned(Trainer trainer, Trainer.Evaluation evaluation, double seconds) {
        static final FineTuned NONE = new FineTuned(null, null, 0);
    }

    @Override
    public Integer call() {
        DenseCompression.Method meth = checkOptions();
        teacher = distill.open();
        if (teacher != null && fineTuneEpochs == 0) throw new Main.UserError("--teacher needs --fine-tune-epochs > 0 (it guides fine-tuning)");
        out = OutFile.resolve(outOption, TrainingRun.MODEL);
        Target target = openTarget(LoadedCheckpoint.open(checkpoint, dataset, foreign, dataDir, log()), layer);
        Dataset test = target.checkpoint().load(dataDir, Split.TEST, log());
        Plan plan = plan(target, test);
        DatasetBatchSource testSrc = target.checkpoint().inOrder(test, target.checkpoint().evalBatch());
        Trainer.Evaluation before = Trainer.evaluate(target.network(), testSrc);
        Compressed c = compress(target, plan, meth);
        Trainer.Evaluation after = Trainer.evaluate(c.network(), testSrc);
        if (!json) printCompression(target, c, meth, before, after);
        FineTuned tuned = fineTune(target, c.network(), testSrc, teacher);
        write(target, plan, meth, c, tuned);
        if (json) printJson(target, plan, meth, c, before, after, tuned);
        else printReport(target, c, before, after, tuned);
        return 0;
    }

    /** Rejects bad option values before any work; returns the decomposition method. */
    private DenseCompression.Method checkOptions() {
        int rules = (ranks != null ? 1 : 0) + (energy != null ? 1 : 0) + (paramBudget != null ? 1 : 0);
        if (rules != 1) throw new Main.UserError("give exactly one of --ranks, --energy and --param-budget" + (rules > 1 ? " (got " + rules + ")" : ""));
        if (fineTuneEpochs < 0) throw new Main.UserError("--fine-tune-epochs must be >= 0, got " + fineTuneEpochs);
        if (batchSize != null && batchSize < 1) throw new Main.UserError("--batch-size must be >= 1, got " + batchSize);
        DenseCompression.Method meth;
        try {
            meth = DenseCompression.Method.parse(method);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--method: " + e.getMessage());
        }
        if (energy != null && !(energy > 0 && energy <= 1)) throw new Main.UserError("--energy must be in (0, 1], got " + energy);
        if (paramBudget != null && (!(paramBudget > 0) || paramBudget.isInfinite())) {
            throw new Main.UserError("--param-budget must be a fraction in (0, 1] or a weight count > 1, got " + paramBudget);
        }
        if (fineTuneEpochs > 0) fineTuneRecipe();
        return meth;
    }

    /** The checkpoint and the dense layer named by --layer. */
    static Target openTarget(LoadedCheckpoint lc, String layer) {
        Sequential net = lc.model();
        int index = layerIndex(net, layer);
        Layer l = net.layer(index);
        if (!(l instanceof Dense dense)) {
            throw new Main.UserError("layer " + layer + " is " + l.spec() + ", not a dense layer (dense layers: " + denseNames(net) + ")");
        }
        return new Target(lc, index, dense);
    }

    /** The tensor shapes (--in-shape, --out-shape or their defaults), checked against the layer, and the rank rule. */
    private Plan plan(Target t, Dataset test) {
        return plan(t, test, inShape, outShape, ranks, energy, paramBudget, outRank);
    }

    /** As {@link #plan(Target, Dataset)} for the given option values (null: not given). */
    static Plan plan(Target t, Dataset test, String inShape, String outShape, String ranks, Double energy, Double paramBudget,
                     String outRank) {
        Dense dense = t.dense();
        int[] in = inShape != null ? CompressionRanks.dims("--in-shape", inShape) : defaultInShape(t.network(), t.index(), dense.in(), test);
        int[] outS = outShape != null ? CompressionRanks.dims("--out-shape", outShape) : new int[] {dense.out()};
        if (CompressionRanks.prod(in) != dense.in()) {
            throw new Main.UserError("--in-shape " + CompressionRanks.text(in) + " has " + CompressionRanks.prod(in) + " values but layer "
                    + t.name() + " (" + dense.spec() + ") takes " + dense.in() + " inputs");
        }
        if (CompressionRanks.prod(outS) != dense.out()) {
            throw new Main.UserError("--out-shape " + CompressionRanks.text(outS) + " has " + CompressionRanks.prod(outS)
                    + " values but layer " + t.name() + " (" + dense.spec() + ") has " + dense.out() + " outputs");
        }
        return new Plan(outS, in, CompressionRanks.rankSpec(ranks, energy, paramBudget, outRank, outS, in));
    }

    /** Decomposes the weight and puts the Tucker layer in the dense layer's place. */
    static Compressed compress(Target t, Plan p, DenseCompression.Method meth) {
        Dense dense = t.dense();
        long t0 = System.nanoTime();
        DenseCompression.Result res;
        try {
            res = DenseCompression.compress(dense.weight().value(), dense.bias().value(), p.outShape(), p.inShape(), p.ranks(), meth,
                    dense.init());
        } catch (IllegalArgumentException e) {
            // The rank rule meets the weight's spectra here: a budget below the smallest Tucker model is only known now.
            throw new Main.UserError(e.getMessage(), e);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<Layer> layers = new ArrayList<>(t.network().layers());
        layers.set(t.index(), res.layer());
        return new Compressed(res.decomposition(), res.layer(), new Sequential(layers), secs);
    }

    private void printCompression(Target t, Compressed c, DenseCompression.Method meth, Trainer.Evaluation before,
                                  Trainer.Evaluation after) {
        TuckerDecomposition d = c.decomposition();
        System.out.printf(Locale.ROOT, "%s %s -> %s: %s, relative weight error %.4f, kept energy %s (%.2f s)%n", t.name(),
                t.dense().spec(), c.layer().spec(), meth == DenseCompression.Method.HOOI ? "hooi (" + d.iterations() + " sweeps"
                        + (d.converged() ? ")" : ", not converged)") : "hosvd", d.relativeError(), energies(d.keptEnergy()), c.seconds());
        System.out.printf(Locale.ROOT, "test accuracy before %.2f%%, right after compression %.2f%%%n", 100 * before.accuracy(),
                100 * after.accuracy());
    }

    /** Trains the compressed network on the checkpoint's dataset (when --fine-tune-epochs > 0) and evaluates it again. */
    private FineTuned fineTune(Target t, Sequential compressed, DatasetBatchSource testSrc, Teacher teacher) {
        if (fineTuneEpochs == 0) return FineTuned.NONE;
        PrintStream stdout = System.out;
        Dataset train = Datasets.load(dataDir, t.checkpoint().dataset(), Split.TRAIN, log());
        int bs = batchSize != null ? batchSize : checkpointBatchSize(t.checkpoint());
        DatasetBatchSource trainSrc = DatasetBatchSource.shuffled(train, bs, t.checkpoint().prep(), t.checkpoint().inputShape());
        Trainer tr = fineTuner(t, compressed, fineTuneRecipe(), fineTuneEpochs, trainSrc, seed, teacher);
        if (!json) {
            stdout.printf(Locale.ROOT, "fine-tuning %d epoch(s): %s, %s, batch %d%s%n", fineTuneEpochs, tr.optimizer(),
                    tr.schedule().spec(), bs, teacher != null ? ", " + teacher.describe() : "");
            tr.addCallback(new TrainingCallback() {
                @Override
                public void onEpoch(EpochMetrics e) {
                    stdout.printf(Locale.ROOT, "epoch %d/%d train loss %.4f acc %.2f%% %.1f s%n", e.epoch(), fineTuneEpochs,
                            e.trainLoss(), 100 * e.trainAccuracy(), e.seconds());
                }
            });
        }
        double secs = fit(tr, trainSrc, fineTuneEpochs);
        return new FineTuned(tr, Trainer.evaluate(compressed, testSrc), secs);
    }

    /** The fine-tuning trainer of a compressed network: the recipe's optimiser and schedule, distilled from {@code teacher} when not null. */
    static Trainer fineTuner(Target t, Sequential compressed, TrainRecipe recipe, int epochs, DatasetBatchSource trainSrc, long seed,
                             Teacher teacher) {
        Trainer tr = new Trainer(compressed, recipe.createOptimizer(), recipe.createSchedule(epochs, trainSrc.steps()), seed);
        if (teacher != null) teacher.attach(tr, t.checkpoint().prep(), t.checkpoint().inputShape());
        return tr;
    }

    /** Fine-tunes for {@code epochs}; returns the seconds it took. Divergence is the user's (the learning rate). */
    static double fit(Trainer tr, DatasetBatchSource trainSrc, int epochs) {
        long t0 = System.nanoTime();
        try {
            tr.fit(trainSrc, null, epochs);
        } catch (DivergenceException e) {
            throw new Main.UserError("fine-tuning diverged (" + e.getMessage() + "); try a lower --lr than " + tr.schedule().lr(0), e);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static int batchSize(Integer option, LoadedCheckpoint lc) {
        return option != null ? option : checkpointBatchSize(lc);
    }

    /** The compressed checkpoint, with the dataset, preprocessing and how it was made in its metadata. */
    private void write(Target t, Plan p, DenseCompression.Method meth, Compressed c, FineTuned tuned) {
        LoadedCheckpoint lc = t.checkpoint();
        TuckerDecomposition d = c.decomposition();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("dataset", lc.dataset());
        meta.put("preprocessing", lc.prep().toJson());
        meta.put("compress.source", checkpoint.toString());
        meta.put("compress.source_model", lc.model().spec());
        meta.put("compress.layer", t.name());
        meta.put("compress.method", meth.specName());
        meta.put("compress.rank_rule", p.ranks().toString());
        meta.put("compress.kept_energy", energies(d.keptEnergy()));
        meta.put("compress.relative_error", Double.toString(d.relativeError()));
        meta.put("compress.fine_tune_epochs", Integer.toString(fineTuneEpochs));
        if (tuned.trainer() != null) {
            meta.put("compress.fine_tune_optimizer", tuned.trainer().optimizer().toString());
            meta.put("compress.fine_tune_schedule", tuned.trainer().schedule().spec());
        }
        if (teacher != null) meta.putAll(teacher.metadata());
        try {
            OutFile.createParent(out);
            Checkpoint.save(out, c.network(), lc.inputShape(), null, meta);
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private void printJson(Target t, Plan p, DenseCompression.Method meth, Compressed c, Trainer.Evaluation before,
                           Trainer.Evaluation after, FineTuned tuned) {
        TuckerDecomposition d = c.decomposition();
        CompressionReport.Row layerRow = row(CompressionReport.of(c.network()), t.index());
        long paramsBefore = t.network().parameterCount(), paramsAfter = c.network().parameterCount();
        Trainer.Evaluation ft = tuned.evaluation();
        StringBuilder sb = new StringBuilder("{");
        kv(sb, "checkpoint", Json.write(checkpoint.toString()));
        kv(sb, "out", Json.write(out.toString()));
        kv(sb, "dataset", Json.write(t.checkpoint().dataset()));
        kv(sb, "layer", Json.write(t.name()));
        kv(sb, "model_before", Json.write(t.network().spec()));
        kv(sb, "model_after", Json.write(c.network().spec()));
        kv(sb, "in_shape", Json.write(p.inShape()));
        kv(sb, "out_shape", Json.write(p.outShape()));
        kv(sb, "method", Json.write(meth.specName()));
        kv(sb, "rank_rule", Json.write(p.ranks().toString()));
        kv(sb, "hooi_sweeps", Integer.toString(d.iterations()));
        kv(sb, "in_ranks", Json.write(c.layer().inRanks()));
        kv(sb, "out_ranks", Json.write(c.layer().outRanks()));
        kv(sb, "kept_energy", energies(d.keptEnergy()));
        kv(sb, "relative_error", fmt(d.relativeError()));
        kv(sb, "decompose_seconds", fmt(c.seconds()));
        kv(sb, "accuracy_before", fmt(before.accuracy()));
        kv(sb, "accuracy_compressed", fmt(after.accuracy()));
        kv(sb, "accuracy_fine_tuned", ft == null ? "null" : fmt(ft.accuracy()));
        kv(sb, "loss_before", fmt(before.loss()));
        kv(sb, "loss_compressed", fmt(after.loss()));
        kv(sb, "loss_fine_tuned", ft == null ? "null" : fmt(ft.loss()));
        kv(sb, "fine_tune_epochs", Integer.toString(fineTuneEpochs));
        kv(sb, "fine_tune_seconds", fmt(tuned.seconds()));
        kv(sb, "teacher", distill.teacher == null ? "null" : Json.write(distill.teacher.toString()));
        kv(sb, "layer_dense_weights", Long.toString(layerRow.denseWeights()));
        kv(sb, "layer_weights", Long.toString(layerRow.weights()));
        kv(sb, "layer_compression", fmt(layerRow.ratio()));
        kv(sb, "network_parameters_before", Long.toString(paramsBefore));
        kv(sb, "network_parameters_after", Long.toString(paramsAfter));
        kv(sb, "network_compression", fmt((double) paramsBefore / paramsAfter));
        sb.setLength(sb.length() - 1);
        System.out.println(sb.append('}'));
    }

    private void printReport(Target t, Compressed c, Trainer.Evaluation before, Trainer.Evaluation after, FineTuned tuned) {
        PrintStream stdout = System.out;
        CompressionReport report = CompressionReport.of(c.network());
        CompressionReport.Row layerRow = row(report, t.index());
        long paramsBefore = t.network().parameterCount(), paramsAfter = c.network().parameterCount();
        Trainer.Evaluation ft = tuned.evaluation();
        if (ft != null) {
            stdout.printf(Locale.ROOT, "test accuracy after %d epoch(s) of fine-tuning %.2f%% (%.1f s)%n", fineTuneEpochs,
                    100 * ft.accuracy(), tuned.seconds());
        }
        stdout.printf(Locale.ROOT, "%-28s %9s %9s%n", "", "accuracy", "loss");
        stdout.printf(Locale.ROOT, "%-28s %8.2f%% %9.4f%n", "before", 100 * before.accuracy(), before.loss());
        stdout.printf(Locale.ROOT, "%-28s %8.2f%% %9.4f%n", "compressed", 100 * after.accuracy(), after.loss());
        if (ft != null) stdout.printf(Locale.ROOT, "%-28s %8.2f%% %9.4f%n", "fine-tuned", 100 * ft.accuracy(), ft.loss());
        stdout.println();
        stdout.print(report.table());
        stdout.printf(Locale.ROOT, "layer %s: %,d -> %,d weights (%.2fx); network: %,d -> %,d parameters with biases (%.2fx)%n",
                t.name(), layerRow.denseWeights(), layerRow.weights(), layerRow.ratio(), paramsBefore, paramsAfter,
                (double) paramsBefore / paramsAfter);
        stdout.printf("wrote %s (%s)%n", out, c.network().spec());
    }

    /** The fine-tuning recipe: {@code ttl train}'s defaults (adam, lr 0.003, cosine) unless options say otherwise. */
    TrainRecipe fineTuneRecipe() {
        return recipeOptions.recipe(null).validated();
    }

    private Consumer<String> log() {
        return json ? m -> { } : System.out::println;
    }

    /** The image shape for the first layer with parameters when it takes the whole image, else two balanced factors. */
    static int[] defaultInShape(Sequential net, int index, int in, Dataset data) {
        boolean first = true;
        for (int i = 0; i < index; i++) if (!net.layer(i).params().isEmpty()) first = false;
        if (first && in == data.features()) {
            return data.channels() == 1 ? new int[] {data.height(), data.width()}
                    : new int[] {data.channels(), data.height(), data.width()};
        }
        int a = (int) Math.floor(Math.sqrt(in));
        while (a > 1 && in % a != 0) a--;
        return a <= 1 ? new int[] {in} : new int[] {a, in / a};
    }

    static int layerIndex(Sequential net, String name) {
        String t = name.trim();
        String num = t.startsWith("layers.") ? t.substring("layers.".length()) : t;
        int i;
        try {
            i = Integer.parseInt(num);
        } catch (NumberFormatException e) {
            i = -1;
        }
        if (i < 0 || i >= net.layers().size() || !num.equals(Integer.toString(i))) {
            throw new Main.UserError("unknown layer '" + name + "': the model " + net.spec() + " has layers.0 to layers."
                    + (net.layers().size() - 1) + "; dense layers: " + denseNames(net));
        }
        return i;
    }

    private static String denseNames(Sequential net) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) if (net.layer(i) instanceof Dense) names.add(layerName(i));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String layerName(int i) {
        return "layers." + i;
    }

    private static int checkpointBatchSize(LoadedCheckpoint lc) {
        try {
            return Integer.parseInt(lc.metadata().getOrDefault("run.batch_size", "128"));
        } catch (NumberFormatException e) {
            return 128;
        }
    }

    private static CompressionReport.Row row(CompressionReport r, int index) {
        for (CompressionReport.Row row : r.rows()) if (row.index() == index) return row;
        throw new IllegalStateException("no report row for layer " + index);
    }

    private static String energies(double[] e) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < e.length; i++) sb.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.4f", e[i]));
        return sb.append(']').toString();
    }

    private static String fmt(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6g", x) : "null";
    }

    private static void kv(StringBuilder sb, String k, String v) {
        sb.append(Json.write(k)).append(':').append(v).append(',');
    }
}
