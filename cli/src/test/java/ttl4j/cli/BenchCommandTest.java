package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.io.Json;

/**
 * {@code ttl bench} subcommands run on small cases and print the JSON the peer scripts read (the
 * mode-product and Khatri-Rao cases are fixed and large; their workloads are exercised by the bench
 * module's tests).
 */
class BenchCommandTest {
    @TempDir
    static Path data;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String... args) {
        Captured c = Captured.run(args);
        assertEquals(0, c.exit(), c.err());
        try {
            Map<String, Object> js = (Map<String, Object>) Json.parse(c.out().strip());
            for (String k : List.of("kernels", "java", "threads")) assertTrue(js.containsKey(k), k + " in " + c.out());
            return js;
        } catch (Json.ParseException e) {
            throw new AssertionError("not JSON: " + c.out(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> js) {
        return (List<Map<String, Object>>) js.get("results");
    }

    @Test
    void gemmAndSvdReportOneResultPerShape() {
        Map<String, Object> g = json("bench", "gemm", "--shapes", "40x30x20,17x9x33:TT", "--seconds", "0.01", "--threads", "1", "--json");
        assertEquals(List.of("40x30x20:NN", "17x9x33:TT"), results(g).stream().map(r -> r.get("shape")).toList());
        assertEquals(2.0 * 40 * 30 * 20, ((Number) results(g).get(0).get("work")).doubleValue());
        assertEquals("GFLOPS", results(g).get(0).get("rate_unit"));
        Map<String, Object> s = json("bench", "svd", "--shapes", "30x12", "--seconds", "0.01", "--repeats", "1", "--json");
        assertEquals("30x12", results(s).get(0).get("shape"));
        assertTrue(((Number) results(s).get(0).get("median_s")).doubleValue() > 0);
    }

    @Test
    void convReportsEveryLayerWithItsPlan() {
        Map<String, Object> js = json("bench", "conv", "--batch-size", "2", "--layers", "3x8x6,8x8x5:k1:p0,4x6x9x7:s2",
                "--seconds", "0.005", "--rounds", "2", "--json");
        List<Map<String, Object>> r = results(js);
        assertEquals(3, r.size());
        assertEquals(List.of(3, 8, 4), r.stream().map(x -> ((Number) x.get("cin")).intValue()).toList());
        assertEquals(false, r.get(0).get("input_grad"), "a 3-channel first layer needs no input gradient");
        assertEquals(7, ((Number) r.get(2).get("w")).intValue());
        for (Map<String, Object> x : r) {
            assertTrue(((Number) x.get("fwd_ms")).doubleValue() > 0 && ((Number) x.get("fwd_bwd_ms")).doubleValue() > 0, x.toString());
            for (String k : List.of("fwd_ms", "fwd_bwd_ms")) assertOrdered(x, k + "_min", k, k + "_max");
            assertTrue(x.get("algorithm") instanceof Map<?, ?>, x.toString());
        }
        Captured bad = Captured.run("bench", "conv", "--layers", "3x8", "--seconds", "0.005");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("bad layer '3x8'"), bad.err());
        Captured tooSmall = Captured.run("bench", "conv", "--layers", "3x8x2:k5:p0", "--seconds", "0.005");
        assertEquals(2, tooSmall.exit(), tooSmall.err());
        assertTrue(tooSmall.err().contains("does not fit"), tooSmall.err());
    }

    @Test
    void ttlLayerReportsThreeVariantsPerLayer() {
        Map<String, Object> js = json("bench", "ttl-layer", "--batch-size", "2", "--seconds", "0.005", "--rounds", "2", "--json");
        List<Map<String, Object>> r = results(js);
        assertEquals(6, r.size());
        for (Map<String, Object> x : r) assertOrdered(x, "min_s", "median_s", "max_s");
        assertEquals(List.of("dense", "factorized", "reconstructed"), r.subList(0, 3).stream().map(x -> x.get("variant")).toList());
        assertEquals(1.0, ((Number) r.get(0).get("speedup_vs_dense")).doubleValue());
        Captured table = Captured.run("bench", "ttl-layer", "--batch-size", "2", "--seconds", "0.005", "--rounds", "1");
        assertTrue(table.out().contains("32x32->32x32 r8") && table.out().contains("ms (min-max)"), table.out());
    }

    /** {@code keys} name numbers of {@code x} in non-decreasing order (min, median, max). */
    private static void assertOrdered(Map<String, Object> x, String... keys) {
        for (int i = 1; i < keys.length; i++) {
            double a = ((Number) x.get(keys[i - 1])).doubleValue(), b = ((Number) x.get(keys[i])).doubleValue();
            assertTrue(a <= b && a > 0, keys[i - 1] + " <= " + keys[i] + " in " + x);
        }
    }

    @Test
    void repeatingCommandsDefaultToFiveRounds() {
        for (String cmd : List.of("ttl-layer", "mode-product", "conv")) {
            Captured h = Captured.run("bench", cmd, "--help");
            assertTrue(h.out().replaceAll("\\s+", " ").contains("beside it (default: 5)"), cmd + ": " + h.out());
        }
        Captured svd = Captured.run("bench", "svd", "--help");
        assertTrue(svd.out().replaceAll("\\s+", " ").contains("timed runs per shape (default: 5)"), svd.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainTimesTheEpochsAfterTheWarmUp() throws IOException {
        TinyData.write(data, "tiny", 64, 8);
        Map<String, Object> js = json("bench", "train", "--model", "dense(8)|relu|dense(3)", "--dataset", "tiny", "--data-dir",
                data.toString(), "--warmup-runs", "1", "--epochs", "3", "--batch-size", "16", "--threads", "1", "--json");
        List<Object> epochs = (List<Object>) js.get("epoch_seconds");
        assertEquals(3, epochs.size());
        assertEquals(1, ((Number) js.get("warmup_epochs")).intValue());
        assertOrdered(js, "min_s", "median_s", "max_s");
        double min = epochs.stream().mapToDouble(v -> ((Number) v).doubleValue()).min().orElseThrow();
        assertEquals(min, ((Number) js.get("min_s")).doubleValue(), 1e-4, js.toString());
        assertEquals("dense(8)|relu|dense(3)", js.get("spec"));
        assertTrue(Double.isFinite(((Number) js.get("last_loss")).doubleValue()));
        // --warmup, the old name the bench scripts pass, is a hidden alias; the help tells the two warm-ups apart
        Map<String, Object> old = json("bench", "train", "--model", "dense(8)|relu|dense(3)", "--dataset", "tiny", "--data-dir",
                data.toString(), "--warmup", "2", "--epochs", "1", "--batch-size", "16", "--threads", "1", "--json");
        assertEquals(2, ((Number) old.get("warmup_epochs")).intValue());
        Captured both = Captured.run("bench", "train", "--dataset", "tiny", "--data-dir", data.toString(), "--warmup", "1",
                "--warmup-runs", "1");
        assertTrue(both.exit() == 2 && both.err().contains("--warmup is its old name"), both.err());
        String help = Captured.run("bench", "train", "--help").out();
        assertTrue(help.contains("--warmup-runs") && !help.contains("--warmup ") && !help.contains("--warmup=")
                && help.replaceAll("\\s+", " ").contains("not the learning-rate warm-up (ttl train --warmup-epochs)"), help);
        Captured table = Captured.run("bench", "train", "--model", "dense(8)|relu|dense(3)", "--dataset", "tiny", "--data-dir",
                data.toString(), "--epochs", "2", "--batch-size", "16", "--threads", "1");
        assertTrue(table.out().contains("2 epochs after 1 warm-up") && table.out().contains("s per epoch (min "), table.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainStepsTimesSingleStepsAndProfilesThem() throws IOException {
        TinyData.write(data, "tiny", 64, 8);
        String spec = "conv(4,k=3,p=1)|bn|relu|maxpool(2)|flatten|dense(8)|relu|dense(3)";
        Map<String, Object> js = json("bench", "train", "--model", spec, "--dataset", "tiny", "--data-dir", data.toString(),
                "--steps", "5", "--batch-size", "16", "--threads", "1", "--profile", "--json");
        assertEquals(5, ((List<Object>) js.get("step_seconds")).size(), "5 steps run past the 4 of an epoch");
        assertEquals(2, ((Number) js.get("warmup_steps")).intValue());
        double median = ((Number) js.get("median_step_s")).doubleValue();
        assertTrue(median > 0 && median <= ((Number) js.get("max_step_s")).doubleValue(), js.toString());
        Map<String, Object> prof = (Map<String, Object>) js.get("profile");
        assertEquals(5, ((Number) prof.get("steps")).intValue());
        Map<String, Object> parts = (Map<String, Object>) prof.get("parts_s");
        for (String k : List.of("data", "zero_grad", "forward conv", "forward bn", "forward relu", "forward maxpool", "forward dense",
                "loss", "backward dense", "backward conv", "backward bn", "guard", "update", "other")) {
            assertTrue(parts.containsKey(k), k + " in " + parts.keySet());
        }
        double sum = parts.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
        double step = ((Number) prof.get("step_s")).doubleValue();
        assertEquals(step, sum, 1e-5 + 1e-3 * step, "the parts add up to the step");
        // per layer, forward and backward: 2 reads each; 8 layers
        assertTrue(((Number) prof.get("clock_reads_per_step")).doubleValue() >= 4 * 8, prof.toString());
        assertTrue(((Number) prof.get("timer_overhead_step_s")).doubleValue() >= 0, prof.toString());
        assertEquals(16, ((Number) prof.get("batch_size")).intValue());
        List<Map<String, Object>> layers = (List<Map<String, Object>>) prof.get("layers");
        assertEquals(8, layers.size(), layers.toString());
        Map<String, Object> conv = layers.get(0), dense = layers.get(5), last = layers.get(7);
        assertEquals("conv(4,k=3,p=1)", conv.get("spec"));
        // per step of 16 samples: conv 4 x 1 x 3 x 3 x 8 x 8, the first layer so no input gradient
        assertEquals(16 * 4 * 9 * 64, ((Number) conv.get("forward_multiply_adds")).longValue());
        assertEquals(16 * 4 * 9 * 64, ((Number) conv.get("backward_multiply_adds")).longValue());
        assertTrue(((String) conv.get("algorithm")).matches("[a-z0-9]+ / - / [a-z0-9]+"), conv.toString());
        assertEquals(16 * 64 * 8, ((Number) dense.get("forward_multiply_adds")).longValue());
        assertEquals(2 * 16 * 64 * 8, ((Number) dense.get("backward_multiply_adds")).longValue(), "input and weight gradients");
        assertEquals("gemm", dense.get("algorithm"));
        assertEquals(16 * 8 * 3, ((Number) last.get("forward_multiply_adds")).longValue());
        double convGflops = ((Number) conv.get("forward_gflops")).doubleValue();
        assertEquals(2.0 * 16 * 4 * 9 * 64 / ((Number) conv.get("forward_s")).doubleValue() / 1e9, convGflops, 1e-4 + 0.01 * convGflops);
        assertEquals(null, layers.get(1).get("forward_gflops"), "batch norm does no counted multiply-adds");
        double denseFwd = 0, denseBwd = 0;
        for (Map<String, Object> l : layers) {
            if (((String) l.get("spec")).startsWith("dense(")) {
                denseFwd += ((Number) l.get("forward_s")).doubleValue();
                denseBwd += ((Number) l.get("backward_s")).doubleValue();
            }
        }
        assertEquals(((Number) parts.get("forward dense")).doubleValue(), denseFwd, 2e-6, "the layers add up to their kind's part");
        assertEquals(((Number) parts.get("backward dense")).doubleValue(), denseBwd, 2e-6);

        Captured table = Captured.run("bench", "train", "--model", spec, "--dataset", "tiny", "--data-dir", data.toString(),
                "--steps", "2", "--warmup", "0", "--batch-size", "16", "--threads", "1", "--profile");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("median") && table.out().contains("backward conv") && table.out().contains("timer:"), table.out());
        assertTrue(table.out().contains("per layer") && table.out().contains("GFLOPS") && table.out().contains("dense(8) (gemm)"),
                table.out());
    }
}
