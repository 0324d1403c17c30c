package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.Tensor;
import ttl4j.nn.SafeTensors;

class TrainCommandTest {
    static final String SPEC = "dense(16)|relu|dense(3)";

    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyDataset() throws IOException {
        TinyData.write(data, "tiny", 200, 90);
    }

    private Captured train(Path out, String... more) {
        return trainModel(SPEC, out, more);
    }

    private Captured trainModel(String model, Path out, String... more) {
        String[] base = {"train", "--model", model, "--dataset", "tiny", "--data-dir", data.toString(), "--epochs", "3",
                "--batch-size", "32", "--lr", "0.1", "--threads", "1", "--seed", "7"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length + (out != null ? 2 : 0));
        System.arraycopy(more, 0, args, base.length, more.length);
        if (out != null) {
            args[args.length - 2] = "--out";
            args[args.length - 1] = out.toString();
        }
        return Captured.run(args);
    }

    @Test
    void trainsThenEvaluatesWithPlainLogLines() throws IOException {
        Path run = tmp.resolve("run");
        Captured c = train(run, "--eval-every-epoch");
        assertEquals(0, c.exit(), c.err());
        // Not a terminal: one plain line per epoch, never a redrawn status line.
        assertFalse(c.out().contains("\r"), c.out());
        for (int e = 1; e <= 3; e++) assertTrue(c.out().contains("epoch " + e + "/3 train loss"), c.out());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(TrainCommand.METRICS_HEADER, rows.get(0));
        assertEquals(4, rows.size(), rows.toString());
        String[] last = rows.get(3).split(",", -1);
        double acc = Double.parseDouble(last[4]);
        assertTrue(acc > 0.9, "the tiny problem is easy; test accuracy " + acc);
        for (String f : List.of("model.safetensors", "checkpoint.safetensors", "summary.json")) assertTrue(Files.isRegularFile(run.resolve(f)), f);
        String summary = Files.readString(run.resolve("summary.json"));
        Map<?, ?> parsed;
        try {
            parsed = (Map<?, ?>) ttl4j.engine.io.Json.parse(summary);
        } catch (ttl4j.engine.io.Json.ParseException e) {
            throw new AssertionError(summary, e);
        }
        Map<?, ?> opt = (Map<?, ?>) parsed.get("optimizer"), sched = (Map<?, ?>) parsed.get("lr_schedule");
        assertEquals("adam", opt.get("name"), summary);
        assertEquals(0.9, ((Number) opt.get("beta1")).doubleValue(), 1e-9, summary);
        assertEquals(0.1, ((Number) sched.get("lr")).doubleValue(), 0, summary);
        assertEquals("cosine", sched.get("name"), summary);
        assertEquals(21L, sched.get("total"), summary);
        for (String k : List.of("\"parameters\": " + (64 * 16 + 16 + 16 * 3 + 3), "\"test_accuracy\"", "\"seconds_per_epoch\"",
                "\"kernels\"", "\"threads\": 1", "\"preprocessing\"")) {
            assertTrue(summary.contains(k), k + " in " + summary);
        }
        Map<String, String> meta = SafeTensors.read(run.resolve("model.safetensors")).metadata();
        assertTrue(meta.get("preprocessing").startsWith("{\"scale\":"), meta.toString());
        assertEquals("tiny", meta.get("dataset"));

        Captured ev = Captured.run("eval", "--checkpoint", run.resolve("model.safetensors").toString(), "--dataset", "tiny",
                "--data-dir", data.toString(), "--json");
        assertEquals(0, ev.exit(), ev.err());
        Matcher m = Pattern.compile("\"accuracy\":([0-9.]+)").matcher(ev.out());
        assertTrue(m.find(), ev.out());
        assertEquals(acc, Double.parseDouble(m.group(1)), 1e-6, "eval agrees with the last epoch's test accuracy");
        Captured text = Captured.run("eval", "--checkpoint", run.resolve("checkpoint.safetensors").toString(), "--split", "train",
                "--data-dir", data.toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("tiny train (200 samples): loss"), text.out());
    }

    @Test
    void interruptedAndResumedRunEndsWithTheSameWeights() throws IOException {
        Path whole = tmp.resolve("whole");
        assertEquals(0, train(whole).exit());
        // 7 steps per epoch: stop in the middle of epoch 2, then at the end of it, then finish.
        Path parts = tmp.resolve("parts");
        Captured first = train(parts, "--stop-after-steps", "10");
        assertEquals(130, first.exit(), first.err());
        assertTrue(first.out().contains("ttl train --resume"), first.out());
        Captured second = Captured.run("train", "--resume", parts.toString(), "--data-dir", data.toString(), "--threads", "1",
                "--stop-after-steps", "4");
        assertEquals(130, second.exit(), second.err());
        Captured third = Captured.run("train", "--resume", parts.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, third.exit(), third.err());

        Map<String, Tensor> a = SafeTensors.read(whole.resolve("model.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(parts.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
        List<String> ra = Files.readAllLines(whole.resolve("metrics.csv")), rb = Files.readAllLines(parts.resolve("metrics.csv"));
        assertEquals(ra.size(), rb.size(), rb.toString());
        for (int i = 0; i < ra.size(); i++) {
            // Identical apart from the timing columns.
            String[] x = ra.get(i).split(","), y = rb.get(i).split(",");
            for (int j : new int[] {0, 1, 2, 3, 4, 7}) assertEquals(x[j], y[j], "row " + i + " column " + j);
        }
        Captured again = Captured.run("train", "--resume", parts.toString(), "--data-dir", data.toString(), "--lr", "0.5");
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("--lr cannot be combined with --resume"), again.err());
    }

    @Test
    void aRunDirectoryIsLockedAndAnEarlierRunIsNeverOverwrittenSilently() throws IOException {
        Path run = tmp.resolve("once");
        assertEquals(0, train(run).exit());
        byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
        Path leftover = Files.writeString(run.resolve(".checkpoint.safetensors.4711.tmp"), "left by a killed write");
        Captured again = train(run);
        assertEquals(2, again.exit(), again.err());
        assertTrue(again.err().contains(run + " holds an earlier run (checkpoint.safetensors, model.safetensors, metrics.csv")
                && again.err().contains("ttl train --resume " + run) && again.err().contains("--overwrite"), again.err());
        assertArrayEquals(model, Files.readAllBytes(run.resolve("model.safetensors")), "the earlier run is untouched");
        Captured over = train(run, "--overwrite", "--normalize", "unit");
        assertEquals(0, over.exit(), over.err());
        assertFalse(java.util.Arrays.equals(model, Files.readAllBytes(run.resolve("model.safetensors"))), "a new run with other settings");
        assertFalse(Files.exists(leftover), "temporary files of killed writes are removed");
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size(), "the old rows are gone");

        Path busy = tmp.resolve("busy");
        try (RunLock held = RunLock.acquire(busy)) {
            Captured c = train(busy);
            assertEquals(2, c.exit(), c.err());
            assertTrue(c.err().contains("another ttl run is writing to " + busy), c.err());
        }
        assertEquals(0, train(busy).exit(), "free again once released");

        Captured empty = Captured.run("train", "--model", SPEC, "--dataset", "tiny", "--data-dir", data.toString(), "--out", "");
        assertEquals(2, empty.exit(), empty.err());
        assertTrue(empty.err().contains("--out must name a directory"), empty.err());
    }

    @Test
    void resumeFindsItsDataChecksItAndExtendsOnlySchedulesThatGoOn() throws IOException {
        Path own = Files.createDirectories(tmp.resolve("data"));
        TinyData.write(own, "mine", 100, 30);
        String[] base = {"train", "--model", SPEC, "--dataset", "mine", "--data-dir", own.toString(), "--epochs", "2",
                "--batch-size", "32", "--threads", "1"};
        Path cos = tmp.resolve("cos");
        String[] a = java.util.Arrays.copyOf(base, base.length + 2);
        a[base.length] = "--out";
        a[base.length + 1] = cos.toString();
        assertEquals(0, Captured.run(a).exit());
        Captured longer = Captured.run("train", "--resume", cos.toString(), "--epochs", "4");
        assertEquals(2, longer.exit(), longer.err());
        assertTrue(longer.err().contains("--epochs 4 goes beyond the 2 epochs the run's cosine schedule spans"), longer.err());
        Captured shorter = Captured.run("train", "--resume", cos.toString(), "--epochs", "1");
        assertTrue(shorter.err().contains("the run has trained 2 epochs already"), shorter.err());

        // A constant rate goes on: 2 epochs, then 3, found without --data-dir (the run recorded it).
        Path flat = tmp.resolve("flat");
        String[] b = java.util.Arrays.copyOf(base, base.length + 4);
        b[base.length] = "--schedule";
        b[base.length + 1] = "constant";
        b[base.length + 2] = "--out";
        b[base.length + 3] = flat.toString();
        assertEquals(0, Captured.run(b).exit());
        Captured more = Captured.run("train", "--resume", flat.toString(), "--epochs", "3");
        assertEquals(0, more.exit(), more.err());
        assertEquals(4, Files.readAllLines(flat.resolve("metrics.csv")).size());

        // The data changed under a stopped run: refused, naming both fingerprints.
        Path stopped = tmp.resolve("stopped");
        String[] c = java.util.Arrays.copyOf(base, base.length + 4);
        c[base.length] = "--stop-after-steps";
        c[base.length + 1] = "2";
        c[base.length + 2] = "--out";
        c[base.length + 3] = stopped.toString();
        assertEquals(130, Captured.run(c).exit());
        Path images = own.resolve("mine").resolve("train-images-idx3-ubyte");
        byte[] img = Files.readAllBytes(images);
        img[img.length - 1] ^= 0x40;
        Files.write(images, img);
        Captured changed = Captured.run("train", "--resume", stopped.toString());
        assertEquals(2, changed.exit(), changed.err());
        assertTrue(changed.err().contains("the training data of mine changed since the run started (100 samples, crc32 "), changed.err());
    }

    @Test
    void aRunThatCollapsesToChanceIsReportedAndStoppedWhenAsked() throws IOException {
        // Blank images: nothing to learn, the network can only predict the class frequencies.
        Path own = Files.createDirectories(tmp.resolve("blank"));
        TinyData.write(own, "blank", 120, 30);
        Path images = own.resolve("blank").resolve("train-images-idx3-ubyte");
        byte[] b = Files.readAllBytes(images);
        java.util.Arrays.fill(b, 16, b.length, (byte) 0);
        Files.write(images, b);
        String[] base = {"train", "--model", SPEC, "--dataset", "blank", "--data-dir", own.toString(), "--epochs", "3",
                "--batch-size", "32", "--threads", "1", "--out"};
        String[] warn = java.util.Arrays.copyOf(base, base.length + 1);
        warn[base.length] = tmp.resolve("warned").toString();
        Captured w = Captured.run(warn);
        assertEquals(0, w.exit(), w.err());
        assertTrue(w.out().contains("warning: the run has collapsed to chance: after epoch 2"), w.out());
        String[] stop = java.util.Arrays.copyOf(base, base.length + 2);
        stop[base.length] = tmp.resolve("stopped").toString();
        stop[base.length + 1] = "--stop-on-collapse";
        Captured s = Captured.run(stop);
        assertEquals(2, s.exit(), s.err());
        assertTrue(s.err().contains("stopped by --stop-on-collapse, the checkpoint of epoch 1 is kept"), s.err());
        assertEquals("1", SafeTensors.read(tmp.resolve("stopped").resolve("checkpoint.safetensors")).metadata().get("train.epoch"));
        // A run that learns is never flagged.
        Captured ok = train(tmp.resolve("learns"));
        assertFalse(ok.out().contains("collapsed"), ok.out());
    }

    @Test
    void jsonPrintsTheSummaryAndKeepsProgressOnStderr() throws Exception {
        Captured c = train(tmp.resolve("j"), "--json");
        assertEquals(0, c.exit(), c.err());
        Map<?, ?> o = (Map<?, ?>) ttl4j.engine.io.Json.parse(c.out());
        assertTrue(o.get("test_accuracy") instanceof Number, c.out());
        assertTrue(c.err().contains("epoch 3/3 train loss"), c.err());
        Captured stopped = train(tmp.resolve("k"), "--json", "--stop-after-steps", "3");
        assertEquals(130, stopped.exit());
        assertEquals(Boolean.TRUE, ((Map<?, ?>) ttl4j.engine.io.Json.parse(stopped.out())).get("stopped"), stopped.out());
    }

    @Test
    void convolutionalModelIsFedImagesAndResumesBitwise() throws IOException {
        String conv = "conv(4,k=3,p=1)|bn|relu|maxpool(2)|flatten|dense(3)";
        Path whole = tmp.resolve("conv-whole");
        Captured c = trainModel(conv, whole);
        assertEquals(0, c.exit(), c.err());
        Map<String, String> meta = SafeTensors.read(whole.resolve("model.safetensors")).metadata();
        assertEquals("[1,8,8]", meta.get("input_shape"));
        Map<String, Tensor> a = SafeTensors.read(whole.resolve("model.safetensors")).tensors();
        assertArrayEquals(new int[] {4, 1, 3, 3}, a.get("layers.0.weight").shape());
        assertEquals(21f, a.get("layers.1.num_batches_tracked").getFlat(0), "3 epochs of 7 steps");
        Captured ev = Captured.run("eval", "--checkpoint", whole.resolve("model.safetensors").toString(), "--data-dir", data.toString());
        assertEquals(0, ev.exit(), ev.err());
        Matcher m = Pattern.compile("accuracy ([0-9.]+)%").matcher(ev.out());
        assertTrue(m.find(), ev.out());
        assertTrue(Double.parseDouble(m.group(1)) > 90, ev.out());

        Path parts = tmp.resolve("conv-parts");
        assertEquals(130, trainModel(conv, parts, "--stop-after-steps", "10").exit());
        Captured rest = Captured.run("train", "--resume", parts.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, rest.exit(), rest.err());
        Map<String, Tensor> b = SafeTensors.read(parts.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
    }

    @Test
    void convolutionAfterAFlatLayerIsASpecError() {
        Captured c = trainModel("flatten|conv(4,k=3)|gap|dense(3)", tmp.resolve("bad"));
        assertEquals(2, c.exit(), c.err());
        assertTrue(c.err().contains("at column 9 (\"conv\")") && c.err().contains("needs an image input (C, H, W)"), c.err());
    }

    @Test
    void augmentedRunResumesBitwiseAndAugmentationChangesTraining() throws IOException {
        String conv = "conv(4,k=3,p=1)|bn|relu|maxpool(2)|flatten|dense(3)";
        Path whole = tmp.resolve("aug-whole");
        Captured c = trainModel(conv, whole, "--augment", "crop-flip");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("augmentation crop-flip"), c.out());
        Map<String, String> meta = SafeTensors.read(whole.resolve("model.safetensors")).metadata();
        assertEquals("crop-flip", meta.get("run.augment"));
        assertTrue(meta.get("preprocessing").contains("mean"), "per-channel standardisation recorded: " + meta.get("preprocessing"));
        assertTrue(Files.readString(whole.resolve("summary.json")).contains("\"augment\": \"crop-flip\""));

        Path parts = tmp.resolve("aug-parts");
        assertEquals(130, trainModel(conv, parts, "--augment", "crop-flip", "--stop-after-steps", "10").exit());
        Captured rest = Captured.run("train", "--resume", parts.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, rest.exit(), rest.err());
        Map<String, Tensor> a = SafeTensors.read(whole.resolve("model.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(parts.resolve("model.safetensors")).tensors();
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);

        Path plain = tmp.resolve("aug-none");
        assertEquals(0, trainModel(conv, plain).exit(), "tiny is not cifar10: no augmentation by default");
        assertEquals("none", SafeTensors.read(plain.resolve("model.safetensors")).metadata().get("run.augment"));
        Map<String, Tensor> n = SafeTensors.read(plain.resolve("model.safetensors")).tensors();
        assertFalse(java.util.Arrays.equals(a.get("layers.0.weight").toArray(), n.get("layers.0.weight").toArray()));

        Captured bad = trainModel(conv, tmp.resolve("aug-bad"), "--augment", "rotate");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("--augment: unknown augmentation 'rotate'"), bad.err());
    }

    @Test
    void aValidationSplitJudgesTheEpochsAndTheTestSplitIsEvaluatedOnceAtTheEnd() throws Exception {
        Path run = tmp.resolve("val");
        Captured c = train(run, "--val-split", "0.25", "--eval-every-epoch");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("(150 train, 90 test samples)"), c.out());
        assertTrue(c.out().contains("epoch 3/3 train loss") && c.out().contains(" val loss "), c.out());
        assertTrue(c.out().contains("done: test accuracy"), c.out());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals("epoch,train_loss,train_acc,val_loss,val_acc,seconds,samples_per_s,lr", rows.get(0));
        Map<?, ?> sum = (Map<?, ?>) ttl4j.engine.io.Json.parse(Files.readString(run.resolve("summary.json")));
        assertEquals(0.25, ((Number) sum.get("val_split")).doubleValue());
        assertEquals(Double.parseDouble(rows.get(3).split(",")[4]), ((Number) sum.get("val_accuracy")).doubleValue(), 1e-6);
        assertTrue(sum.get("test_accuracy") instanceof Number, sum.toString());

        // Stopped and resumed: the same split (from the recorded seed and fraction), the same weights.
        Path parts = tmp.resolve("val-parts");
        assertEquals(130, train(parts, "--val-split", "0.25", "--eval-every-epoch", "--stop-after-steps", "7").exit());
        Captured rest = Captured.run("train", "--resume", parts.toString(), "--data-dir", data.toString(), "--threads", "1");
        assertEquals(0, rest.exit(), rest.err());
        Map<String, Tensor> a = SafeTensors.read(run.resolve("model.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(parts.resolve("model.safetensors")).tensors();
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);

        Captured bad = train(tmp.resolve("bad"), "--val-split", "1.5");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--val-split must be a fraction in (0, 1), got 1.5"), bad.err());
    }

    @Test
    void profileSaysWhereTheStepsWent() throws Exception {
        Path run = tmp.resolve("prof");
        Captured c = train(run, "--profile");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("profile over 21 steps") && c.out().contains("forward dense") && c.out().contains("update"), c.out());
        Map<?, ?> o = (Map<?, ?>) ttl4j.engine.io.Json.parse(Files.readString(run.resolve("profile.json")));
        Map<?, ?> parts = (Map<?, ?>) o.get("parts_s");
        double sum = 0;
        for (Object v : parts.values()) sum += ((Number) v).doubleValue();
        assertEquals(((Number) o.get("step_s")).doubleValue(), sum, 1e-3 + 0.05 * sum, "the parts add up to the step");
        List<?> layers = (List<?>) o.get("layers");
        assertTrue(!layers.isEmpty() && c.out().contains("per layer"), c.out());
        assertTrue(((Number) ((Map<?, ?>) layers.get(0)).get("forward_multiply_adds")).doubleValue() > 0, layers.toString());
    }
}
