package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.cli.plot.Charts;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.engine.Tensor;
import ttl4j.nn.Batch;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Param;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;
import ttl4j.nn.SoftmaxCrossEntropy;
import ttl4j.ttl.ImportanceTracker;

class ExplainCommandTest {
    /** Smooth activation: central differences stay away from ReLU kinks. */
    static final String SPEC = "ttl(8x8->6; r=3x2; s=2)|tanh|dense(3)";

    @TempDir
    static Path data;

    @TempDir
    static Path run;

    @TempDir
    Path tmp;

    static Captured trained;

    @BeforeAll
    static void trainTiny() throws IOException {
        TinyData.write(data, "tiny", 120, 40);
        trained = Captured.run("train", "--model", SPEC, "--dataset", "tiny", "--data-dir", data.toString(), "--epochs", "2",
                "--batch-size", "16", "--lr", "0.05", "--threads", "1", "--normalize", "unit", "--track-importance", "--out",
                run.toString());
        assertEquals(0, trained.exit(), trained.err());
    }

    @Test
    void trainWritesImportanceAndCurves() throws IOException {
        List<String> rows = Files.readAllLines(run.resolve("importance.csv"));
        assertEquals(ImportanceTracker.CSV_HEADER, rows.get(0));
        // 2 epochs + total, 8 rows + 8 columns each.
        assertEquals(1 + 3 * 16, rows.size());
        double share = 0;
        for (String r : rows) if (r.startsWith("total,layers.0,1,")) share += Double.parseDouble(r.split(",")[5]);
        assertEquals(1.0, share, 1e-6);
        assertPng(run.resolve("curves.png"), Charts.CURVES_WIDTH, Charts.CURVES_HEIGHT);
    }

    @Test
    void trackImportanceNeedsTtlLayer() {
        Captured c = Captured.run("train", "--model", "dense(4)|relu|dense(3)", "--dataset", "tiny", "--data-dir", data.toString(),
                "--epochs", "1", "--track-importance", "--out", tmp.resolve("x").toString());
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("--track-importance needs a model with a ttl layer"), c.err());
    }

    @Test
    void gradientsMatchFiniteDifferencesAndChartsDecode() throws IOException {
        Path out = tmp.resolve("explain");
        Path ckFile = run.resolve("model.safetensors");
        Captured c = Captured.run("explain", "--checkpoint", ckFile.toString(), "--data-dir", data.toString(), "--limit", "20",
                "--batch-size", "7", "--threads", "1", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("first 20 samples"), c.out());
        SafeTensors.Contents grads = SafeTensors.read(out.resolve("grads.safetensors"));
        assertEquals("20", grads.metadata().get("samples"));

        Checkpoint ck = Checkpoint.load(ckFile);
        Sequential model = ck.buildModel();
        assertEquals(model.paramMap().keySet(), grads.tensors().keySet());
        Dataset test = Datasets.load(data.toString(), "tiny", Split.TEST, m -> { });
        Batch b = DatasetBatchSource.inOrder(test, 20, Preprocessing.fromJson(ck.metadata().get("preprocessing"))).batch(0, 0, 0);
        Tensor x = b.inputs().copy();
        int[] y = b.labels().clone();
        float eps = 1e-2f;
        int checked = 0;
        for (Param p : model.params()) {
            Tensor g = grads.tensors().get(p.name());
            float[] v = p.value().data();
            for (int i = 0; i < p.size(); i++) {
                int j = p.value().offset() + i;
                float old = v[j];
                v[j] = old + eps;
                double lp = loss(model, x, y);
                v[j] = old - eps;
                double lm = loss(model, x, y);
                v[j] = old;
                double fd = (lp - lm) / (2 * eps);
                double got = g.getFlat(i);
                assertTrue(Math.abs(got - fd) <= 1e-3 + 2e-2 * Math.abs(fd), p.name() + "[" + i + "]: explain " + got + ", finite difference " + fd);
                checked++;
            }
        }
        assertEquals(91, checked);

        List<String> rows = Files.readAllLines(out.resolve("importance.csv"));
        assertEquals(1 + 16, rows.size());
        assertPng(out.resolve("importance-layers.0-mode0.png"), Charts.BAR_WIDTH, Charts.BAR_HEIGHT);
        assertPng(out.resolve("importance-layers.0-mode1.png"), Charts.BAR_WIDTH, Charts.BAR_HEIGHT);
        // 8 x 8 map, cells of 336 / 8 px, two panels with colour bars.
        assertPng(out.resolve("importance-map-layers.0.png"), 20 + 2 * (70 + 336 + 110), 80 + 336 + 70);
    }

    @Test
    void batchSizeDoesNotChangeTheGradient() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        String ck = run.resolve("model.safetensors").toString();
        for (Path[] o : new Path[][] {{a}, {b}}) assertEquals(0, Captured.run("explain", "--checkpoint", ck, "--data-dir", data.toString(),
                "--limit", "30", "--batch-size", o[0] == a ? "30" : "4", "--out", o[0].toString()).exit());
        Map<String, Tensor> ga = SafeTensors.read(a.resolve("grads.safetensors")).tensors(), gb = SafeTensors.read(b.resolve("grads.safetensors")).tensors();
        for (String k : ga.keySet()) ttl4j.engine.FloatAsserts.assertClose(k, ga.get(k).toArray(), gb.get(k).toArray(), 1e-6, 1e-4);
    }

    @Test
    void jsonGivesTheSharesAndTheFilesInOneObject() throws Exception {
        Captured c = Captured.run("explain", "--checkpoint", run.resolve("model.safetensors").toString(), "--data-dir", data.toString(),
                "--limit", "30", "--json", "--out", tmp.resolve("j").toString());
        assertEquals(0, c.exit(), c.err());
        Map<?, ?> o = (Map<?, ?>) ttl4j.engine.io.Json.parse(c.out().strip());
        assertEquals(30L, o.get("samples"));
        List<?> modes = (List<?>) o.get("modes");
        assertTrue(!modes.isEmpty(), c.out());
        double sum = 0;
        for (Object share : (List<?>) ((Map<?, ?>) modes.get(0)).get("grad_share")) sum += ((Number) share).doubleValue();
        assertEquals(1.0, sum, 1e-4);
        assertTrue(((List<?>) o.get("files")).size() >= 2, c.out());
    }

    @Test
    void badCheckpointIsAUserError() {
        Captured c = Captured.run("explain", "--checkpoint", tmp.resolve("none.safetensors").toString(), "--out", tmp.toString());
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("does not exist"), c.err());
    }

    static double loss(Sequential m, Tensor x, int[] y) {
        return new SoftmaxCrossEntropy().compute(m.forward(x, false), y).loss();
    }

    static void assertPng(Path f, int w, int h) throws IOException {
        BufferedImage img = ImageIO.read(f.toFile());
        assertTrue(img != null, f + " does not decode as an image");
        assertEquals(w, img.getWidth(), f + " width");
        assertEquals(h, img.getHeight(), f + " height");
    }
}
