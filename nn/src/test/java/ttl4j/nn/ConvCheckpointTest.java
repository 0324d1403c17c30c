package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;

/** Convolutional networks in checkpoints: batch-norm buffers saved, restored and resumed bitwise. */
class ConvCheckpointTest {
    private static final int[] IMAGE = {1, 6, 6};
    private static final String SPEC = "conv(3,k=3,p=1)|bn|relu|maxpool(2)|conv(4,k=2,bias=false)|bn(momentum=0.2)|relu|gap|dense(3)";

    @TempDir
    Path dir;

    /** Three classes of 6x6 images: a bright row, column or diagonal, plus noise; 200 samples (a partial last batch of 32). */
    static ArrayBatchSource images(long seed, int n, boolean shuffle) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 36];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            int at = r.nextInt(6);
            for (int h = 0; h < 6; h++) {
                for (int w = 0; w < 6; w++) {
                    boolean on = y[i] == 0 ? h == at : y[i] == 1 ? w == at : h == w;
                    x[i * 36 + h * 6 + w] = (on ? 2f : 0f) + (float) (0.5 * Tensor.gaussian(r));
                }
            }
        }
        return new ArrayBatchSource(x, y, IMAGE, 32, shuffle);
    }

    private static Trainer trainer(long modelSeed) {
        return new Trainer(ModelSpec.build(SPEC, IMAGE, modelSeed), Adam.adam(), LrSchedule.cosine(0.01, 28, 0, 0), 11);
    }

    /** Every tensor of the state dict, parameters and buffers, in order. */
    private static float[] state(Trainer t) {
        Map<String, Tensor> sd = t.model().stateDict();
        int n = sd.values().stream().mapToInt(Tensor::size).sum(), o = 0;
        float[] all = new float[n];
        for (Tensor v : sd.values()) {
            System.arraycopy(v.toArray(), 0, all, o, v.size());
            o += v.size();
        }
        return all;
    }

    @Test
    void buffersAreNamedLikePyTorchAndRoundTrip() throws IOException {
        Sequential m = ModelSpec.build(SPEC, IMAGE, 3);
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.1.running_mean",
                "layers.1.running_var", "layers.1.num_batches_tracked", "layers.4.weight", "layers.5.weight", "layers.5.bias",
                "layers.5.running_mean", "layers.5.running_var", "layers.5.num_batches_tracked", "layers.8.weight", "layers.8.bias"),
                List.copyOf(m.stateDict().keySet()));
        // The optimiser sees the parameters only.
        assertFalse(m.params().stream().anyMatch(p -> p.name().contains("running") || p.name().contains("tracked")));
        assertEquals(3 * 9 + 3 + 3 + 3 + 4 * 3 * 4 + 4 + 4 + 4 * 3 + 3, m.parameterCount());

        ArrayBatchSource src = images(1, 96, false);
        for (int s = 0; s < 3; s++) m.forward(src.batch(0, 0, s).inputs(), true);
        BatchNorm2d bn = (BatchNorm2d) m.layer(1);
        assertEquals(3, bn.numBatchesTracked());
        Path f = dir.resolve("model.safetensors");
        Checkpoint.save(f, m, IMAGE, null, Map.of());
        Checkpoint c = Checkpoint.load(f);
        assertArrayEquals(new int[] {1, 6, 6}, c.inputShape());
        assertArrayEquals(new int[0], c.weights().get("layers.1.num_batches_tracked").shape());
        assertEquals(3f, c.weights().get("layers.1.num_batches_tracked").getFlat(0));
        Sequential back = c.buildModel();
        assertEquals(m.spec(), back.spec());
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            FloatAsserts.assertBitwiseEqual(e.getKey(), e.getValue().toArray(), back.stateDict().get(e.getKey()).toArray());
        }
        Tensor x = src.batch(0, 0, 0).inputs();
        FloatAsserts.assertBitwiseEqual("evaluation outputs", m.forward(x, false).toArray(), back.forward(x, false).toArray());
        // A fresh model's running statistics differ: evaluation would not match without the buffers.
        Sequential fresh = ModelSpec.build(SPEC, IMAGE, 3);
        assertFalse(java.util.Arrays.equals(m.forward(x, false).toArray(), fresh.forward(x, false).toArray()));

        // A checkpoint missing a buffer is refused, naming it.
        Map<String, Tensor> partial = new java.util.LinkedHashMap<>(m.stateDict());
        partial.remove("layers.5.running_var");
        Path g = dir.resolve("partial.safetensors");
        SafeTensors.write(g, partial, Map.of("model", SPEC, "input_shape", "[1,6,6]"));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(g).buildModel());
        assertTrue(e.getMessage().contains("missing tensor layers.5.running_var"), e.getMessage());
    }

    @Test
    void resumedConvRunEndsBitwiseWhereTheUninterruptedOneDoes() throws IOException {
        Trainer full = trainer(5);
        Trainer.Result rf = full.fit(images(1, 200, true), images(2, 64, false), 4);
        assertTrue(rf.epochs().get(3).trainLoss() < rf.epochs().get(0).trainLoss(), "the loss falls: " + rf.epochs());

        Path ck = dir.resolve("run.safetensors");
        Trainer first = trainer(5).checkpointTo(ck, null);
        first.fit(images(1, 200, true), images(2, 64, false), 2);
        Trainer second = Trainer.resume(Checkpoint.load(ck));
        Trainer.Result rs = second.fit(images(1, 200, true), images(2, 64, false), 4);
        FloatAsserts.assertBitwiseEqual("resumed parameters and buffers", state(full), state(second));
        assertEquals(rf.epochs().get(3).evalLoss(), rs.epochs().get(1).evalLoss());
        assertEquals(4 * 7, ((BatchNorm2d) second.model().layer(1)).numBatchesTracked());

        // Stopped mid-epoch 2, resumed from that step.
        Path mid = dir.resolve("mid.safetensors");
        Trainer stopping = trainer(5).checkpointTo(mid, null);
        stopping.addCallback(new TrainingCallback() {
            @Override
            public void onStep(StepInfo s) {
                if (s.epoch() == 2 && s.step() == 2) stopping.requestStop();
            }
        });
        assertTrue(stopping.fit(images(1, 200, true), null, 4).stopped());
        Trainer cont = Trainer.resume(Checkpoint.load(mid));
        cont.fit(images(1, 200, true), images(2, 64, false), 4);
        FloatAsserts.assertBitwiseEqual("mid-epoch resume", state(full), state(cont));
    }
}
