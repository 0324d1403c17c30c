package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.Tensor;
import ttl4j.engine.io.Json;
import ttl4j.nn.SafeTensors;

/**
 * {@code ttl reproduce cifar10} end to end on small networks in place of the VGGs (hidden --models):
 * the VGG presets take minutes per step with today's convolutions. On a generated dataset, and on the
 * first 128 images of the real CIFAR-10 when the shared datasets are present.
 */
class ReproduceCifar10Test {
    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    static final String TINY_MODELS = "conv(4,k=3,p=1)|bn|relu|maxpool(2)|flatten|dense(16)|relu|dense(3)"
            + ";;conv(4,k=3,p=1)|bn|relu|maxpool(2)|flatten|ttl(4x4x4->4x4; r=2; s=2)|relu|dense(3)";

    @BeforeAll
    static void tinyDataset() throws IOException {
        TinyData.write(data, "tiny", 200, 100);
    }

    private Captured reproduce(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("reproduce", "cifar10", "--dataset", "tiny", "--data-dir", data.toString(),
                "--models", TINY_MODELS, "--subset", "128", "--threads", "1", "--out", out.toString()));
        a.addAll(List.of(more));
        return Captured.run(a.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> results(Path dir) throws IOException, Json.ParseException {
        return (Map<String, Object>) Json.parse(Files.readString(dir.resolve("results.json")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainsBothNetworksAndWritesTheComparison() throws Exception {
        Path out = tmp.resolve("r");
        Captured c = reproduce(out, "--epochs", "1", "--json");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.err().contains("[1/2] vgg16") && c.err().contains("[2/2] vgg16-ttl"), c.err());
        Map<String, Object> js = (Map<String, Object>) Json.parse(c.out());
        assertEquals(results(out), js);
        List<Map<String, Object>> nets = (List<Map<String, Object>>) js.get("networks");
        assertEquals(2, nets.size());
        assertEquals(2, ((Number) nets.get(0).get("steps_per_epoch")).intValue(), "128 samples at batch 64");
        // heads: dense(16) on 4x4x4 = 64 features: 64*16+16 + 16*3+3; ttl: 3*4*2 + 2*4*2 + 2^3*2^2 + 16 bias, then 51
        assertEquals(64 * 16 + 16 + 16 * 3 + 3, ((Number) nets.get(0).get("head_parameters")).longValue());
        assertEquals(3 * 8 + 2 * 8 + 32 + 16 + 51, ((Number) nets.get(1).get("head_parameters")).longValue());
        for (Map<String, Object> n : nets) {
            assertTrue(((Number) n.get("seconds_per_step")).doubleValue() > 0, n.toString());
            assertEquals(1, ((List<Object>) n.get("test_accuracy_per_epoch")).size());
        }
        assertTrue(((Number) js.get("step_time_ratio")).doubleValue() > 0);
        assertEquals(0.9, ((Number) ((Map<String, Object>) js.get("paper")).get("step_time_ratio")).doubleValue());
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("compression, head") && md.contains("step time, vgg16-ttl / vgg16") && md.contains("<= 0.90"), md);
        assertTrue(md.contains(out.resolve("accuracy.png").toString()), md);
        assertTrue(javax.imageio.ImageIO.read(out.resolve("accuracy.png").toFile()).getWidth() > 0, "accuracy.png is an image");
        assertEquals("128", SafeTensors.read(out.resolve("vgg16/model.safetensors")).metadata().get("run.subset"));
        assertEquals("crop-flip", SafeTensors.read(out.resolve("vgg16/model.safetensors")).metadata().get("run.augment"));
        Captured again = reproduce(out, "--epochs", "1");
        assertEquals(2, again.exit(), again.err());
        assertTrue(again.err().contains("--resume"), again.err());
    }

    /**
     * The commands users run on the trained networks: {@code compress} of the dense head's first
     * layer (reading the flattened C x H x W features as a 3-way input), {@code eval} of the result,
     * and {@code explain} of the Tucker head (importance of each feature mode).
     */
    @Test
    @SuppressWarnings("unchecked")
    void compressEvalAndExplainWorkOnTheConvolutionalNetworks() throws Exception {
        Path out = tmp.resolve("r");
        assertEquals(0, reproduce(out, "--epochs", "1").exit());
        Path dense = out.resolve("vgg16/model.safetensors"), small = tmp.resolve("c");
        Captured c = Captured.run("compress", "--checkpoint", dense.toString(), "--layer", "layers.5", "--in-shape", "4x4x4",
                "--out-shape", "4x4", "--ranks", "2x2x2:2x2", "--data-dir", data.toString(), "--threads", "1", "--json",
                "--out", small + "/");
        assertEquals(0, c.exit(), c.err());
        Map<String, Object> js = (Map<String, Object>) Json.parse(c.out());
        double before = ((Number) js.get("accuracy_before")).doubleValue(), after = ((Number) js.get("accuracy_compressed")).doubleValue();
        assertTrue(before > 0 && before <= 1 && after > 0 && after <= 1, c.out());
        Path compressed = small.resolve("model.safetensors");
        Map<String, Tensor> t = SafeTensors.read(compressed).tensors();
        assertEquals(List.of(2, 2, 2, 2, 2), java.util.Arrays.stream(t.get("layers.5.core").shape()).boxed().toList());
        assertTrue(t.containsKey("layers.1.running_mean"), "the batch-norm buffers are kept: " + t.keySet());
        Captured e = Captured.run("eval", "--checkpoint", compressed.toString(), "--data-dir", data.toString(), "--json");
        assertEquals(0, e.exit(), e.err());
        assertEquals(after, ((Number) ((Map<String, Object>) Json.parse(e.out())).get("accuracy")).doubleValue(), 1e-9, e.out());

        Path ex = tmp.resolve("explain");
        Captured x = Captured.run("explain", "--checkpoint", out.resolve("vgg16-ttl/model.safetensors").toString(), "--data-dir",
                data.toString(), "--limit", "50", "--threads", "1", "--out", ex.toString(), "--json");
        assertEquals(0, x.exit(), x.err());
        List<String> rows = Files.readAllLines(ex.resolve("importance.csv"));
        // layer 5's three input modes of 4 features each (channels, rows, columns of the pooled map)
        assertEquals(3 * 4, rows.stream().filter(r -> r.startsWith("layers.5,")).count(), String.join("\n", rows));
        assertTrue(Files.isRegularFile(ex.resolve("grads.safetensors")));
    }

    /** An accuracy chart that cannot be written (a directory in its place) costs a warning, not the results. */
    @Test
    void unwritableChartStillWritesTheResults() throws Exception {
        Path out = tmp.resolve("nochart");
        Files.createDirectories(out.resolve("accuracy.png").resolve("in-the-way"));
        Captured c = reproduce(out, "--epochs", "1");
        assertEquals(0, c.exit(), c.err());
        assertTrue((c.out() + c.err()).contains("warning: cannot write " + out.resolve("accuracy.png")), c.out() + c.err());
        assertTrue(Files.readString(out.resolve("results.md")).contains("step time, vgg16-ttl / vgg16"));
        assertTrue(Files.isRegularFile(out.resolve("results.json")));
    }

    @Test
    void interruptedRunResumesToTheUninterruptedResult() throws Exception {
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, reproduce(whole, "--epochs", "2").exit());
        Captured first = reproduce(parts, "--epochs", "2", "--stop-after-steps", "3");
        assertEquals(130, first.exit(), first.err());
        assertTrue(first.out().contains("ttl reproduce cifar10 --resume " + parts), first.out());
        Captured bad = Captured.run("reproduce", "cifar10", "--resume", parts.toString(), "--epochs", "3");
        assertEquals(2, bad.exit(), bad.err());
        Captured rest = Captured.run("reproduce", "cifar10", "--resume", parts.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, rest.exit(), rest.err());
        for (String net : List.of("vgg16", "vgg16-ttl")) {
            Map<String, Tensor> a = SafeTensors.read(whole.resolve(net).resolve("model.safetensors")).tensors();
            Map<String, Tensor> b = SafeTensors.read(parts.resolve(net).resolve("model.safetensors")).tensors();
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), net + " " + k);
        }
        assertEquals(results(whole).get("gap_points"), results(parts).get("gap_points"));
    }

    /**
     * {@code --networks} trains one network, the same one a run of both trains (its weights bit for
     * bit), reports it alone, keeps the choice in the plan for --resume, and names a bad choice.
     */
    @Test
    @SuppressWarnings("unchecked")
    void oneNetworkIsTrainedAsInARunOfBoth() throws Exception {
        Path both = tmp.resolve("both"), one = tmp.resolve("one");
        assertEquals(0, reproduce(both, "--epochs", "1").exit());
        Captured c = reproduce(one, "--epochs", "1", "--networks", "vgg16-ttl", "--stop-after-steps", "1");
        assertEquals(130, c.exit(), c.err());
        assertTrue(c.out().contains("[1/1] vgg16-ttl") && !c.out().contains("[1/2]"), c.out());
        assertTrue(Files.readString(one.resolve("plan.json")).contains("\"networks\": [\"vgg16-ttl\"]"));
        Captured rest = Captured.run("reproduce", "cifar10", "--resume", one.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(Files.notExists(one.resolve("vgg16")), "the dense network is not trained");
        Map<String, Tensor> a = SafeTensors.read(both.resolve("vgg16-ttl/model.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(one.resolve("vgg16-ttl/model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
        Map<String, Object> js = results(one);
        List<Map<String, Object>> nets = (List<Map<String, Object>>) js.get("networks");
        assertEquals(1, nets.size());
        assertEquals("vgg16-ttl", nets.get(0).get("model"));
        assertEquals(((List<Map<String, Object>>) results(both).get("networks")).get(1).get("test_accuracy"), nets.get(0).get("test_accuracy"));
        assertTrue(!js.containsKey("step_time_ratio") && !js.containsKey("gap_points"), js.toString());
        String md = Files.readString(one.resolve("results.md"));
        assertTrue(md.contains("vgg16-ttl only") && md.contains("ttl reproduce cifar10 --networks vgg16 --epochs 1 --seed 1 --subset 128"), md);

        Captured bad = reproduce(tmp.resolve("bad"), "--networks", "vgg16,vgg19");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown network 'vgg19' in 'vgg16,vgg19'"), bad.err());
        Captured twice = reproduce(tmp.resolve("twice"), "--networks", "vgg16-ttl,vgg16-ttl");
        assertEquals(2, twice.exit());
        assertTrue(twice.err().contains("vgg16-ttl is given twice"), twice.err());
        Captured order = reproduce(tmp.resolve("order"), "--epochs", "1", "--networks", "vgg16-ttl, vgg16", "--stop-after-steps", "1");
        assertTrue(order.out().contains("[1/2] vgg16\n") || order.out().contains("[1/2] vgg16 ("), order.out());
    }

    /** The real CIFAR-10 (first 128 images of each split), when the shared datasets are here. */
    @Test
    void realCifar10Subset() throws Exception {
        Path shared = Path.of("").toAbsolutePath().getParent().resolve("../shared/datasets/cifar-10").normalize();
        assumeTrue(Files.isRegularFile(shared.resolve("test_batch.bin.gz")), "no CIFAR-10 at " + shared);
        Path dir = Files.createDirectories(tmp.resolve("data/cifar10"));
        try (var files = Files.list(shared)) {
            for (Path f : files.toList()) Files.createSymbolicLink(dir.resolve(f.getFileName()), f);
        }
        String features = "conv(4,k=3,p=1)|bn|relu|maxpool(4)|conv(8,k=3,p=1)|bn|relu|maxpool(8)|flatten";
        Path out = tmp.resolve("real");
        Captured c = Captured.run("reproduce", "cifar10", "--data-dir", tmp.resolve("data").toString(), "--models",
                features + "|dense(32)|relu|dense(10);;" + features + "|ttl(2x2x2->4x2x4; r=2; s=2)|relu|dense(10)", "--subset", "128",
                "--epochs", "1", "--threads", "1", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("on cifar10 (128 train, 128 test samples)"), c.out());
        Map<String, Object> js = results(out);
        assertEquals("cifar10", js.get("dataset"));
        assertEquals(128, ((Number) js.get("subset")).intValue());
    }
}
