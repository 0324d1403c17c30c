package ttl4j.engine.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Parallel;

/**
 * The one-matrix form of a convolution, all three passes, against the double-precision seven-loop
 * reference with the checks and scale-free tolerance of {@link DirectConvTest} (it is exact GEMM arithmetic on
 * copied weights: only the order of the sums differs), on awkward shapes (strides, dilation,
 * padding wider than the kernel reaches, 1x1) and the VGG-16 2x2 layer; bitwise the same for 1 and
 * 2 threads.
 */
class MatrixConvTest {
    static List<ConvShape> shapes() {
        List<ConvShape> l = new ArrayList<>(DirectConvTest.allSmall());
        l.add(ConvShape.of(9, 16, 2, 2, 24, 3, 1, 1));
        l.add(ConvShape.of(3, 8, 1, 1, 5, 3, 1, 1));
        l.add(ConvShape.of(2, 512, 2, 2, 512, 3, 1, 1));
        return l;
    }

    private static float[] random(SplittableRandom r, int n) {
        return ScalarConvTest.random(r, n);
    }

    private static float[] garbage(int n) {
        return DirectConvTest.garbage(n);
    }

    @Test
    void tapsLinkEveryOutputToTheInputsItReads() {
        // 2x2 image, 3x3 kernel, padding 1: every output reads every input, output (0, 0) through taps (1..2, 1..2)
        int[] m = MatrixConv.taps(ConvShape.of(1, 1, 2, 2, 1, 3, 1, 1));
        assertEquals("[4, 5, 7, 8, 3, 4, 6, 7, 1, 2, 4, 5, 0, 1, 3, 4]", Arrays.toString(m));
        // stride 2 on 4 columns, no padding, 1x2 kernel: output column 1 reads input columns 2 and 3 only
        int[] s = MatrixConv.taps(new ConvShape(1, 1, 1, 4, 1, 1, 2, 1, 2, 0, 0, 1, 1));
        assertEquals("[0, 1, -1, -1, -1, -1, 0, 1]", Arrays.toString(s));
    }

    @Test
    void allPassesMatchTheReference() {
        SplittableRandom r = new SplittableRandom(11);
        for (ConvShape s : shapes()) {
            float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC());
            float[] dy = random(r, s.outputSize());
            float[] y = garbage(s.outputSize());
            Convolutions.forward(s, ConvAlgorithm.MATRIX, x, 0, w, 0, b, 0, y, 0);
            DirectConvTest.checkForward(s, x, w, b, y, "matrix, with bias");
            y = garbage(s.outputSize());
            Convolutions.forward(s, ConvAlgorithm.MATRIX, x, 0, w, 0, null, 0, y, 0);
            DirectConvTest.checkForward(s, x, w, null, y, "matrix, no bias");

            float[] dx = garbage(s.inputSize());
            MatrixConv.backwardData(s, dy, 0, w, 0, dx, 0);
            DirectConvTest.checkData(s, dy, w, dx, "matrix");

            float[] dw = garbage(s.weightSize()), db = garbage(s.outC());
            MatrixConv.backwardWeights(s, x, 0, dy, 0, 0f, dw, 0, db, 0);
            DirectConvTest.checkWeights(s, x, dy, dw, db, null, "matrix, beta 0 over garbage");
            float[] before = random(r, s.weightSize() + s.outC());
            dw = Arrays.copyOf(before, s.weightSize());
            db = Arrays.copyOfRange(before, s.weightSize(), before.length);
            MatrixConv.backwardWeights(s, x, 0, dy, 0, 1f, dw, 0, db, 0);
            DirectConvTest.checkWeights(s, x, dy, dw, db, before, "matrix, beta 1");
        }
    }

    @Test
    void offsetsAreHonoured() {
        SplittableRandom r = new SplittableRandom(12);
        ConvShape s = ConvShape.of(3, 4, 2, 3, 5, 3, 1, 1);
        int o = 7;
        float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC()), dy = random(r, s.outputSize());
        float[] y = new float[s.outputSize()], dx = new float[s.inputSize()], dw = new float[s.weightSize()], db = new float[s.outC()];
        Convolutions.forward(s, ConvAlgorithm.MATRIX, x, 0, w, 0, b, 0, y, 0);
        MatrixConv.backwardData(s, dy, 0, w, 0, dx, 0);
        MatrixConv.backwardWeights(s, x, 0, dy, 0, 0f, dw, 0, db, 0);
        float[] yo = garbage(s.outputSize() + 2 * o), dxo = garbage(s.inputSize() + 2 * o), dwo = garbage(s.weightSize() + 2 * o),
                dbo = garbage(s.outC() + 2 * o);
        Convolutions.forward(s, ConvAlgorithm.MATRIX, shift(x, o), o, shift(w, o), o, shift(b, o), o, yo, o);
        MatrixConv.backwardData(s, shift(dy, o), o, shift(w, o), o, dxo, o);
        MatrixConv.backwardWeights(s, shift(x, o), o, shift(dy, o), o, 0f, dwo, o, dbo, o);
        FloatAsserts.assertBitwiseEqual("forward at an offset", y, Arrays.copyOfRange(yo, o, o + y.length));
        FloatAsserts.assertBitwiseEqual("input gradient at an offset", dx, Arrays.copyOfRange(dxo, o, o + dx.length));
        FloatAsserts.assertBitwiseEqual("dW at an offset", dw, Arrays.copyOfRange(dwo, o, o + dw.length));
        FloatAsserts.assertBitwiseEqual("db at an offset", db, Arrays.copyOfRange(dbo, o, o + db.length));
    }

    private static float[] shift(float[] a, int o) {
        float[] b = garbage(a.length + 2 * o);
        System.arraycopy(a, 0, b, o, a.length);
        return b;
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int before = Parallel.threads();
        SplittableRandom r = new SplittableRandom(13);
        ConvShape s = ConvShape.of(16, 256, 2, 2, 256, 3, 1, 1);
        float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC()), dy = random(r, s.outputSize());
        float[] prior = random(r, s.weightSize() + s.outC());
        try {
            float[][][] got = new float[2][][];
            long[] jobs = new long[2];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                long j0 = Parallel.jobsPublished();
                float[] y = new float[s.outputSize()], dx = new float[s.inputSize()];
                float[] dw = Arrays.copyOf(prior, s.weightSize()), db = Arrays.copyOfRange(prior, s.weightSize(), prior.length);
                Convolutions.forward(s, ConvAlgorithm.MATRIX, x, 0, w, 0, b, 0, y, 0);
                MatrixConv.backwardData(s, dy, 0, w, 0, dx, 0);
                MatrixConv.backwardWeights(s, x, 0, dy, 0, 1f, dw, 0, db, 0);
                got[t - 1] = new float[][] {y, dx, dw, db};
                jobs[t - 1] = Parallel.jobsPublished() - j0;
            }
            assertEquals(0, jobs[0], "one thread used the pool");
            assertTrue(jobs[1] > 0, "two threads never split the work");
            String[] names = {"forward", "input gradient", "dW", "db"};
            for (int i = 0; i < names.length; i++) FloatAsserts.assertBitwiseEqual(names[i] + ", 1 vs 2 threads", got[0][i], got[1][i]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aTrainingForwardKeepsTheMatrixForTheInputGradientAndChangesNoBits() {
        // batch 64 on the 2x2 layer: the automatic plan is the matrix form
        ConvShape s = ConvShape.of(64, 32, 2, 2, 16, 3, 1, 1);
        assertEquals(ConvAlgorithm.MATRIX, Convolutions.plan(s).forward());
        assertEquals(MatrixConv.matrixFloats(s), Convolutions.savedInputFloats(s), "T is kept");
        SplittableRandom r = new SplittableRandom(5);
        float[] x = random(r, s.inputSize()), w = random(r, s.weightSize()), b = random(r, s.outC()), dy = random(r, s.outputSize());
        float[] y1 = new float[s.outputSize()], y2 = new float[s.outputSize()], kept = garbage((int) Convolutions.savedInputFloats(s));
        Convolutions.forward(s, x, 0, w, 0, b, 0, y1, 0);
        Convolutions.forward(s, x, 0, w, 0, b, 0, y2, 0, kept);
        assertTrue(Arrays.equals(y1, y2), "the forward's bits");
        // another layer's passes in between reuse the workspace, not the kept matrix
        ConvShape other = ConvShape.of(64, 16, 2, 2, 32, 3, 1, 1);
        Convolutions.backwardData(other, random(r, other.outputSize()), 0, random(r, other.weightSize()), 0, new float[other.inputSize()], 0);
        float[] dw1 = garbage(s.weightSize()), db1 = garbage(s.outC()), dx1 = garbage(s.inputSize());
        float[] dw2 = garbage(s.weightSize()), db2 = garbage(s.outC()), dx2 = garbage(s.inputSize());
        Convolutions.backwardWeights(s, x, 0, dy, 0, 0f, dw1, 0, db1, 0);
        Convolutions.backwardData(s, dy, 0, w, 0, dx1, 0);
        Convolutions.backward(s, x, 0, dy, 0, w, 0, 0f, dw2, 0, db2, 0, kept, dx2, 0);
        assertTrue(Arrays.equals(dw1, dw2) && Arrays.equals(db1, db2), "the weight and bias gradients' bits");
        assertTrue(Arrays.equals(dx1, dx2), "the input gradient's bits");
        DirectConvTest.checkForward(s, x, w, b, y2, "matrix, kept");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Convolutions.backward(s, x, 0, dy, 0, w, 0, 0f, dw2, 0, db2, 0, new float[16], dx2, 0));
    }
}
