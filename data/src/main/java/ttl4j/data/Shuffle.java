package ttl4j.data;

import java.util.SplittableRandom;

/**
 * Deterministic per-epoch orders: epoch e of seed s is always the same permutation, whatever came
 * before, so a resumed run sees the same batches as an uninterrupted one.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /** A permutation of 0..n-1 by Fisher-Yates driven by a generator seeded from (seed, epoch). */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        permute(p, seed, epoch);
        return p;
    }

    /** Fills {@code order} with the permutation of epoch {@code epoch} (reusing the array). */
    public static void permute(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(epochSeed(seed, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * Mixes seed and epoch (murmur3 finaliser) so that nearby seeds or epochs give unrelated streams;
     * a plain sum would make seed s, epoch 1 collide with seed s+1, epoch 0.
     */
    static long epochSeed(long seed, int epoch) {
        return mix(mix(seed) ^ mix(0x9E3779B97F4A7C15L * (epoch + 1L)));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
