package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

class TrainerTest {
    private static final int FEATURES = 6, CLASSES = 3;
    private final int threadsBefore = Parallel.threads();

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** Three Gaussian blobs in 6 dimensions, 250 samples (so the last batch of 32 is partial). */
    static ArrayBatchSource blobs(long seed, int n, boolean shuffle) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = new float[CLASSES][FEATURES];
        SplittableRandom cr = new SplittableRandom(1234);
        for (float[] c : centres) for (int j = 0; j < FEATURES; j++) c[j] = (float) (2 * Tensor.gaussian(cr));
        float[] x = new float[n * FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(CLASSES);
            for (int j = 0; j < FEATURES; j++) x[i * FEATURES + j] = centres[y[i]][j] + (float) Tensor.gaussian(r);
        }
        return new ArrayBatchSource(x, y, new int[] {FEATURES}, 32, shuffle);
    }

    private static Trainer trainer(String spec, Supplier<Optimizer> opt, LrSchedule s) {
        return new Trainer(ModelSpec.build(spec, new int[] {FEATURES}, 5), opt.get(), s, 77);
    }

    @Test
    void lossFallsOnATinyProblem() {
        Trainer t = trainer("dense(16)|relu|dense(3)", () -> new Sgd(0.9, false, 0), LrSchedule.constant(0.05));
        List<Double> stepLosses = new ArrayList<>();
        t.addCallback(new TrainingCallback() {
            @Override
            public void onStep(StepInfo s) {
                stepLosses.add(s.loss());
            }
        });
        Trainer.Result r = t.fit(blobs(1, 250, true), blobs(2, 100, false), 3);
        assertEquals(3, r.epochs().size());
        assertEquals(24, stepLosses.size());
        double first = stepLosses.get(0), last = r.epochs().get(2).trainLoss();
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        assertTrue(r.epochs().get(2).evalAccuracy() > 0.9, "held-out accuracy " + r.epochs().get(2).evalAccuracy());
        assertEquals(24, t.globalStep());
    }

    @Test
    void distillationTrainsTheStudentTowardsAFrozenTeacher() {
        Trainer teacher = trainer("dense(16)|relu|dense(3)", () -> new Sgd(0.9, false, 0), LrSchedule.constant(0.05));
        teacher.fit(blobs(1, 250, true), null, 3);
        float[] teacherWeights = weights(teacher);
        Trainer student = trainer("dense(4)|relu|dense(3)", () -> new Sgd(0.9, false, 0), LrSchedule.constant(0.05));
        student.distillFrom(teacher.model(), new DistillationLoss(0.5, 4));
        List<Double> stepLosses = new ArrayList<>();
        student.addCallback(new TrainingCallback() {
            @Override
            public void onStep(StepInfo s) {
                stepLosses.add(s.loss());
            }
        });
        Trainer.Result r = student.fit(blobs(1, 250, true), blobs(2, 100, false), 3);
        double first = stepLosses.get(0), last = r.epochs().get(2).trainLoss();
        assertTrue(last < 0.5 * first, "distillation loss " + first + " -> " + last);
        assertTrue(r.epochs().get(2).evalAccuracy() > 0.9, "held-out accuracy " + r.epochs().get(2).evalAccuracy());
        FloatAsserts.assertClose("teacher weights after distilling", teacherWeights, weights(teacher), 0, 0);
        assertEquals("0.5", student.trainingMetadata().get("train.distill.alpha"));
        assertEquals("4.0", student.trainingMetadata().get("train.distill.temperature"));
    }

    private static float[] weights(Trainer t) {
        List<Param> ps = t.model().params();
        int n = 0;
        for (Param p : ps) n += p.size();
        float[] all = new float[n];
        int o = 0;
        for (Param p : ps) {
            System.arraycopy(p.value().toArray(), 0, all, o, p.size());
            o += p.size();
        }
        return all;
    }

    private static double[] metrics(Trainer.Result r) {
        return r.epochs().stream().flatMapToDouble(m -> java.util.stream.DoubleStream.of(m.trainLoss(), m.trainAccuracy(),
                m.evalLoss(), m.evalAccuracy(), m.lr())).toArray();
    }

    @Test
    void sameSeedAndThreadsGiveBitwiseTheSameRun() {
        Parallel.setThreads(2);
        String spec = "dense(12)|relu|dropout(0.2)|dense(8)|tanh|dense(3)";
        Trainer a = trainer(spec, Adam::adam, LrSchedule.cosine(0.01, 24, 4, 0));
        Trainer b = trainer(spec, Adam::adam, LrSchedule.cosine(0.01, 24, 4, 0));
        Trainer.Result ra = a.fit(blobs(1, 250, true), blobs(2, 64, false), 3);
        Trainer.Result rb = b.fit(blobs(1, 250, true), blobs(2, 64, false), 3);
        FloatAsserts.assertBitwiseEqual("weights", weights(a), weights(b));
        assertEquals(java.util.Arrays.toString(metrics(ra)), java.util.Arrays.toString(metrics(rb)));
        // And a different seed gives a different run.
        Trainer c = new Trainer(ModelSpec.build(spec, new int[] {FEATURES}, 5), Adam.adam(), LrSchedule.cosine(0.01, 24, 4, 0), 78);
        c.fit(blobs(1, 250, true), null, 3);
        assertFalse(java.util.Arrays.equals(weights(a), weights(c)));
    }

    @Test
    void resumedRunEndsBitwiseWhereTheUninterruptedOneDoes() throws IOException {
        String spec = "dense(12)|relu|dropout(0.3)|dense(3)";
        List<Supplier<Optimizer>> opts = List.of(() -> new Sgd(0.9, true, 1e-4), () -> Adam.adamW(0.9, 0.999, 1e-8, 0.01));
        for (Supplier<Optimizer> opt : opts) {
            LrSchedule sched = LrSchedule.step(0.05, 10, 0.5);
            Trainer full = trainer(spec, opt, sched);
            Trainer.Result rf = full.fit(blobs(1, 250, true), blobs(2, 64, false), 4);

            // 2 epochs, checkpoint, a fresh trainer from the file, 2 more.
            Path ck = dir.resolve("run-" + full.optimizer().name() + ".safetensors");
            Trainer first = trainer(spec, opt, sched).checkpointTo(ck, Map.of("preprocessing", "none"));
            first.fit(blobs(1, 250, true), blobs(2, 64, false), 2);
            Checkpoint loaded = Checkpoint.load(ck);
            assertEquals("2", loaded.metadata().get("train.epoch"));
            assertEquals("none", loaded.metadata().get("preprocessing"));
            Trainer second = Trainer.resume(loaded);
            Trainer.Result rs = second.fit(blobs(1, 250, true), blobs(2, 64, false), 4);
            FloatAsserts.assertBitwiseEqual(full.optimizer().name() + " resumed weights", weights(full), weights(second));
            assertEquals(rf.epochs().get(3).trainLoss(), rs.epochs().get(1).trainLoss());
            assertEquals(rf.epochs().get(3).evalLoss(), rs.epochs().get(1).evalLoss());

            // Stopped in the middle of epoch 2 (after its step 3), resumed from that step.
            Path mid = dir.resolve("mid-" + full.optimizer().name() + ".safetensors");
            Trainer stopping = trainer(spec, opt, sched).checkpointTo(mid, null);
            stopping.addCallback(new TrainingCallback() {
                @Override
                public void onStep(StepInfo s) {
                    if (s.epoch() == 2 && s.step() == 3) stopping.requestStop();
                }
            });
            assertTrue(stopping.fit(blobs(1, 250, true), null, 4).stopped());
            Trainer cont = Trainer.resume(Checkpoint.load(mid));
            assertEquals(8 + 4, cont.globalStep());
            Trainer.Result rc = cont.fit(blobs(1, 250, true), blobs(2, 64, false), 4);
            FloatAsserts.assertBitwiseEqual(full.optimizer().name() + " mid-epoch resume", weights(full), weights(cont));
            assertEquals(rf.epochs().get(1).trainLoss(), rc.epochs().get(0).trainLoss(), "epoch 2 metrics survive the stop");
        }
    }

    /** Returns the wrapped source's batches, except one poisoned with NaN at a given call. */
    private static BatchSource poisoned(BatchSource src, int poisonCall) {
        return new BatchSource() {
            int calls;

            public int size() {
                return src.size();
            }

            public int steps() {
                return src.steps();
            }

            public int[] sampleShape() {
                return src.sampleShape();
            }

            public Batch batch(long seed, int epoch, int step) {
                Batch b = src.batch(seed, epoch, step);
                if (calls++ == poisonCall) {
                    Tensor x = b.inputs().copy();
                    x.setFlat(3, Float.NaN);
                    return new Batch(x, b.labels());
                }
                return b;
            }
        };
    }

    @Test
    void divergenceGuardStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        // tanh passes the NaN input on to the loss; relu maps NaN to 0, so there only dW = dY^T X sees it.
        for (String[] c : new String[][] {{"dense(8)|tanh|dense(3)", "loss"}, {"dense(8)|relu|dense(3)", "layers.0.weight"}}) {
            Path ck = dir.resolve("guard-" + c[1] + ".safetensors");
            Trainer t = trainer(c[0], Sgd::new, LrSchedule.constant(0.1)).checkpointTo(ck, null);
            List<DivergenceException> seen = new ArrayList<>();
            t.addCallback(new TrainingCallback() {
                @Override
                public void onDiverged(DivergenceException e) {
                    seen.add(e);
                }
            });
            DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(poisoned(blobs(1, 250, true), 8 + 2), null, 3));
            assertEquals(2, e.epoch());
            assertEquals(2, e.step());
            assertEquals(10, e.globalStep());
            assertEquals(c[1], e.where());
            assertTrue(e.getMessage().contains("epoch 2, step 2") && e.getMessage().contains(ck.toString())
                    && e.getMessage().contains(c[1]), e.getMessage());
            assertEquals(1, seen.size());
            Checkpoint good = Checkpoint.load(ck);
            assertEquals("1", good.metadata().get("train.epoch"));
            for (Param p : t.model().params()) {
                for (float v : p.value().toArray()) assertTrue(Float.isFinite(v), "weights stay finite");
            }
        }
    }

    /** An identity layer whose parameter gets a NaN gradient: the guard must name it. */
    private static final class NanGrad implements Layer {
        final Param scale = Param.zeros("scale", 1);

        public Tensor forward(Tensor x, boolean training) {
            return x;
        }

        public Tensor backward(Tensor dy) {
            scale.grad().fill(Float.NaN);
            return dy;
        }

        public List<Param> params() {
            return List.of(scale);
        }

        public int[] outputShape(int[] in) {
            return in;
        }

        public String spec() {
            return "nangrad";
        }
    }

    @Test
    void divergenceGuardNamesTheParameter() {
        Sequential m = new Sequential(new Dense(FEATURES, 3, Init.GLOROT, new SplittableRandom(1)), new NanGrad());
        Trainer t = new Trainer(m, new Sgd(), LrSchedule.constant(0.1), 1);
        float[] w0 = m.params().get(0).value().toArray();
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(blobs(1, 64, true), null, 1));
        assertEquals("layers.1.scale", e.where());
        assertTrue(e.getMessage().contains("gradient of layers.1.scale"), e.getMessage());
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
        FloatAsserts.assertBitwiseEqual("weights untouched by the failing step", w0, m.params().get(0).value().toArray());
    }

    @Test
    void checkpointRebuildsTheModel() throws IOException {
        Sequential m = ModelSpec.build("flatten|dense(5)|sigmoid|dense(2)", new int[] {2, 3}, 9);
        Path f = dir.resolve("sub/dir/model.safetensors");
        Checkpoint.save(f, m, new int[] {2, 3}, null, Map.of("preprocessing", "scale=1/255;mean=0.1307;std=0.3081"));
        assertTrue(Files.exists(f));
        Checkpoint c = Checkpoint.load(f);
        Sequential back = c.buildModel();
        assertEquals(m.spec(), back.spec());
        assertEquals(List.of("layers.1.weight", "layers.1.bias", "layers.3.weight", "layers.3.bias"), List.copyOf(c.weights().keySet()));
        for (int i = 0; i < m.params().size(); i++) {
            FloatAsserts.assertBitwiseEqual(m.params().get(i).name(), m.params().get(i).value().toArray(), back.params().get(i).value().toArray());
        }
        Tensor x = Tensor.randn(new SplittableRandom(3), 1f, 4, 2, 3);
        FloatAsserts.assertBitwiseEqual("same outputs", m.forward(x, false).toArray(), back.forward(x, false).toArray());
        IOException e = assertThrows(IOException.class, () -> c.loadWeights(ModelSpec.build("flatten|dense(4)|relu|dense(2)", new int[] {2, 3}, 0)));
        assertTrue(e.getMessage().contains("layers.1.weight has shape [5, 6], model expects [4, 6]"), e.getMessage());
        assertThrows(IOException.class, () -> Trainer.resume(c), "a weights-only checkpoint cannot resume training");
    }

    /** The file rewritten with one metadata entry replaced (or, with a null key, one weight set to {@code poison}). */
    private Path tampered(Path ck, String key, String value, float poison) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(ck);
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        Map<String, Tensor> t = new java.util.LinkedHashMap<>(c.tensors());
        if (key != null) {
            meta.put(key, value);
        } else {
            Tensor w = t.get("layers.0.weight").copy();
            w.setFlat(4, poison);
            t.put("layers.0.weight", w);
        }
        Path out = dir.resolve("tampered-" + (key == null ? "weight" : key) + ".safetensors");
        SafeTensors.write(out, t, meta);
        return out;
    }

    @Test
    void checkpointNumbersAreValidatedOnLoad() throws IOException {
        Path ck = dir.resolve("valid.safetensors");
        Trainer t = trainer("dense(6)|relu|dense(3)", Adam::adam, LrSchedule.constant(0.01)).checkpointTo(ck, null);
        t.fit(blobs(1, 60, true), null, 1);
        Trainer.resume(Checkpoint.load(ck));
        String[][] bad = {{"train.epoch", "-1", "train.epoch is -1"}, {"train.global_step", "-7", "train.global_step is -7"},
                {"train.epoch_samples", "10", "train.epoch_correct"}, {"train.epoch_loss_sum", "NaN", "train.epoch_loss_sum is NaN"},
                {"train.optimizer_steps", "-2", "train.optimizer_steps is -2"}};
        for (String[] b : bad) {
            Path f = tampered(ck, b[0], b[1], 0f);
            if (b[0].equals("train.epoch_samples")) f = tampered(f, "train.epoch_correct", "11", 0f);
            Path file = f;
            IOException e = assertThrows(IOException.class, () -> Trainer.resume(Checkpoint.load(file)), b[0]);
            assertTrue(e.getMessage().contains(b[2]) && e.getMessage().contains(file.toString()), e.getMessage());
        }
        for (float poison : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Path f = tampered(ck, null, null, poison);
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(f).buildModel());
            assertTrue(e.getMessage().contains("tensor layers.0.weight holds " + poison + " at flat index 4"), e.getMessage());
            assertThrows(IOException.class, () -> Trainer.resume(Checkpoint.load(f)));
        }
    }

    @Test
    void anEpochIsCheckpointedOnlyAfterItsCallbacksRecordedIt() throws IOException {
        // A crash while an epoch's callbacks run (a metrics row, a final evaluation) must leave the
        // checkpoint of the epoch before, so that resume redoes the epoch and nothing is lost.
        Path ck = dir.resolve("order.safetensors");
        Trainer t = trainer("dense(6)|relu|dense(3)", Adam::adam, LrSchedule.constant(0.01)).checkpointTo(ck, null);
        List<String> seen = new ArrayList<>();
        t.addCallback(new TrainingCallback() {
            @Override
            public void onEpoch(EpochMetrics m) {
                try {
                    seen.add(m.epoch() + ":" + (Files.exists(ck) ? Checkpoint.load(ck).metadata().get("train.epoch") : "none"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (m.epoch() == 2) throw new IllegalStateException("crash during epoch 2's callbacks");
            }
        });
        assertThrows(IllegalStateException.class, () -> t.fit(blobs(1, 60, true), null, 3));
        assertEquals(List.of("1:0", "2:1"), seen);
        assertEquals("1", Checkpoint.load(ck).metadata().get("train.epoch"));
    }
}
