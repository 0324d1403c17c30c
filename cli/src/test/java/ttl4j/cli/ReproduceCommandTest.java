package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import ttl4j.engine.io.Json;
import ttl4j.ttl.Explainer;
import ttl4j.ttl.ImportanceTracker;
import ttl4j.ttl.SyntheticExperiment;

class ReproduceCommandTest {
    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyMnistShapedDataset() throws IOException {
        TinyData.write(data, "tiny28", 256, 64, 28);
    }

    private Captured reproduce(Path out, String... more) {
        String[] base = {"reproduce", "mnist", "--dataset", "tiny28", "--data-dir", data.toString(), "--epochs", "1", "--threads", "1",
                "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Captured.run(args);
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesResultsAndBothRuns() throws Exception {
        Path out = tmp.resolve("repro");
        Captured c = reproduce(out);
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("| compression, first layer (weights) | 1 | **66.63x** | 66.63x |"), c.out());
        for (String net : List.of("mlp-mnist", "ttl-mnist")) {
            for (String f : List.of("metrics.csv", "model.safetensors", "summary.json")) {
                assertTrue(Files.isRegularFile(out.resolve(net).resolve(f)), net + "/" + f);
            }
        }
        assertFalse(Files.exists(out.resolve("metrics.csv")), "only the networks' own directories have metrics");
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| test accuracy |") && md.contains("| gap, dense - TTL |"), md);

        // Importance: tracked during the TTL's training, and its maps over the first test samples.
        Path ttlDir = out.resolve("ttl-mnist");
        assertTrue(Files.readString(ttlDir.resolve("importance.csv")).startsWith(ImportanceTracker.CSV_HEADER));
        assertFalse(Files.exists(out.resolve("mlp-mnist").resolve("importance.csv")), "the dense network has no factors to track");
        Path explain = ttlDir.resolve("explain");
        List<String> csv = Files.readAllLines(explain.resolve("importance.csv"));
        assertEquals(Explainer.CSV_HEADER, csv.get(0));
        assertEquals(1 + 28 + 28, csv.size(), "one row per image row and column");
        ExplainCommandTest.assertPng(explain.resolve("importance-layers.0-mode0.png"), Charts.BAR_WIDTH, Charts.BAR_HEIGHT);
        ExplainCommandTest.assertPng(explain.resolve("importance-layers.0-mode1.png"), Charts.BAR_WIDTH, Charts.BAR_HEIGHT);
        ExplainCommandTest.assertPng(explain.resolve("importance-map-layers.0.png"), 20 + 2 * (70 + 336 + 110), 80 + 336 + 70);
        ExplainCommandTest.assertPng(ttlDir.resolve("curves.png"), Charts.CURVES_WIDTH, Charts.CURVES_HEIGHT);
        assertTrue(md.contains("(ttl-mnist/explain/importance-map-layers.0.png)") && md.contains("(ttl-mnist/importance.csv)")
                && md.contains("layers.0 mode 0 (rows): most important "), md);

        Map<String, Object> js = (Map<String, Object>) Json.parse(Files.readString(out.resolve("results.json")));
        assertEquals("mnist", js.get("experiment"));
        assertEquals("tiny28", js.get("dataset"));
        assertEquals(66.63, ((Number) js.get("layer_compression")).doubleValue(), 0);
        // 784*300 + 300 + 300*10 + 10 = 238,510 against 3,530 + 300 + 3,010 = 6,840 parameters.
        assertEquals(238_510.0 / 6_840, ((Number) js.get("network_compression")).doubleValue(), 0.005);
        List<Object> nets = (List<Object>) js.get("networks");
        assertEquals(2, nets.size());
        Map<String, Object> ttl = (Map<String, Object>) nets.get(1);
        assertEquals("ttl-mnist", ttl.get("model"));
        assertEquals(6_840, ((Number) ttl.get("parameters")).intValue());
        Map<String, Object> first = (Map<String, Object>) ttl.get("first_layer");
        assertEquals(3_530, ((Number) first.get("weights")).intValue());
        assertEquals(235_200, ((Number) first.get("dense_weights")).intValue());
        double acc = ((Number) ttl.get("test_accuracy")).doubleValue();
        assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
        assertTrue(((Number) ttl.get("seconds_per_epoch")).doubleValue() > 0);
        Map<String, Object> imp = (Map<String, Object>) js.get("importance");
        assertEquals("ttl-mnist/explain", imp.get("explain_dir"));
        assertEquals(64, ((Number) imp.get("samples")).intValue(), "the tiny test split has 64 samples, fewer than the limit");
        assertEquals(3, ((List<Object>) imp.get("charts")).size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void synthetic() throws Exception {
        Path out = tmp.resolve("synth");
        Captured c = Captured.run("reproduce", "synthetic", "--epochs", "1", "--threads", "1", "--seed", "3", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("## ttl reproduce synthetic: 16x16 inputs, 1 epochs, seed 3"), c.out());
        assertTrue(c.out().contains("| noise | test acc | P@k rows |"), c.out());
        for (String png : SyntheticReport.CHARTS) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertTrue(img != null && img.getWidth() > 100 && img.getHeight() > 100, png);
        }
        Map<String, Object> js = (Map<String, Object>) Json.parse(Files.readString(out.resolve("results.json")));
        assertEquals("synthetic", js.get("experiment"));
        assertEquals(3, ((Number) ((Map<String, Object>) js.get("main")).get("seed")).intValue());
        List<Object> seeds = (List<Object>) js.get("seeds");
        assertEquals(5, seeds.size());
        assertEquals(7, ((Number) ((Map<String, Object>) seeds.get(4)).get("seed")).intValue(), "seeds 3 to 7");
        assertEquals(SyntheticExperiment.defaultNoises().length, ((List<Object>) js.get("sweep")).size());
        assertEquals(1, ((Number) ((Map<String, Object>) js.get("options")).get("epochs")).intValue());
        assertTrue(Files.readString(out.resolve("results.md")).contains("### Seeds at noise 1"));
    }

    @Test
    void jsonModePrintsOnlyTheJson() throws Exception {
        Path out = tmp.resolve("json");
        Captured c = reproduce(out, "--json");
        assertEquals(0, c.exit(), c.err());
        Object parsed = Json.parse(c.out().strip());
        assertTrue(parsed instanceof Map, c.out());
        assertEquals(Files.readString(out.resolve("results.json")).strip(), c.out().strip());
        assertTrue(c.err().contains("training"), "training logs go to stderr: " + c.err());
    }

    @Test
    void helpDescribesEveryExperiment() {
        Captured c = Captured.run("reproduce", "--help");
        assertEquals(0, c.exit(), c.err());
        for (String e : ReproduceCommand.EXPERIMENTS.keySet()) assertTrue(c.out().contains(e + ":") || c.out().contains(e + ","), e + " in " + c.out());
        assertTrue(c.out().contains("precision@k") && c.out().contains("ttl-mnist/explain/"), c.out());
        assertEquals(2, Captured.run("synthetic").exit(), "the development command is gone");
    }

    private static void oneLineError(Captured c, String expected) {
        assertEquals(2, c.exit(), "exit code; stderr: " + c.err());
        String err = c.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("ttl: error: "), err);
        assertTrue(err.contains(expected), "expected \"" + expected + "\" in: " + err);
    }

    @Test
    void errorsAreOneLine() throws IOException {
        oneLineError(Captured.run("reproduce", "cifar100"), "unknown experiment 'cifar100': expected mnist, fashion-mnist, synthetic");
        oneLineError(Captured.run("reproduce", "synthetic", "--dataset", "tiny28", "--out", tmp.resolve("s").toString()),
                "--dataset does not apply to the synthetic experiment");
        oneLineError(Captured.run("reproduce"), "EXPERIMENT");
        oneLineError(Captured.run("reproduce", "mnist", "--epochs", "0"), "--epochs must be >= 1, got 0");
        oneLineError(Captured.run("reproduce", "mnist", "--dataset", "nothing-here", "--data-dir", data.toString(), "--out",
                tmp.resolve("n").toString()), "unknown dataset 'nothing-here'");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        oneLineError(reproduce(file), "cannot write to output directory");
    }
}
