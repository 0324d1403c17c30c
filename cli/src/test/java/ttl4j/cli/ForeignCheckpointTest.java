package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.data.Preprocessing;
import ttl4j.engine.Tensor;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/**
 * A state dict as another tool saves it (nn.Sequential names, no metadata) runs directly in eval,
 * compress and predict with --model, and gives what the same weights give as a ttl4j checkpoint.
 */
class ForeignCheckpointTest {
    static final String SPEC = "dense(16)|relu|dense(3)";

    @TempDir
    static Path data;

    @TempDir
    static Path files;

    @TempDir
    Path tmp;

    /** The same random weights twice: as a foreign state dict (0.weight, ..) and as a ttl4j checkpoint. */
    static Path foreign, native_;

    @BeforeAll
    static void weights() throws IOException {
        TinyData.write(data, "tiny", 100, 30);
        Sequential net = ModelSpec.build(SPEC, new int[] {64}, 5);
        Map<String, Tensor> plain = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) plain.put(e.getKey().substring("layers.".length()), e.getValue());
        foreign = files.resolve("foreign.safetensors");
        SafeTensors.write(foreign, plain, Map.of());
        native_ = files.resolve("native.safetensors");
        Checkpoint.save(native_, net, new int[] {64}, null,
                Map.of("dataset", "tiny", "preprocessing", Preprocessing.unitRange(1).toJson()));
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static Captured eval(Path ck, String... more) {
        String[] base = {"eval", "--checkpoint", ck.toString(), "--data-dir", data.toString(), "--json"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Captured.run(args);
    }

    @Test
    void evalTakesAForeignStateDictWithModelAndGivesTheCheckpointsNumbers() {
        Captured ref = eval(native_);
        assertEquals(0, ref.exit(), ref.err());
        Captured f = eval(foreign, "--model", SPEC, "--dataset", "tiny");
        assertEquals(0, f.exit(), f.err());
        assertEquals(number(ref.out(), "loss"), number(f.out(), "loss"), 0, f.out());
        assertEquals(number(ref.out(), "accuracy"), number(f.out(), "accuracy"), 0, f.out());
        // an explicit shape that is the default, and a model that flattens images itself
        Captured flat = eval(foreign, "--model", SPEC, "--dataset", "tiny", "--input-shape", "64");
        assertEquals(number(ref.out(), "loss"), number(flat.out(), "loss"), 0, flat.out() + flat.err());
        // --normalize is applied: standardised inputs give another loss
        Captured std = eval(foreign, "--model", SPEC, "--dataset", "tiny", "--normalize", "standardize");
        assertEquals(0, std.exit(), std.err());
        assertNotEquals(number(ref.out(), "loss"), number(std.out(), "loss"));
    }

    @Test
    void compressAndPredictTakeItToo() throws IOException {
        Path dir = tmp.resolve("compressed");
        Captured c = Captured.run("compress", "--checkpoint", foreign.toString(), "--model", SPEC, "--dataset", "tiny",
                "--data-dir", data.toString(), "--layer", "layers.0", "--ranks", "8x8:16", "--threads", "1", "--json",
                "--out", dir + "/");
        assertEquals(0, c.exit(), c.err());
        Path written = dir.resolve("model.safetensors");
        assertTrue(c.out().contains("\"out\":\"" + written + "\""), c.out());
        assertEquals(number(eval(native_).out(), "accuracy"), number(c.out(), "accuracy_before"), 1e-9, c.out());
        Checkpoint ck = Checkpoint.load(written);
        assertEquals("tiny", ck.metadata().get("dataset"));
        assertEquals(SPEC, ck.metadata().get("compress.source_model"));
        Captured p = Captured.run("predict", "--checkpoint", foreign.toString(), "--model", SPEC, "--dataset", "tiny",
                "--data-dir", data.toString(), "--index", "0", "1");
        Captured pRef = Captured.run("predict", "--checkpoint", native_.toString(), "--data-dir", data.toString(), "--index", "0", "1");
        assertEquals(0, p.exit(), p.err());
        assertEquals(pRef.out(), p.out());
    }

    @Test
    void explainTakesItTooAndGivesTheCheckpointsGradients() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Captured ref = Captured.run("explain", "--checkpoint", native_.toString(), "--data-dir", data.toString(), "--limit", "20",
                "--threads", "1", "--out", a.toString());
        assertEquals(0, ref.exit(), ref.err());
        Captured f = Captured.run("explain", "--checkpoint", foreign.toString(), "--model", SPEC, "--dataset", "tiny",
                "--data-dir", data.toString(), "--limit", "20", "--threads", "1", "--out", b.toString());
        assertEquals(0, f.exit(), f.err());
        Map<String, Tensor> ga = SafeTensors.read(a.resolve("grads.safetensors")).tensors();
        Map<String, Tensor> gb = SafeTensors.read(b.resolve("grads.safetensors")).tensors();
        assertEquals(ga.keySet(), gb.keySet());
        for (String k : ga.keySet()) org.junit.jupiter.api.Assertions.assertArrayEquals(ga.get(k).toArray(), gb.get(k).toArray(), k);
        Captured missing = Captured.run("explain", "--checkpoint", foreign.toString(), "--data-dir", data.toString(),
                "--out", tmp.resolve("c").toString());
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("--model"), missing.err());
    }

    @Test
    void summaryReadsItWithModel() {
        Captured f = Captured.run("summary", "--checkpoint", foreign.toString(), "--model", SPEC, "--input-shape", "64");
        Captured ref = Captured.run("summary", "--checkpoint", native_.toString());
        assertEquals(0, f.exit(), f.err());
        assertEquals(ref.out(), f.out());
        Captured none = Captured.run("summary", "--checkpoint", foreign.toString());
        assertTrue(none.exit() == 2 && none.err().contains("add --model SPEC and --input-shape CxHxW|N or --dataset NAME"), none.err());
        Captured other = Captured.run("summary", "--checkpoint", native_.toString(), "--model", "dense(8)|relu|dense(3)");
        assertTrue(other.exit() == 2 && other.err().contains("leave --model out"), other.err());
    }

    @Test
    void missingOptionsAreNamed() {
        Captured none = eval(foreign);
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("has no ttl4j metadata") && none.err().contains("add --model SPEC")
                && none.err().contains("and --dataset NAME") && none.err().strip().lines().count() == 1, none.err());
        Captured noModel = eval(foreign, "--dataset", "tiny");
        assertTrue(noModel.exit() == 2 && noModel.err().contains("add --model SPEC") && !noModel.err().contains("--dataset NAME"),
                noModel.err());
        Captured noData = eval(foreign, "--model", SPEC);
        assertTrue(noData.exit() == 2 && noData.err().contains("add --dataset NAME") && !noData.err().contains("--model SPEC"),
                noData.err());
        Captured wrong = eval(foreign, "--model", "dense(8)|relu|dense(3)", "--dataset", "tiny");
        assertTrue(wrong.exit() == 2 && wrong.err().contains("layers.0.weight has shape [16, 64], the spec needs [8, 64]"), wrong.err());
    }

    @Test
    void optionsOnATtl4jCheckpointMustMatchWhatItRecords() {
        Captured same = eval(native_, "--model", SPEC, "--input-shape", "64", "--normalize", "unit");
        assertEquals(0, same.exit(), same.err());
        Captured other = eval(native_, "--model", "dense(8)|relu|dense(3)");
        assertEquals(2, other.exit(), other.err());
        assertTrue(other.err().contains("is a ttl4j checkpoint of " + SPEC) && other.err().contains("leave --model out")
                && other.err().strip().lines().count() == 1, other.err());
        Captured shape = eval(native_, "--input-shape", "1x8x8");
        assertTrue(shape.exit() == 2 && shape.err().contains("on input [64]"), shape.err());
        Captured norm = eval(native_, "--normalize", "mean=0.5:std=0.5");
        assertTrue(norm.exit() == 2 && norm.err().contains("leave --normalize out"), norm.err());
    }

    @Test
    void importAndCompressWriteIntoADirectoryOut() throws IOException {
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        Captured i = Captured.run("import", "--from", foreign.toString(), "--model", SPEC, "--input-shape", "64", "--dataset", "tiny",
                "--out", existing.toString());
        assertEquals(0, i.exit(), i.err());
        Path inside = existing.resolve("model.safetensors");
        assertTrue(Files.isRegularFile(inside), i.out());
        Captured j = Captured.run("import", "--from", foreign.toString(), "--model", SPEC, "--input-shape", "64",
                "--out", tmp.resolve("new") + "/");
        assertEquals(0, j.exit(), j.err());
        assertTrue(Files.isRegularFile(tmp.resolve("new/model.safetensors")), j.out());
        Path file = tmp.resolve("plain.safetensors");
        Captured k = Captured.run("import", "--from", foreign.toString(), "--model", SPEC, "--input-shape", "64", "--out", file.toString());
        assertEquals(0, k.exit(), k.err());
        assertTrue(Files.isRegularFile(file) && !Files.isDirectory(file));
        // what ttl writes is a model to share: readable by all, whatever the temporary file's mode was
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            for (Path p : new Path[] {inside, file}) {
                assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        assertFalse(eval(inside).err().contains("no ttl4j metadata"));
    }
}
