package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ttl4j.cli.plot.Charts;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.nn.Layer;
import ttl4j.nn.SafeTensors;
import ttl4j.engine.io.Json;
import ttl4j.nn.Sequential;
import ttl4j.ttl.Explainer;
import ttl4j.ttl.ImportanceTracker;
import ttl4j.ttl.TuckerLayer;

/** {@code ttl explain}: exact gradients of a checkpoint's mean loss and the feature importance they give. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute the exact gradient of the mean cross-entropy over the first N samples of a split (file order, "
                + "no shuffling) for every parameter of a checkpoint, and the feature importance it implies for each input "
                + "mode of every Tucker (ttl) layer: the norm of row i of dL/dA_n, normalised to sum to 1 per mode, beside "
                + "the norm of row i of the trained A_n.",
                "",
                "Writes to --out: grads.safetensors (gradients under the parameters' checkpoint names), importance.csv "
                        + "(" + Explainer.CSV_HEADER + "), importance-<layer>-mode<n>.png (bar chart per mode) and, for a "
                        + "2-way input, importance-map-<layer>.png (row x column importance as a heat map beside the mean input)."},
        footer = {"", "Example:", "  ttl explain --checkpoint runs/ttl-mnist-fashion-mnist/model.safetensors --dataset fashion-mnist --out explain/"})
final class ExplainCommand implements Callable<Integer> {
    static final String GRADS = "grads.safetensors";
    static final String IMPORTANCE = "importance.csv";

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = LoadedCheckpoint.HELP)
    Path checkpoint;

    @Mixin
    ForeignModelOptions foreign = new ForeignModelOptions();

    @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset (default: the one the checkpoint was trained on).")
    String dataset;

    @Option(names = "--split", paramLabel = "test|train", defaultValue = "test", description = "Which split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "The first N samples of the split; 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "250",
            description = "Samples per forward/backward pass; does not change the result beyond rounding (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--data-dir", paramLabel = "DIR", description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
    String dataDir;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--json", description = "Print one JSON object (loss, accuracy, per mode its importance shares and the top "
            + "features, the files written) instead of text; progress goes to stderr.")
    boolean json;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created when missing).")
    Path out;

    private String json(Sequential model, String ds, String splitName, Explainer.Result r, List<Path> pngs) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"checkpoint\":").append(Json.write(checkpoint.toString())).append(",\"model\":").append(Json.write(model.spec()))
                .append(",\"dataset\":").append(Json.write(ds)).append(",\"split\":").append(Json.write(splitName))
                .append(",\"samples\":").append(r.samples()).append(",\"loss\":").append(Json.number(r.loss(), 6))
                .append(",\"accuracy\":").append(Json.number(r.accuracy(), 6)).append(",\"modes\":[");
        for (int i = 0; i < r.modes().size(); i++) {
            Explainer.ModeImportance m = r.modes().get(i);
            int[] rank = ImportanceTracker.ranking(m.gradShare());
            sb.append(i > 0 ? "," : "").append("{\"layer\":").append(Json.write(m.layer())).append(",\"mode\":").append(m.mode())
                    .append(",\"features\":").append(m.gradShare().length).append(",\"top\":[");
            for (int j = 0; j < Math.min(5, rank.length); j++) sb.append(j > 0 ? "," : "").append(rank[j]);
            sb.append("],\"grad_share\":[");
            for (int j = 0; j < m.gradShare().length; j++) sb.append(j > 0 ? "," : "").append(Json.number(m.gradShare()[j], 6));
            sb.append("]}");
        }
        sb.append("],\"files\":[").append(Json.write(out.resolve(GRADS).toString())).append(',')
                .append(Json.write(out.resolve(IMPORTANCE).toString()));
        for (Path p : pngs) sb.append(',').append(Json.write(p.toString()));
        return sb.append("]}").toString();
    }

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) throw new Main.UserError("--batch-size must be >= 1, got " + batchSize);
        if (limit < 0) throw new Main.UserError("--limit must be >= 0, got " + limit);
        Split sp = LoadedCheckpoint.split(split);
        LoadedCheckpoint lc = LoadedCheckpoint.open(checkpoint, dataset, foreign, dataDir, json ? System.err::println : System.out::println);
        Sequential model = lc.model();
        String ds = lc.dataset();
        Preprocessing prep = lc.prep();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new Main.UserError("cannot create output directory " + out + " (" + e + ")", e);
        }
        Dataset data = lc.load(dataDir, sp, json ? System.err::println : System.out::println);
        Explainer.Result r = Explainer.explain(model, lc.inOrder(data, batchSize), limit);
        String splitName = sp.name().toLowerCase(Locale.ROOT);

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "ttl4j-gradients-1");
        meta.put("what", "gradient of the mean cross-entropy over the first " + r.samples() + " samples");
        meta.put("model", model.spec());
        meta.put("checkpoint", checkpoint.getFileName().toString());
        meta.put("dataset", ds);
        meta.put("split", splitName);
        meta.put("samples", Integer.toString(r.samples()));
        meta.put("loss", String.format(Locale.ROOT, "%.9g", r.loss()));
        SafeTensors.write(out.resolve(GRADS), r.grads(), meta);
        Explainer.writeCsv(out.resolve(IMPORTANCE), r.modes());
        List<Path> pngs = writeCharts(out, model, r, ds + " " + splitName + ", " + r.samples() + " samples", data.height(), data.width());

        if (json) {
            System.out.println(json(model, ds, splitName, r, pngs));
            return 0;
        }
        System.out.printf(Locale.ROOT, "%s on %s %s, first %d samples: loss %.4f, accuracy %.2f%%%n", model.spec(), ds, splitName,
                r.samples(), r.loss(), 100 * r.accuracy());
        if (r.modes().isEmpty()) System.out.println("the model has no ttl layer: no per-mode importance (gradients written)");
        for (Explainer.ModeImportance m : r.modes()) {
            int[] rank = ImportanceTracker.ranking(m.gradShare());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(5, rank.length); i++) {
                sb.append(i > 0 ? ", " : "").append(rank[i]).append(String.format(Locale.ROOT, " (%.3f)", m.gradShare()[rank[i]]));
            }
            System.out.printf(Locale.ROOT, "%s mode %d (%d features): most important %s%n", m.layer(), m.mode(), m.gradShare().length, sb);
            int[] none = GradientFreeRows.zeros(m.gradNorm());
            if (none.length > 0) {
                // Exactly zero, as the row of a slice that is zero after preprocessing (blank pixels with --normalize unit) is.
                String rows = java.util.Arrays.toString(none);
                System.out.printf(Locale.ROOT, "  %s mode %d row(s) %s: exactly zero gradient over these samples (a slice that is zero "
                        + "after preprocessing gets none)%n", m.layer(), m.mode(), rows.substring(1, rows.length() - 1));
            }
        }
        System.out.println("wrote " + out.resolve(GRADS) + ", " + out.resolve(IMPORTANCE) + (pngs.isEmpty() ? "" : " and " + pngs.size() + " PNG(s)"));
        return 0;
    }

    /** Bar charts per mode and, for 2-way layers, the importance map (with the mean input when the layer reads the image). */
    static List<Path> writeCharts(Path dir, Sequential model, Explainer.Result r, String what, int imageH, int imageW) throws IOException {
        List<Path> written = new ArrayList<>();
        Map<String, List<Explainer.ModeImportance>> byLayer = new LinkedHashMap<>();
        for (Explainer.ModeImportance m : r.modes()) {
            Path f = dir.resolve("importance-" + m.layer() + "-mode" + m.mode() + ".png");
            String axis = m.gradShare().length == imageH && m.mode() == 0 ? "row" : m.gradShare().length == imageW && m.mode() == 1 ? "column" : "index";
            Charts.bars(f, "Feature importance, " + m.layer() + " mode " + m.mode() + " (" + what + ")",
                    axis + " of the input (mode " + m.mode() + ")", "share of gradient-row norm", m.gradShare(), null, null,
                    1.0 / m.gradShare().length, "uniform share 1/" + m.gradShare().length);
            written.add(f);
            byLayer.computeIfAbsent(m.layer(), k -> new ArrayList<>()).add(m);
        }
        for (Map.Entry<String, List<Explainer.ModeImportance>> e : byLayer.entrySet()) {
            List<Explainer.ModeImportance> ms = e.getValue();
            if (ms.size() != 2) continue;
            int h = ms.get(0).gradShare().length, w = ms.get(1).gradShare().length;
            float[] mean = readsImage(model, e.getKey(), h, w, r.meanInput().length) ? r.meanInput() : null;
            Path f = dir.resolve("importance-map-" + e.getKey() + ".png");
            Charts.importanceMap(f, "Gradient importance " + h + " x " + w + ": row share x column share (" + what + ")", ms.get(0).gradShare(),
                    ms.get(1).gradShare(), mean, "mean input (as prepared)");
            written.add(f);
        }
        return written;
    }

    /** Whether the layer is the first layer that does work, so its input is the (prepared) image itself. */
    private static boolean readsImage(Sequential model, String layer, int h, int w, int features) {
        if (h * w != features) return false;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layer(i);
            if (l instanceof TuckerLayer) return layer.equals("layers." + i);
            if (!l.params().isEmpty()) return false;
        }
        return false;
    }
}
