package ttl4j.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training-time augmentation of converted image batches, in place: {@code crop-flip} is a random
 * 32x32 (the image's own size) crop of the image zero-padded by {@value #PAD} pixels on every side
 * and a horizontal flip with probability 1/2 (torchvision's {@code RandomCrop(size, padding=4)} then
 * {@code RandomHorizontalFlip()}; the padding is a black pixel, so after the preparation it is the
 * channel's value of byte 0). The draws of a batch come from a generator seeded by (seed, epoch,
 * step) alone, one sample after the other, so a batch is the same whatever ran before it: a resumed
 * run sees the batches the uninterrupted one saw.
 */
public enum Augmentation {
    NONE("none"), CROP_FLIP("crop-flip");

    /** Zero padding of the random crop, pixels per side. */
    public static final int PAD = 4;

    private final String word;

    Augmentation(String word) {
        this.word = word;
    }

    /** The command-line word: {@code none} or {@code crop-flip}. */
    public String word() {
        return word;
    }

    public static Augmentation parse(String s) {
        for (Augmentation a : values()) if (a.word.equals(s.trim().toLowerCase(Locale.ROOT))) return a;
        throw new IllegalArgumentException("unknown augmentation '" + s + "': expected none or crop-flip");
    }

    /** The default for a dataset: crop-flip for CIFAR-10 (the usual recipe for it), none for the rest. */
    public static Augmentation defaultFor(String dataset) {
        return "cifar10".equals(dataset) ? CROP_FLIP : NONE;
    }

    /**
     * Augments {@code n} images of {@code channels x height x width} floats, row-major from index 0 of
     * {@code x}; {@code fill[c]} is the padding value of channel c. {@code scratch} holds at least one
     * image ({@code channels * height * width} floats).
     */
    public void apply(float[] x, int n, int channels, int height, int width, float[] fill, long seed, int epoch, int step,
                      float[] scratch) {
        if (this == NONE) return;
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, step));
        int plane = height * width, f = channels * plane;
        for (int b = 0; b < n; b++) {
            int dy = r.nextInt(2 * PAD + 1) - PAD, dx = r.nextInt(2 * PAD + 1) - PAD;
            boolean flip = r.nextBoolean();
            if (dy == 0 && dx == 0 && !flip) continue;
            int base = b * f;
            System.arraycopy(x, base, scratch, 0, f);
            for (int c = 0; c < channels; c++) {
                int p = base + c * plane, q = c * plane;
                float v0 = fill[c];
                for (int i = 0; i < height; i++) {
                    int si = i + dy;
                    int row = p + i * width;
                    if (si < 0 || si >= height) {
                        java.util.Arrays.fill(x, row, row + width, v0);
                        continue;
                    }
                    int src = q + si * width;
                    for (int j = 0; j < width; j++) {
                        // output column j shows column sj of the padded, shifted image (then mirrored)
                        int sj = (flip ? width - 1 - j : j) + dx;
                        x[row + j] = sj < 0 || sj >= width ? v0 : scratch[src + sj];
                    }
                }
            }
        }
    }

    /** A seed for (seed, epoch, step), well mixed (SplitMix64's finaliser over each part in turn). */
    static long mix(long seed, int epoch, int step) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = fmix(h ^ (epoch + 0x632BE59BD9B4E019L));
        h = fmix(h ^ ((long) step * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
        return h ^ 0xA5A5A5A5L;
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
