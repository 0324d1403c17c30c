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

class SummaryCommandTest {
    @TempDir
    Path tmp;

    private static Map<?, ?> json(Captured c) throws Json.ParseException {
        assertEquals(0, c.exit(), c.err());
        return (Map<?, ?>) Json.parse(c.out().strip());
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }

    @Test
    void tuckerMnistCountsParametersMultiplyAddsAndCompression() throws Exception {
        Map<?, ?> s = json(Captured.run("summary", "--model", "ttl-mnist", "--input-shape", "784", "--json"));
        List<?> layers = (List<?>) s.get("layers");
        assertEquals(3, layers.size());
        Map<?, ?> ttl = (Map<?, ?>) layers.get(0), dense = (Map<?, ?>) layers.get(2);
        assertEquals("ttl", ttl.get("type"));
        // core 10 x 5 x 5, in factors 28 x 5 twice, out factor 300 x 10, bias 300
        assertEquals(3530, num(ttl.get("weights")));
        assertEquals(3830, num(ttl.get("parameters")));
        assertEquals(235_200, num(ttl.get("dense_weights")));
        assertEquals(235_200 / 3530.0, ((Number) ttl.get("compression")).doubleValue(), 1e-9);
        // projection 5*28*28 + 5*5*28, core 10*25, expansion 300*10
        assertEquals(5 * 28 * 28 + 5 * 5 * 28 + 250 + 3000, num(ttl.get("multiply_adds")));
        assertEquals(List.of(300L), ((List<?>) ttl.get("output_shape")).stream().map(o -> num(o)).toList());
        assertEquals(3000, num(dense.get("multiply_adds")));
        assertEquals(0, num(((Map<?, ?>) layers.get(1)).get("multiply_adds")));
        assertEquals(3830 + 3010, num(s.get("parameters")));
        assertEquals(num(ttl.get("multiply_adds")) + 3000, num(s.get("multiply_adds")));

        Captured text = Captured.run("summary", "--model", "ttl-mnist", "--input-shape", "784");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("3,530 weights instead of the 235,200 of the dense layer it replaces, 66.63x fewer"), text.out());
        assertTrue(text.out().contains("layers.2") && text.out().contains("total"), text.out());
    }

    @Test
    void convolutionsCountEveryOutputPosition() throws Exception {
        Map<?, ?> s = json(Captured.run("summary", "--model", "conv(4,k=3,p=1)|bn|relu|maxpool(2)|conv(2,k=3)|gap|dense(3)",
                "--input-shape", "1x8x8", "--json"));
        List<?> layers = (List<?>) s.get("layers");
        assertEquals(4L * 9 * 64, num(((Map<?, ?>) layers.get(0)).get("multiply_adds")));
        assertEquals(2L * 4 * 9 * 2 * 2, num(((Map<?, ?>) layers.get(4)).get("multiply_adds")));
        assertEquals(8, num(((Map<?, ?>) layers.get(1)).get("parameters")));
        assertEquals(List.of(4L, 4L, 4L), ((List<?>) ((Map<?, ?>) layers.get(3)).get("output_shape")).stream().map(o -> num(o)).toList());
        assertEquals(4L * 9 * 64 + 2L * 4 * 9 * 4 + 2 * 3, num(s.get("multiply_adds")));
    }

    @Test
    void aCheckpointAndTrainPrintTheSummary() throws Exception {
        Path data = tmp.resolve("data");
        TinyData.write(data, "tiny", 100, 20);
        Captured t = Captured.run("train", "--model", "ttl(8x8->4x4; r=2x2; s=2x2)|relu|dense(3)", "--dataset", "tiny", "--data-dir",
                data.toString(), "--epochs", "1", "--batch-size", "32", "--threads", "1", "--out", tmp.resolve("run").toString());
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("model: 3 layers, ") && t.out().contains("layers.0 ttl: 64 weights instead of the 1,024"), t.out());
        Map<?, ?> s = json(Captured.run("summary", "--checkpoint", tmp.resolve("run").resolve("model.safetensors").toString(), "--json"));
        assertEquals(List.of(64L), ((List<?>) s.get("input_shape")).stream().map(o -> num(o)).toList());
        assertEquals(64 + 16 + 16 * 3 + 3, num(s.get("parameters")));
    }

    @Test
    void mistakesAreOneLine() {
        String[][] cases = {{"--model", "dense(3)"}, {"--model", "dense(3)", "--input-shape", "2x3"},
                {"--checkpoint", tmp.resolve("none.safetensors").toString()}, {"--model", "conv(2,k=3)", "--input-shape", "9"}};
        for (String[] c : cases) {
            String[] args = new String[c.length + 1];
            args[0] = "summary";
            System.arraycopy(c, 0, args, 1, c.length);
            Captured r = Captured.run(args);
            assertEquals(2, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
