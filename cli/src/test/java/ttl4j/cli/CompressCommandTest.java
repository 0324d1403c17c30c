package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Sequential;

class CompressCommandTest {
    @TempDir
    static Path data;

    @TempDir
    static Path runs;

    @TempDir
    Path tmp;

    static Path model;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        TinyData.write(data, "tiny", 200, 90);
        Path run = runs.resolve("run");
        Captured c = Captured.run("train", "--model", "dense(16)|relu|dense(3)", "--dataset", "tiny", "--data-dir", data.toString(),
                "--epochs", "3", "--batch-size", "32", "--lr", "0.1", "--threads", "1", "--seed", "7", "--out", run.toString());
        assertEquals(0, c.exit(), c.err());
        model = run.resolve("model.safetensors");
    }

    private Captured compress(Path out, String... more) {
        String[] base = {"compress", "--checkpoint", model.toString(), "--data-dir", data.toString(), "--threads", "1",
                "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Captured.run(args);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static double evalAccuracy(Path ck) {
        Captured ev = Captured.run("eval", "--checkpoint", ck.toString(), "--data-dir", data.toString(), "--json");
        assertEquals(0, ev.exit(), ev.err());
        return number(ev.out(), "accuracy");
    }

    @Test
    void fullRanksPreserveTheNetworksOutputsAndTheResultLoadsWithEval() throws IOException {
        Path out = tmp.resolve("full.safetensors");
        // 64 inputs read as the 8x8 image by default; full ranks of the 16 x 8 x 8 weight tensor.
        Captured c = compress(out, "--layer", "layers.0", "--ranks", "8x8:16", "--json");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("\"model_after\":\"ttl(8x8->16; r=8x8; s=16)|relu|dense(3)\""), c.out());
        assertTrue(number(c.out(), "relative_error") < 1e-5, c.out());
        assertEquals(number(c.out(), "accuracy_before"), number(c.out(), "accuracy_compressed"), 1e-9, c.out());

        Sequential dense = Checkpoint.load(model).buildModel();
        Sequential ttl = Checkpoint.load(out).buildModel();
        Tensor x = Tensor.randn(new SplittableRandom(3), 1f, 13, 64);
        FloatAsserts.assertClose("logits after full-rank compression", dense.forward(x, false).toArray(), ttl.forward(x, false).toArray(),
                1e-4, 1e-4);
        assertEquals(number(c.out(), "accuracy_compressed"), evalAccuracy(out), 1e-9);
    }

    @Test
    void truncatesFineTunesAndReports() {
        Path out = tmp.resolve("small.safetensors");
        Captured c = compress(out, "--layer", "0", "--ranks", "4,2,2", "--fine-tune-epochs", "1", "--json");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("\"in_ranks\":[2,2]") && c.out().contains("\"out_ranks\":[4]"), c.out());
        // 4*2*2 core + 16*4 + 8*2 + 8*2 factors against 16*64 dense weights.
        assertEquals(112, number(c.out(), "layer_weights"), c.out());
        assertEquals(1024, number(c.out(), "layer_dense_weights"), c.out());
        assertEquals(number(c.out(), "accuracy_fine_tuned"), evalAccuracy(out), 1e-9);

        Captured text = compress(tmp.resolve("energy.safetensors"), "--layer", "layers.0", "--energy", "0.8", "--out-rank", "3");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("kept energy"), text.out());
        assertTrue(text.out().contains("s=3)"), text.out());
        assertTrue(text.out().contains("network: 1,091 ->"), text.out());
        Captured budget = compress(tmp.resolve("budget.safetensors"), "--layer", "layers.0", "--param-budget", "200", "--json");
        assertEquals(0, budget.exit(), budget.err());
        assertTrue(number(budget.out(), "layer_weights") <= 200, budget.out());
    }

    private void error(String expected, String... args) {
        Captured c = compress(tmp.resolve("e.safetensors"), args);
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.err().contains(expected), "expected '" + expected + "' in " + c.err());
        assertEquals(1, c.err().strip().lines().count(), c.err());
    }

    @Test
    void mistakesAreOneLineErrors() {
        error("unknown layer 'layers.7': the model dense(16)|relu|dense(3) has layers.0 to layers.2; dense layers: layers.0, layers.2",
                "--layer", "layers.7", "--ranks", "2x2:2");
        error("layer layers.1 is relu, not a dense layer", "--layer", "layers.1", "--ranks", "2x2:2");
        error("--in-shape 7x7 has 49 values but layer layers.0 (dense(16)) takes 64 inputs",
                "--layer", "layers.0", "--in-shape", "7x7", "--ranks", "2x2:2");
        error("input rank 9 of mode 1 is larger than its dimension 8 (--in-shape 8x8)", "--layer", "layers.0", "--ranks", "9x8:16");
        error("output rank 17 of mode 1 is larger than its dimension 16", "--layer", "layers.0", "--ranks", "8x8:17");
        error("gives no output rank", "--layer", "layers.0", "--ranks", "2x2");
        error("give exactly one of --ranks, --energy and --param-budget", "--layer", "layers.0");
        error("give exactly one of --ranks, --energy and --param-budget (got 2)", "--layer", "layers.0", "--ranks", "2x2:2",
                "--energy", "0.9");
        error("--energy must be in (0, 1]", "--layer", "layers.0", "--energy", "1.5");
        error("--ranks 2,2 gives 2 ranks; the weight tensor has 3 modes", "--layer", "layers.0", "--ranks", "2,2");
        error("--method: unknown method", "--layer", "layers.0", "--ranks", "2x2:2", "--method", "svd");
        Captured missing = Captured.run("compress", "--checkpoint", tmp.resolve("nope.safetensors").toString(), "--layer", "0",
                "--ranks", "2x2:2", "--out", tmp.resolve("o").toString());
        assertNotEquals(0, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }
}
