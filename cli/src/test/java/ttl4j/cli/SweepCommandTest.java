package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.io.Json;
import ttl4j.nn.Checkpoint;

class SweepCommandTest {
    @TempDir
    static Path data;

    @TempDir
    static Path runs;

    @TempDir
    Path tmp;

    static Path dense;

    static final String MODEL = "ttl(8x8->16; r=3x3; s=4)|relu|dense(3)";

    @BeforeAll
    static void trainTinyDenseModel() throws IOException {
        TinyData.write(data, "tiny", 200, 90);
        Path run = runs.resolve("dense");
        Captured c = Captured.run("train", "--model", "dense(16)|relu|dense(3)", "--dataset", "tiny", "--data-dir", data.toString(),
                "--epochs", "3", "--batch-size", "32", "--lr", "0.03", "--threads", "1", "--seed", "7", "--out", run.toString());
        assertEquals(0, c.exit(), c.err());
        dense = run.resolve("model.safetensors");
    }

    private static Captured sweep(Path out, String... more) {
        String[] base = {"sweep", "--dataset", "tiny", "--data-dir", data.toString(), "--threads", "1", "--batch-size", "32",
                "--out", out.toString()};
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Captured.run(args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path f) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(f));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> settings(Path dir) throws Exception {
        return (List<Map<String, Object>>) json(dir.resolve("results.json")).get("settings");
    }

    // ---- grid -----------------------------------------------------------------------------------

    @Test
    void gridListsRangesStepsAndDuplicates() {
        assertEquals(List.of("5x5:10", "3x3:5"), SweepGrid.expand("5x5:10, 3x3:5"));
        assertEquals(List.of("2:5", "2:6", "3:5", "3:6"), SweepGrid.expand("2..3:5..6"));
        // A step keeps both ends: 2, 6, 10, 13.
        assertEquals(List.of("2x1:7", "6x1:7", "10x1:7", "13x1:7"), SweepGrid.expand("2..13/4x1:7"));
        assertEquals(16, SweepGrid.expand("2..14/4x2..14/4:10").size());
        assertEquals(List.of("5x5:10", "4x4:10"), SweepGrid.expand("5x5:10,4..5/1x4..5/1:10").subList(0, 2));
        assertEquals(List.of("5x5:10"), SweepGrid.expand("5x5:10,5..5x5:10"), "duplicates are dropped");
        assertEquals(List.of("3:4"), SweepGrid.expand("3..3/9:4"));
    }

    @Test
    void badGridsSayWhatIsWrong() {
        String[][] cases = {
                {"", "empty grid"},
                {"5x5:10,", "empty setting"},
                {"5x5", "must be input ranks:output ranks"},
                {"5x5:10:3", "must be input ranks:output ranks"},
                {"5x:10", "empty rank"},
                {"a:10", "'a'"},
                {"0:10", ">= 1, got 0"},
                {"9..3:10", "runs backwards (9 > 3)"},
                {"2..9/0:10", ">= 1, got 0"},
                {"5/2:10", "a step needs a range"},
                {"2..x:3", "'' in '2..'"},
                {"1..40x1..40:1..40", "more than 1000 settings"},
        };
        for (String[] c : cases) {
            Main.UserError e = assertThrows(Main.UserError.class, () -> SweepGrid.expand(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void aRankLargerThanItsModeFailsBeforeTraining() {
        Captured c = sweep(tmp.resolve("bad"), "--model", MODEL, "--ranks", "3:4,9x3:4", "--epochs", "1");
        assertEquals(2, c.exit(), c.out());
        assertTrue(c.err().contains("--ranks setting 9x3:4") && c.err().contains("larger than its dimension 8"), c.err());
        assertFalse(Files.exists(tmp.resolve("bad").resolve("settings")), "nothing trained");
    }

    // ---- from scratch, resume ---------------------------------------------------------------------

    @Test
    void twoSettingsFromScratchEndToEnd() throws Exception {
        Path out = tmp.resolve("s");
        Captured c = sweep(out, "--model", MODEL, "--ranks", "2:3,3x2:4,2x2:3", "--epochs", "2", "--lr", "0.03", "--seed", "5");
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(c.out().contains("[1/3] dense"), c.out());
        assertTrue(c.out().contains("[2/3] 2x2:3"), c.out());
        assertTrue(c.out().contains("[3/3] 3x2:4"), c.out());
        List<Map<String, Object>> s = settings(out);
        assertEquals(2, s.size());
        // Sorted by compression: 3x2:4 has 24 + 24 + 16 + 64 = 128 weights, 2x2:3 has 12 + 16 + 16 + 48 = 92, of 16*64 = 1024.
        assertEquals("3x2:4", s.get(0).get("setting"));
        assertEquals(1024.0 / 128, ((Number) s.get(0).get("layer_compression")).doubleValue(), 1e-9);
        assertEquals(1024.0 / 92, ((Number) s.get(1).get("layer_compression")).doubleValue(), 1e-9);
        assertEquals("ttl(8x8->16; r=2x2; s=3)|relu|dense(3)", s.get(1).get("model"));
        assertEquals(5L, ((Number) s.get(1).get("seed")).longValue());
        Map<String, Object> all = json(out.resolve("results.json"));
        assertTrue(((Number) all.get("dense_accuracy")).doubleValue() > 0.5, all.toString());
        assertTrue(Files.size(out.resolve("accuracy.png")) > 1000);
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| 2x2:3 | 92 | 11.13x |"), md);
        assertTrue(md.contains("dense network: "), md);
        // Each setting is a ttl train run directory whose model loads with ttl eval.
        Path run = out.resolve("settings").resolve("2x2_3");
        assertTrue(Files.isRegularFile(run.resolve("metrics.csv")) && Files.isRegularFile(run.resolve("result.json")));
        Captured ev = Captured.run("eval", "--checkpoint", run.resolve("model.safetensors").toString(), "--data-dir", data.toString(), "--json");
        assertEquals(0, ev.exit(), ev.err());
    }

    @Test
    void anInterruptedSweepResumesWithTheFinishedSettingsSkipped() throws Exception {
        Path out = tmp.resolve("r");
        String[] args = {"--model", MODEL, "--ranks", "2:3,3:3", "--epochs", "1", "--no-dense"};
        Captured first = sweep(out, concat(args, "--stop-after-settings", "1"));
        assertEquals(130, first.exit(), first.err() + first.out());
        assertTrue(first.out().contains("stopped after 1 setting"), first.out());
        Path done = out.resolve("settings").resolve("2x2_3").resolve("result.json");
        String before = Files.readString(done);
        assertEquals(1, settings(out).size(), "the finished setting is in the results already");
        assertFalse(Files.exists(out.resolve("settings").resolve("3x3_3").resolve("result.json")));

        Captured again = sweep(out, args);
        assertEquals(0, again.exit(), again.err() + again.out());
        assertTrue(again.out().matches("(?s).*\\[1/2\\] 2x2:3 .*\\(done before\\).*"), again.out());
        assertFalse(again.out().matches("(?s).*\\[2/2\\] 3x3:3 .*\\(done before\\).*"), again.out());
        assertEquals(before, Files.readString(done), "a finished setting is not trained again");
        assertEquals(2, settings(out).size());

        // A torn result file means the setting is trained again.
        Files.writeString(done, "{\"setting\":");
        Captured torn = sweep(out, concat(args, "--json"));
        assertEquals(0, torn.exit(), torn.err());
        assertTrue(torn.err().contains("is not a finished result"), torn.err());
        // --json: progress on stderr, results.json on stdout.
        assertTrue(torn.out().startsWith("{\"sweep\":{\"mode\":\"scratch\""), torn.out());
        assertEquals(Files.readString(out.resolve("results.json")), torn.out());

        // Other settings into the same directory are refused, naming what differs.
        Captured other = sweep(out, "--model", MODEL, "--ranks", "2:3", "--epochs", "2", "--no-dense");
        assertEquals(2, other.exit());
        assertTrue(other.err().contains("holds a sweep with other settings") && other.err().contains("epochs 1 there, 2 now"), other.err());
    }

    // ---- compressed, distilled ----------------------------------------------------------------------

    @Test
    void compressedSweepFineTunesEachSettingWithAndWithoutATeacher() throws Exception {
        Path plain = tmp.resolve("c");
        Captured c = Captured.run("sweep", "--from", dense.toString(), "--ranks", "8x8:16,2:3", "--epochs", "1", "--lr", "0.01",
                "--data-dir", data.toString(), "--threads", "1", "--out", plain.toString());
        assertEquals(0, c.exit(), c.err() + c.out());
        List<Map<String, Object>> s = settings(plain);
        assertEquals(2, s.size());
        Map<String, Object> full = s.get(0);
        assertEquals("8x8:16", full.get("setting"));
        assertTrue(((Number) full.get("relative_error")).doubleValue() < 1e-5, full.toString());
        // Full ranks reproduce the dense network before fine-tuning.
        assertEquals(((Number) full.get("dense_accuracy")).doubleValue(), ((Number) full.get("accuracy_compressed")).doubleValue(), 1e-9);
        assertTrue(Files.readString(plain.resolve("results.md")).contains("right after compression"));
        Captured ev = Captured.run("eval", "--checkpoint", plain.resolve("settings/2x2_3/model.safetensors").toString(), "--data-dir",
                data.toString(), "--json");
        assertEquals(0, ev.exit(), ev.err());

        Path distilled = tmp.resolve("d");
        Captured d = Captured.run("sweep", "--from", dense.toString(), "--ranks", "2:3", "--epochs", "1", "--lr", "0.01", "--teacher",
                dense.toString(), "--distill-temperature", "2", "--data-dir", data.toString(), "--threads", "1", "--out", distilled.toString(),
                "--overlay", plain.toString());
        assertEquals(0, d.exit(), d.err() + d.out());
        assertTrue(d.out().contains("distilled from " + dense + " (alpha 0.5, T 2)"), d.out());
        Map<String, Object> r = settings(distilled).get(0);
        assertEquals(dense.toString(), r.get("teacher"));
        assertEquals("2", Checkpoint.load(distilled.resolve("settings/2x2_3/model.safetensors")).metadata().get(Teacher.KEY_TEMPERATURE)
                .replace(".0", ""));
        assertTrue(Files.size(distilled.resolve("accuracy.png")) > 1000);
        Captured badOverlay = Captured.run("sweep", "--from", dense.toString(), "--ranks", "2:3", "--epochs", "1", "--overlay",
                tmp.toString(), "--data-dir", data.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, badOverlay.exit());
        assertTrue(badOverlay.err().contains("--overlay " + tmp + ": cannot read the results of a sweep"), badOverlay.err());
        assertTrue(Math.abs(((Number) r.get("accuracy")).doubleValue() - ((Number) settings(plain).get(1).get("accuracy")).doubleValue()) < 0.5);
    }

    @Test
    void trainAndCompressTakeATeacher() throws Exception {
        Path run = tmp.resolve("student");
        Captured t = Captured.run("train", "--model", MODEL, "--dataset", "tiny", "--data-dir", data.toString(), "--epochs", "2",
                "--batch-size", "32", "--lr", "0.03", "--threads", "1", "--teacher", dense.toString(), "--distill-alpha", "0.7",
                "--out", run.toString());
        assertEquals(0, t.exit(), t.err() + t.out());
        assertTrue(t.out().contains("distilled from " + dense + " (alpha 0.7, T 4)"), t.out());
        Map<String, String> meta = Checkpoint.load(run.resolve("model.safetensors")).metadata();
        assertEquals("0.7", meta.get(Teacher.KEY_ALPHA));
        assertEquals("0.7", Checkpoint.load(run.resolve("checkpoint.safetensors")).metadata().get("train.distill.alpha"));
        assertEquals(dense.toString(), meta.get(Teacher.KEY_FILE));
        // An interrupted distilled run resumes with its teacher.
        Path cut = tmp.resolve("cut");
        Captured stopped = Captured.run("train", "--model", MODEL, "--dataset", "tiny", "--data-dir", data.toString(), "--epochs", "2",
                "--batch-size", "32", "--lr", "0.03", "--threads", "1", "--teacher", dense.toString(), "--stop-after-steps", "5",
                "--out", cut.toString());
        assertEquals(130, stopped.exit(), stopped.err() + stopped.out());
        Captured r = Captured.run("train", "--resume", cut.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("distilled from"), r.out());

        Captured noTune = Captured.run("compress", "--checkpoint", dense.toString(), "--layer", "0", "--ranks", "2:3", "--teacher",
                dense.toString(), "--data-dir", data.toString(), "--out", tmp.resolve("x.safetensors").toString());
        assertEquals(2, noTune.exit());
        assertTrue(noTune.err().contains("--teacher needs --fine-tune-epochs"), noTune.err());
        Captured tuned = Captured.run("compress", "--checkpoint", dense.toString(), "--layer", "0", "--ranks", "2:3", "--teacher",
                dense.toString(), "--fine-tune-epochs", "1", "--lr", "0.01", "--data-dir", data.toString(), "--threads", "1", "--json",
                "--out", tmp.resolve("y.safetensors").toString());
        assertEquals(0, tuned.exit(), tuned.err());
        assertTrue(tuned.out().contains("\"teacher\":\"" + dense + "\""), tuned.out());

        Captured alphaAlone = Captured.run("train", "--model", MODEL, "--dataset", "tiny", "--data-dir", data.toString(), "--distill-alpha",
                "0.3", "--out", tmp.resolve("z").toString());
        assertEquals(2, alphaAlone.exit());
        assertTrue(alphaAlone.err().contains("--distill-alpha needs --teacher"), alphaAlone.err());
        Captured badAlpha = Captured.run("train", "--model", MODEL, "--dataset", "tiny", "--data-dir", data.toString(), "--teacher",
                dense.toString(), "--distill-alpha", "2", "--out", tmp.resolve("w").toString());
        assertEquals(2, badAlpha.exit());
        assertTrue(badAlpha.err().contains("alpha must be in [0, 1], got 2"), badAlpha.err());
    }

    @Test
    void helpExplainsTheGrid() {
        Captured h = Captured.run("sweep", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("A..B/K") && h.out().contains("--teacher") && h.out().contains("Resume"), h.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
