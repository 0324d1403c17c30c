package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake a user can make exits 2 with one line on stderr and no stack trace (bugs: {@link ErrorReportingTest}). */
class TrainErrorsTest {
    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyDataset() throws IOException {
        TinyData.write(data, "tiny", 40, 20);
        Files.createDirectories(data.resolve("empty"));
        TinyData.write(data, "notrain", 0, 20);
        // Labels 0..2 for training; the test split also has class 5.
        TinyData.write(data, "newclass", 40, 20);
        Path labels = data.resolve("newclass").resolve("t10k-labels-idx1-ubyte");
        byte[] b = Files.readAllBytes(labels);
        b[b.length - 1] = 5;
        Files.write(labels, b);
    }

    private Captured fails(String expected, String... args) {
        Captured c = Captured.run(args);
        assertEquals(2, c.exit(), "exit code; stderr: " + c.err());
        String err = c.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("ttl: error: "), err);
        assertTrue(err.contains(expected), "expected \"" + expected + "\" in: " + err);
        assertFalse(err.contains("\tat "), err);
        return c;
    }

    private String[] train(String model, String... more) {
        String[] base = {"train", "--model", model, "--dataset", "tiny", "--data-dir", data.toString(),
                "--out", tmp.resolve("run").toString()};
        String[] a = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }

    @Test
    void modelErrors() {
        fails("unknown model preset 'mlp-huge'", train("mlp-huge"));
        fails("at column 6", train("dense(8|relu|dense(3)"));
        fails("unknown layer", train("dense(8)|rleu|dense(3)"));
        fails("has 3 classes", train("dense(8)|relu|dense(2)"));
        fails("missing --model", "train", "--dataset", "tiny", "--data-dir", data.toString());
    }

    @Test
    void dataAndDirectoryErrors() throws IOException {
        fails("unknown dataset 'nothere'", "train", "--model", "mlp-mnist", "--dataset", "nothere", "--data-dir", data.toString(),
                "--out", tmp.resolve("r").toString());
        fails("has no train-images-idx3-ubyte", "train", "--model", "dense(3)", "--dataset", "empty", "--data-dir", data.toString(),
                "--out", tmp.resolve("r").toString());
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        fails("cannot write to output directory", "train", "--model", "dense(3)", "--dataset", "tiny", "--data-dir", data.toString(),
                "--out", file.resolve("sub").toString());
        fails("no checkpoint.safetensors", "train", "--resume", tmp.resolve("none").toString(), "--data-dir", data.toString());
        fails("does not exist", "eval", "--checkpoint", tmp.resolve("none.safetensors").toString(), "--data-dir", data.toString());
        Path junk = Files.write(tmp.resolve("junk.safetensors"), new byte[] {1, 2, 3});
        fails("junk.safetensors", "eval", "--checkpoint", junk.toString(), "--data-dir", data.toString());
    }

    @Test
    void emptySplitsAndClassesOnlyInTheTestSplitAreRefusedBeforeTraining() {
        Captured c = fails("has no samples", "train", "--model", "dense(3)", "--dataset", "notrain", "--data-dir", data.toString(),
                "--out", tmp.resolve("r0").toString());
        assertFalse(Files.exists(tmp.resolve("r0").resolve("summary.json")), c.out());
        fails("newclass-test has 6 classes (end the spec with dense(6))", "train", "--model", "dense(3)", "--dataset", "newclass",
                "--data-dir", data.toString(), "--out", tmp.resolve("r1").toString());
    }

    @Test
    void badOptionValues() {
        fails("--epochs must be >= 1", train("dense(3)", "--epochs", "0"));
        fails("--batch-size must be >= 1", train("dense(3)", "--batch-size", "-4"));
        fails("unknown optimizer 'rmsprop'", train("dense(3)", "--optimizer", "rmsprop"));
        fails("--lr must be a positive number", train("dense(3)", "--lr", "-1"));
        fails("unknown schedule 'linear'", train("dense(3)", "--schedule", "linear"));
        fails("--threads must be >= 1, got 0", train("dense(3)", "--threads", "0"));
        fails("sgd: momentum must be in [0, 1)", train("dense(3)", "--optimizer", "sgd", "--momentum", "1.5"));
        fails("--momentum and --nesterov apply to sgd only", train("dense(3)", "--momentum", "0.5"));
        fails("--normalize must be", train("dense(3)", "--normalize", "zscore"));
        fails("'abc'", train("dense(3)", "--batch-size", "abc"));
        fails("--split", "eval", "--checkpoint", "x.safetensors", "--split", "validation");
    }

    @Test
    void verboseShowsTheStackTrace() {
        Captured c = Captured.run(train("mlp-huge", "--verbose"));
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("\tat "), c.err());
    }
}
