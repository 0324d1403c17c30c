package ttl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.io.Json;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Dense;
import ttl4j.nn.Layer;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;
import ttl4j.ttl.CompressionReport;
import ttl4j.ttl.DenseCompression;
import ttl4j.ttl.TuckerLayer;
import ttl4j.ttl.decomp.RankSpec;
import ttl4j.ttl.decomp.TuckerDecomposition;

/** {@code ttl compress}: replace a trained dense layer by a Tucker layer, optionally fine-tune, report. */
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
                        + "checkpoint; defaults: adam, lr 0.003, cosine schedule to 0, the checkpoint's batch size (the other settings as in ttl train).",
                ""},
        footer = {"", "Examples:",
                "  ttl compress --checkpoint runs/mlp/model.safetensors --layer layers.0 --ranks 5x5:10 --fine-tune-epochs 2 --out ttl.safetensors",
                "  ttl compress --checkpoint runs/mlp/model.safetensors --layer layers.0 --energy 0.9 --out ttl90.safetensors --json"})
final class CompressCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A .safetensors file written by ttl train.")
    Path checkpoint;

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

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $TTL4J_DATA, else ~/.cache/ttl4j).")
    String dataDir;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The compressed checkpoint to write.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** Explicit ranks in the tensor's mode order, or null. */
    record Ranks(int[] out, int[] in) {}

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
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
        if (paramBudget != null && !(paramBudget > 0) || paramBudget != null && paramBudget.isInfinite()) {
            throw new Main.UserError("--param-budget must be a fraction in (0, 1] or a weight count > 1, got " + paramBudget);
        }
        if (fineTuneEpochs > 0) fineTuneRecipe(); // rejects bad optimiser settings before any work

        // The model and the layer.
        LoadedCheckpoint lc = LoadedCheckpoint.open(checkpoint, dataset);
        Checkpoint ck = lc.checkpoint();
        Sequential net = lc.model();
        int index = layerIndex(net, layer);
        Layer target = net.layer(index);
        if (!(target instanceof Dense dense)) {
            throw new Main.UserError("layer " + layer + " is " + target.spec() + ", not a dense layer (dense layers: " + denseNames(net) + ")");
        }

        // Data.
        String ds = lc.dataset();
        Preprocessing prep = lc.prep();
        java.util.function.Consumer<String> log = json ? m -> { } : stdout::println;
        Dataset test = lc.load(dataDir, Split.TEST, log);

        // Shapes and ranks.
        int[] in = inShape != null ? dims("--in-shape", inShape) : defaultInShape(net, index, dense.in(), test);
        int[] outS = outShape != null ? dims("--out-shape", outShape) : new int[] {dense.out()};
        if (prod(in) != dense.in()) {
            throw new Main.UserError("--in-shape " + TuckerLayerDims.of(in) + " has " + prod(in) + " values but layer " + layerName(index)
                    + " (" + dense.spec() + ") takes " + dense.in() + " inputs");
        }
        if (prod(outS) != dense.out()) {
            throw new Main.UserError("--out-shape " + TuckerLayerDims.of(outS) + " has " + prod(outS) + " values but layer "
                    + layerName(index) + " (" + dense.spec() + ") has " + dense.out() + " outputs");
        }
        RankSpec spec = rankSpec(outS, in, dense);

        DatasetBatchSource testSrc = DatasetBatchSource.inOrder(test, 1000, prep);
        long paramsBefore = net.parameterCount();
        Trainer.Evaluation before = Trainer.evaluate(net, testSrc);

        // Decompose and replace.
        long t0 = System.nanoTime();
        DenseCompression.Result res;
        try {
            res = DenseCompression.compress(dense.weight().value(), dense.bias().value(), outS, in, spec, meth, dense.init());
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
        double decomposeSecs = (System.nanoTime() - t0) / 1e9;
        TuckerDecomposition d = res.decomposition();
        TuckerLayer ttl = res.layer();
        List<Layer> layers = new ArrayList<>(net.layers());
        layers.set(index, ttl);
        Sequential compressed = new Sequential(layers);
        Trainer.Evaluation after = Trainer.evaluate(compressed, testSrc);
        if (!json) {
            stdout.printf(Locale.ROOT, "%s %s -> %s: %s, relative weight error %.4f, kept energy %s (%.2f s)%n", layerName(index),
                    dense.spec(), ttl.spec(), meth == DenseCompression.Method.HOOI ? "hooi (" + d.iterations() + " sweeps"
                            + (d.converged() ? ")" : ", not converged)") : "hosvd", d.relativeError(), energies(d.keptEnergy()), decomposeSecs);
            stdout.printf(Locale.ROOT, "test accuracy before %.2f%%, right after compression %.2f%%%n", 100 * before.accuracy(),
                    100 * after.accuracy());
        }

        // Fine-tuning.
        Trainer.Evaluation tuned = null;
        double tuneSecs = 0;
        Trainer tr = null;
        if (fineTuneEpochs > 0) {
            Dataset train = Datasets.load(dataDir, ds, Split.TRAIN, log);
            int bs = batchSize != null ? batchSize : checkpointBatchSize(ck);
            DatasetBatchSource trainSrc = DatasetBatchSource.shuffled(train, bs, prep);
            TrainRecipe recipe = fineTuneRecipe();
            tr = new Trainer(compressed, recipe.createOptimizer(), recipe.createSchedule(fineTuneEpochs, trainSrc.steps()), seed);
            if (!json) {
                stdout.printf(Locale.ROOT, "fine-tuning %d epoch(s): %s, %s, batch %d%n", fineTuneEpochs, tr.optimizer(),
                        tr.schedule().spec(), bs);
                tr.addCallback(new TrainingCallback() {
                    @Override
                    public void onEpoch(EpochMetrics e) {
                        stdout.printf(Locale.ROOT, "epoch %d/%d train loss %.4f acc %.2f%% %.1f s%n", e.epoch(), fineTuneEpochs,
                                e.trainLoss(), 100 * e.trainAccuracy(), e.seconds());
                    }
                });
            }
            long t1 = System.nanoTime();
            try {
                tr.fit(trainSrc, null, fineTuneEpochs);
            } catch (ttl4j.nn.DivergenceException e) {
                throw new Main.UserError("fine-tuning diverged (" + e.getMessage() + "); try a lower --lr than "
                        + tr.schedule().lr(0), e);
            }
            tuneSecs = (System.nanoTime() - t1) / 1e9;
            tuned = Trainer.evaluate(compressed, testSrc);
        }

        // Write.
        CompressionReport reportAfter = CompressionReport.of(compressed);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("dataset", ds);
        meta.put("preprocessing", prep.toJson());
        meta.put("compress.source", checkpoint.toString());
        meta.put("compress.source_model", ck.modelSpec());
        meta.put("compress.layer", layerName(index));
        meta.put("compress.method", meth.specName());
        meta.put("compress.rank_rule", spec.toString());
        meta.put("compress.kept_energy", energies(d.keptEnergy()));
        meta.put("compress.relative_error", Double.toString(d.relativeError()));
        meta.put("compress.fine_tune_epochs", Integer.toString(fineTuneEpochs));
        if (tr != null) {
            meta.put("compress.fine_tune_optimizer", tr.optimizer().toString());
            meta.put("compress.fine_tune_schedule", tr.schedule().spec());
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Checkpoint.save(out, compressed, lc.inputShape(), null, meta);
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + out + ": " + e.getMessage(), e);
        }

        CompressionReport.Row layerRow = row(reportAfter, index);
        long paramsAfter = compressed.parameterCount();
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            kv(sb, "checkpoint", Json.write(checkpoint.toString()));
            kv(sb, "out", Json.write(out.toString()));
            kv(sb, "dataset", Json.write(ds));
            kv(sb, "layer", Json.write(layerName(index)));
            kv(sb, "model_before", Json.write(net.spec()));
            kv(sb, "model_after", Json.write(compressed.spec()));
            kv(sb, "in_shape", Json.write(in));
            kv(sb, "out_shape", Json.write(outS));
            kv(sb, "method", Json.write(meth.specName()));
            kv(sb, "rank_rule", Json.write(spec.toString()));
            kv(sb, "hooi_sweeps", Integer.toString(d.iterations()));
            kv(sb, "in_ranks", Json.write(ttl.inRanks()));
            kv(sb, "out_ranks", Json.write(ttl.outRanks()));
            kv(sb, "kept_energy", energies(d.keptEnergy()));
            kv(sb, "relative_error", fmt(d.relativeError()));
            kv(sb, "decompose_seconds", fmt(decomposeSecs));
            kv(sb, "accuracy_before", fmt(before.accuracy()));
            kv(sb, "accuracy_compressed", fmt(after.accuracy()));
            kv(sb, "accuracy_fine_tuned", tuned == null ? "null" : fmt(tuned.accuracy()));
            kv(sb, "loss_before", fmt(before.loss()));
            kv(sb, "loss_compressed", fmt(after.loss()));
            kv(sb, "loss_fine_tuned", tuned == null ? "null" : fmt(tuned.loss()));
            kv(sb, "fine_tune_epochs", Integer.toString(fineTuneEpochs));
            kv(sb, "fine_tune_seconds", fmt(tuneSecs));
            kv(sb, "layer_dense_weights", Long.toString(layerRow.denseWeights()));
            kv(sb, "layer_weights", Long.toString(layerRow.weights()));
            kv(sb, "layer_compression", fmt(layerRow.ratio()));
            kv(sb, "network_parameters_before", Long.toString(paramsBefore));
            kv(sb, "network_parameters_after", Long.toString(paramsAfter));
            kv(sb, "network_compression", fmt((double) paramsBefore / paramsAfter));
            sb.setLength(sb.length() - 1);
            stdout.println(sb.append('}'));
        } else {
            if (tuned != null) {
                stdout.printf(Locale.ROOT, "test accuracy after %d epoch(s) of fine-tuning %.2f%% (%.1f s)%n", fineTuneEpochs,
                        100 * tuned.accuracy(), tuneSecs);
            }
            stdout.printf(Locale.ROOT, "%-28s %9s %9s%n", "", "accuracy", "loss");
            stdout.printf(Locale.ROOT, "%-28s %8.2f%% %9.4f%n", "before", 100 * before.accuracy(), before.loss());
            stdout.printf(Locale.ROOT, "%-28s %8.2f%% %9.4f%n", "compressed", 100 * after.accuracy(), after.loss());
            if (tuned != null) stdout.printf(Locale.ROOT, "%-28s %8.2f%% %9.4f%n", "fine-tuned", 100 * tuned.accuracy(), tuned.loss());
            stdout.println();
            stdout.print(reportAfter.table());
            stdout.printf(Locale.ROOT, "layer %s: %,d -> %,d weights (%.2fx); network: %,d -> %,d parameters with biases (%.2fx)%n",
                    layerName(index), layerRow.denseWeights(), layerRow.weights(), layerRow.ratio(), paramsBefore, paramsAfter,
                    (double) paramsBefore / paramsAfter);
            stdout.printf("wrote %s (%s)%n", out, compressed.spec());
        }
        return 0;
    }

    /** The fine-tuning recipe: {@code ttl train}'s defaults (adam, lr 0.003, cosine) unless options say otherwise. */
    TrainRecipe fineTuneRecipe() {
        return recipeOptions.recipe(null).validated();
    }

    private RankSpec rankSpec(int[] outS, int[] in, Dense dense) {
        int[] fixedOut = outRank != null ? dims("--out-rank", outRank) : null;
        if (fixedOut != null && fixedOut.length == 1 && outS.length > 1) fixedOut = fill(outS.length, fixedOut[0]);
        if (fixedOut != null && fixedOut.length != outS.length) {
            throw new Main.UserError("--out-rank " + outRank + " gives " + fixedOut.length + " ranks for " + outS.length
                    + " output modes (--out-shape " + TuckerLayerDims.of(outS) + ")");
        }
        if (ranks != null) {
            Ranks r = parseRanks(ranks, outS.length, in.length, fixedOut);
            checkRanks("output", r.out(), outS, "--out-shape");
            checkRanks("input", r.in(), in, "--in-shape");
            int[] all = new int[outS.length + in.length];
            System.arraycopy(r.out(), 0, all, 0, outS.length);
            System.arraycopy(r.in(), 0, all, outS.length, in.length);
            checkCombined(outS, in, all);
            return RankSpec.explicit(all);
        }
        RankSpec s;
        if (energy != null) {
            s = RankSpec.energy(energy);
        } else {
            double weights = (double) dense.in() * dense.out();
            double f = paramBudget <= 1 ? paramBudget : paramBudget / weights;
            if (f > 1) {
                throw new Main.UserError(String.format(Locale.ROOT, "--param-budget %.0f is more than the dense layer's %.0f weights",
                        paramBudget, weights));
            }
            s = RankSpec.budget(f);
        }
        if (fixedOut != null) {
            checkRanks("output", fixedOut, outS, "--out-shape");
            for (int m = 0; m < fixedOut.length; m++) s = s.withFixed(m, fixedOut[m]);
        }
        return s;
    }

    /** {@code R:S}, {@code S,R} (tensor order) or {@code R} with the output ranks from --out-rank. */
    static Ranks parseRanks(String text, int nOut, int nIn, int[] fixedOut) {
        String t = text.trim();
        if (t.contains(",")) {
            if (fixedOut != null) throw new Main.UserError("--out-rank cannot be combined with --ranks " + text + " (it gives every rank)");
            int[] all = parseList("--ranks", t, ",");
            if (all.length != nOut + nIn) {
                throw new Main.UserError("--ranks " + text + " gives " + all.length + " ranks; the weight tensor has " + (nOut + nIn)
                        + " modes (" + nOut + " output, then " + nIn + " input)");
            }
            return new Ranks(Arrays.copyOfRange(all, 0, nOut), Arrays.copyOfRange(all, nOut, all.length));
        }
        String[] parts = t.split(":", -1);
        if (parts.length > 2) throw new Main.UserError("--ranks " + text + ": expected R:S, e.g. 5x5:10");
        int[] in = parseList("--ranks", parts[0], "[xX]");
        int[] out;
        if (parts.length == 2) {
            if (fixedOut != null) throw new Main.UserError("--out-rank cannot be combined with --ranks " + text + " (it gives the output ranks)");
            out = parseList("--ranks", parts[1], "[xX]");
        } else if (fixedOut != null) {
            out = fixedOut;
        } else {
            throw new Main.UserError("--ranks " + text + " gives no output rank: write R:S (e.g. 5x5:10) or add --out-rank S");
        }
        if (in.length == 1 && nIn > 1) in = fill(nIn, in[0]);
        if (out.length == 1 && nOut > 1) out = fill(nOut, out[0]);
        if (in.length != nIn) {
            throw new Main.UserError("--ranks " + text + " gives " + in.length + " input ranks for " + nIn + " input modes");
        }
        if (out.length != nOut) {
            throw new Main.UserError("--ranks " + text + " gives " + out.length + " output ranks for " + nOut + " output modes");
        }
        return new Ranks(out, in);
    }

    private static void checkRanks(String what, int[] r, int[] shape, String option) {
        for (int i = 0; i < r.length; i++) {
            if (r[i] > shape[i]) {
                throw new Main.UserError(what + " rank " + r[i] + " of mode " + (i + 1) + " is larger than its dimension " + shape[i]
                        + " (" + option + " " + TuckerLayerDims.of(shape) + ")");
            }
        }
    }

    /** A rank may not exceed the product of the other dimensions either (that unfolding has no more columns). */
    private static void checkCombined(int[] outS, int[] in, int[] all) {
        int[] shape = new int[outS.length + in.length];
        System.arraycopy(outS, 0, shape, 0, outS.length);
        System.arraycopy(in, 0, shape, outS.length, in.length);
        long total = 1;
        for (int d : shape) total *= d;
        for (int k = 0; k < shape.length; k++) {
            long others = total / shape[k];
            if (all[k] > others) {
                String which = k < outS.length ? "output rank " + all[k] + " of mode " + (k + 1) : "input rank " + all[k] + " of mode " + (k - outS.length + 1);
                throw new Main.UserError(which + " is larger than the product " + others + " of the other dimensions of the "
                        + TuckerLayerDims.of(shape) + " weight tensor");
            }
        }
    }

    private static int[] fill(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] parseList(String option, String s, String sep) {
        String t = s.trim();
        if (t.isEmpty()) throw new Main.UserError(option + ": empty rank list in '" + s + "'");
        String[] f = t.split(sep);
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            try {
                d[i] = Integer.parseInt(f[i].trim());
            } catch (NumberFormatException e) {
                throw new Main.UserError(option + ": '" + f[i].trim() + "' in '" + s + "' is not a number (e.g. 5x5:10 or 10,5,5)");
            }
            if (d[i] < 1) throw new Main.UserError(option + ": ranks must be >= 1, got " + d[i] + " in '" + s + "'");
        }
        return d;
    }

    static int[] dims(String option, String s) {
        String t = s.trim();
        String[] f = t.split("[xX*,]");
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            try {
                d[i] = Integer.parseInt(f[i].trim());
            } catch (NumberFormatException e) {
                throw new Main.UserError(option + " '" + s + "' must be sizes joined by x, e.g. 28x28");
            }
            if (d[i] < 1) throw new Main.UserError(option + " '" + s + "' has a size below 1");
        }
        return d;
    }

    private static long prod(int[] d) {
        long p = 1;
        for (int x : d) p *= x;
        return p;
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

    private static int checkpointBatchSize(Checkpoint ck) {
        try {
            return Integer.parseInt(ck.metadata().getOrDefault("run.batch_size", "128"));
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

    /** Shapes written as the ttl spec writes them. */
    static final class TuckerLayerDims {
        private TuckerLayerDims() {}

        static String of(int[] d) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < d.length; i++) sb.append(i > 0 ? "x" : "").append(d[i]);
            return sb.toString();
        }
    }
}
