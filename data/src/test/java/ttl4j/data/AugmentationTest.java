package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static float[] images(int n, int c, int h, int w) {
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = 1 + i;
        return x;
    }

    /** The reference: pad by 4 with fill, take the window at (4 + dy, 4 + dx), mirror it when flipped. */
    private static float ref(float[] orig, int b, int c, int i, int j, int ch, int h, int w, int dy, int dx, boolean flip, float fill) {
        int jj = flip ? w - 1 - j : j;
        int si = i + dy, sj = jj + dx;
        if (si < 0 || si >= h || sj < 0 || sj >= w) return fill;
        return orig[((b * ch + c) * h + si) * w + sj];
    }

    @Test
    void cropFlipIsAPaddedShiftedWindowMirroredOrNot() {
        int n = 40, ch = 3, h = 6, w = 7;
        float[] orig = images(n, ch, h, w), x = orig.clone();
        float[] fill = {-1, -2, -3};
        Augmentation.CROP_FLIP.apply(x, n, ch, h, w, fill, 5, 2, 9, new float[ch * h * w]);
        // Redraw the same sequence as the implementation documents: per sample dy, dx, flip.
        java.util.SplittableRandom r = new java.util.SplittableRandom(Augmentation.mix(5, 2, 9));
        int flips = 0, shifted = 0;
        for (int b = 0; b < n; b++) {
            int dy = r.nextInt(9) - 4, dx = r.nextInt(9) - 4;
            boolean flip = r.nextBoolean();
            flips += flip ? 1 : 0;
            shifted += dy != 0 || dx != 0 ? 1 : 0;
            for (int c = 0; c < ch; c++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        assertEquals(ref(orig, b, c, i, j, ch, h, w, dy, dx, flip, fill[c]), x[((b * ch + c) * h + i) * w + j],
                                "sample " + b + " c " + c + " (" + i + "," + j + ")");
                    }
                }
            }
        }
        assertTrue(flips > 5 && flips < 35 && shifted > 30, flips + " flips, " + shifted + " shifted");
    }

    @Test
    void sameSeedEpochStepSameBatchOtherwiseDifferent() {
        int n = 8, ch = 3, h = 8, w = 8;
        float[] fill = {0, 0, 0}, scratch = new float[ch * h * w];
        float[] a = images(n, ch, h, w), b = images(n, ch, h, w), c = images(n, ch, h, w), d = images(n, ch, h, w);
        Augmentation.CROP_FLIP.apply(a, n, ch, h, w, fill, 1, 3, 4, scratch);
        Augmentation.CROP_FLIP.apply(b, n, ch, h, w, fill, 1, 3, 4, scratch);
        Augmentation.CROP_FLIP.apply(c, n, ch, h, w, fill, 1, 3, 5, scratch);
        Augmentation.CROP_FLIP.apply(d, n, ch, h, w, fill, 1, 4, 4, scratch);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        assertFalse(java.util.Arrays.equals(a, d));
        float[] e = images(n, ch, h, w), orig = e.clone();
        Augmentation.NONE.apply(e, n, ch, h, w, fill, 1, 3, 4, scratch);
        assertArrayEquals(orig, e);
    }

    @Test
    void wordsAndDefaults() {
        assertEquals(Augmentation.CROP_FLIP, Augmentation.parse("crop-flip"));
        assertEquals(Augmentation.NONE, Augmentation.parse("NONE"));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("flip"));
        assertEquals(Augmentation.CROP_FLIP, Augmentation.defaultFor("cifar10"));
        assertEquals(Augmentation.NONE, Augmentation.defaultFor("mnist"));
    }
}
