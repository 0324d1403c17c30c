package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 2 x 2 stride-2 max pool kernel, every path, against a plain scan of each window. */
class MaxPoolKernelTest {
    private static final float[] PICK = {0f, -0f, 1f, 1f, 2f, -3f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};

    /** The definition: scan the window row by row, the first maximum wins, a NaN replaces the running maximum. */
    private static void reference(int planes, int h, int w, float[] x, int xOff, float[] y, int yOff, int[] am, int aOff) {
        int p = h / 2, q = w / 2;
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < q; j++) {
                    float m = Float.NEGATIVE_INFINITY;
                    int best = 2 * i * w + 2 * j;
                    for (int ih = 2 * i; ih < 2 * i + 2; ih++) {
                        for (int iw = 2 * j; iw < 2 * j + 2; iw++) {
                            float v = x[xOff + pl * h * w + ih * w + iw];
                            if (v > m || Float.isNaN(v)) {
                                m = v;
                                best = ih * w + iw;
                            }
                        }
                    }
                    y[yOff + (pl * p + i) * q + j] = m;
                    am[aOff + (pl * p + i) * q + j] = best;
                }
            }
        }
    }

    @Test
    void everyPathMatchesTheScanOfEachWindow() {
        SplittableRandom r = new SplittableRandom(71);
        // rows shorter than a vector: whole planes per vector (2x2, 4x4, 5x5), whole rows (8x8, 16x16, 17x16), neither (6x6, 12x12)
        int[][] sizes = {{2, 2}, {3, 5}, {4, 16}, {7, 9}, {8, 33}, {6, 64}, {5, 70}, {32, 32}, {2, 131}, {4, 4}, {5, 5},
                {8, 8}, {16, 16}, {17, 16}, {6, 6}, {12, 12}, {2, 3}, {1, 4}};
        for (int[] hw : sizes) {
            for (int planes : new int[] {3, 37}) {
                int h = hw[0], w = hw[1], n = planes * h * w, m = planes * (h / 2) * (w / 2);
                for (boolean ties : new boolean[] {true, false}) {
                    float[] x = new float[n + 5];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = ties && r.nextInt(3) > 0 ? PICK[r.nextInt(PICK.length)] : (float) r.nextGaussian();
                    }
                    float[] want = new float[m + 4], got = new float[m + 4], scalar = new float[m + 4];
                    int[] wantA = new int[m + 4], gotA = new int[m + 4], scalarA = new int[m + 4];
                    reference(planes, h, w, x, 5, want, 3, wantA, 2);
                    Engine.kernels().maxPool2x2(planes, h, w, x, 5, got, 3, gotA, 2);
                    ScalarOps.INSTANCE.maxPool2x2(planes, h, w, x, 5, scalar, 3, scalarA, 2);
                    for (int i = 0; i < want.length; i++) {
                        String at = planes + " planes of " + h + "x" + w + (ties ? " with ties" : "") + ", output " + i;
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "value, " + at);
                        assertEquals(wantA[i], gotA[i], "argmax, " + at);
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(scalar[i]), "scalar value, " + at);
                        assertEquals(wantA[i], scalarA[i], "scalar argmax, " + at);
                    }
                }
            }
        }
    }

    @Test
    void badRangesAreRefusedWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Engine.kernels().maxPool2x2(2, 4, 4, new float[31], 0, new float[8], 0, new int[8], 0));
        assertEquals(true, e.getMessage().contains("maxPool2x2") && e.getMessage().contains("x"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Engine.kernels().maxPool2x2(2, 4, 4, new float[32], 0, new float[8], 0, new int[7], 0));
    }
}
