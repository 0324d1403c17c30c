package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.Tensor;
import ttl4j.engine.io.Json;
import ttl4j.nn.SafeTensors;

/**
 * {@code ttl train} killed as kill -9 kills it (no shutdown hook runs), at random moments and at
 * the moments that used to lose results (just after an epoch's metrics row, just after its
 * checkpoint, inside the final evaluation, before the first epoch ends), then resumed until done:
 * every tensor, every metrics row and every summary field (but timings) must equal an uninterrupted
 * run's. Each kill is a separate JVM, so this runs a few seconds per scenario.
 */
@Tag("crash")
class CrashTest {
    static final String SPEC = "dense(16)|relu|dropout(0.2)|dense(3)";

    @TempDir
    Path tmp;

    private List<String> trainArgs(Path data, Path out) {
        return List.of("train", "--model", SPEC, "--dataset", "tiny", "--data-dir", data.toString(), "--epochs", "3",
                "--batch-size", "32", "--threads", "1", "--seed", "5", "--out", out.toString());
    }

    private static Process start(List<String> args, String haltAt) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path")));
        if (haltAt != null) cmd.add("-Dttl4j.crashTest.haltAt=" + haltAt);
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static int run(List<String> args, String haltAt) throws IOException, InterruptedException {
        Process p = start(args, haltAt);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return p.exitValue();
    }

    /** Resumes (or, when the kill came before the first checkpoint, starts again) until the run ends with exit code 0. */
    private void finish(Path data, Path out) throws IOException, InterruptedException {
        for (int i = 0; i < 5; i++) {
            List<String> args = Files.exists(out.resolve("checkpoint.safetensors"))
                    ? List.of("train", "--resume", out.toString(), "--threads", "1") : trainArgs(data, out);
            if (run(args, null) == 0) return;
        }
        throw new AssertionError("the run did not finish after 5 resumes");
    }

    @Test
    void killedAtAnyMomentAndResumedTheRunEndsAsIfNeverInterrupted() throws Exception {
        Path data = tmp.resolve("data");
        TinyData.write(data, "tiny", 160, 48);
        Path ref = tmp.resolve("ref");
        assertEquals(0, run(trainArgs(data, ref), null));

        List<String[]> scenarios = List.of(new String[] {"step:2"}, new String[] {"row:1", "checkpoint:2"},
                new String[] {"eval"}, new String[] {"row:3"}, new String[] {"checkpoint:3"}, new String[] {"step:4", "step:5", "step:3"});
        int n = 0;
        for (String[] halts : scenarios) {
            Path out = tmp.resolve("s" + n++);
            boolean first = true;
            for (String h : halts) {
                List<String> args = first ? trainArgs(data, out) : List.of("train", "--resume", out.toString(), "--threads", "1");
                assertEquals(137, run(args, h), String.join(",", halts) + " at " + h);
                first = false;
            }
            finish(data, out);
            assertSameRun(ref, out, String.join(",", halts));
        }
        // And at random moments, without a hook.
        SplittableRandom r = new SplittableRandom(2026);
        for (int k = 0; k < 3; k++) {
            Path out = tmp.resolve("random" + k);
            Process p = start(trainArgs(data, out), null);
            long ms = 300 + r.nextInt(1700);
            if (!p.waitFor(ms, TimeUnit.MILLISECONDS)) p.destroyForcibly().waitFor();
            finish(data, out);
            assertSameRun(ref, out, "killed after " + ms + " ms");
        }
    }

    private static void assertSameRun(Path ref, Path out, String what) throws IOException {
        Map<String, Tensor> a = SafeTensors.read(ref.resolve("model.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(out.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet(), what);
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), what + ": " + k);
        List<String> ra = Files.readAllLines(ref.resolve("metrics.csv")), rb = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(ra.size(), rb.size(), what + ": " + rb);
        for (int i = 0; i < ra.size(); i++) {
            String[] x = ra.get(i).split(",", -1), y = rb.get(i).split(",", -1);
            for (int j : new int[] {0, 1, 2, 3, 4, 7}) assertEquals(x[j], y[j], what + ": metrics row " + i + " column " + j);
        }
        Map<?, ?> sa = (Map<?, ?>) parse(ref.resolve("summary.json")), sb = (Map<?, ?>) parse(out.resolve("summary.json"));
        assertEquals(sa.keySet(), sb.keySet(), what);
        for (Object k : sa.keySet()) {
            if (k.equals("seconds_per_epoch") || k.equals("training_seconds")) continue;
            assertEquals(sa.get(k), sb.get(k), what + ": summary " + k);
        }
        assertTrue(sb.get("test_accuracy") instanceof Number, what + ": the final evaluation is in the summary");
        try (var files = Files.list(out)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".tmp")).toList();
            assertEquals(List.of(), left, what + ": temporary files left");
        }
    }

    private static Object parse(Path f) throws IOException {
        try {
            return Json.parse(Files.readString(f));
        } catch (Exception e) {
            throw new AssertionError(f + ": " + e, e);
        }
    }
}
