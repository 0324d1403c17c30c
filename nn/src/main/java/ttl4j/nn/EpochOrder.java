package ttl4j.nn;

import java.util.SplittableRandom;

/**
 * The order in which one epoch visits the samples of a source: the one place where a run's seed and
 * an epoch number become a permutation. A source builds one {@code EpochOrder} and keeps it; the
 * permutation is recomputed in place, without allocating, only when (seed, epoch) changes, and it
 * depends on nothing else, so a resumed run that asks for epoch e at step k directly sees the
 * batches the uninterrupted run saw.
 *
 * <p>Epoch {@code e} of seed {@code s} is the Fisher-Yates shuffle of {@code 0..n-1} driven by a
 * {@link SplittableRandom} seeded with
 * <pre>
 *   stream(s, e) = F(T(s, e))
 *   T(s, e) = splitmix(s ^ splitmix(e + 1))               SplitMix64 finaliser
 *   F(x)    = fmix(fmix(x) ^ fmix(0x9E3779B97F4A7C15))    murmur3 finaliser
 * </pre>
 * Mixing (rather than, say, {@code s + e}) keeps nearby seeds and epochs from giving related
 * streams: with a sum, seed s epoch 1 would be seed s+1 epoch 0. The composition is exactly what
 * earlier versions computed in two steps (the trainer derived T, and the data module's shuffle
 * applied F as its epoch 0); it is kept bit for bit so that recorded runs resume and reproduce.
 *
 * <p>In-memory sources ({@link ArrayBatchSource}) have always seeded the same shuffle with
 * {@code T(s, e)} itself, without F; {@link #shuffledInMemory} keeps that, so that runs on them (the
 * synthetic experiment) reproduce too.
 */
public final class EpochOrder {
    private final int[] order;
    private final boolean shuffle;
    private final boolean finalRound;
    private boolean valid;
    private long seed;
    private int epoch;

    private EpochOrder(int n, boolean shuffle, boolean finalRound) {
        if (n < 0) throw new IllegalArgumentException("epoch order of " + n + " samples");
        this.order = new int[n];
        this.shuffle = shuffle;
        this.finalRound = finalRound;
        for (int i = 0; i < n; i++) order[i] = i;
    }

    /** The shuffled order of dataset sources: a new permutation for every (seed, epoch). */
    public static EpochOrder shuffled(int n) {
        return new EpochOrder(n, true, true);
    }

    /** Samples in their stored order whatever the seed and epoch: for evaluation. */
    public static EpochOrder sequential(int n) {
        return new EpochOrder(n, false, false);
    }

    /** The shuffled order {@link ArrayBatchSource} has always used (the stream seed without F). */
    static EpochOrder shuffledInMemory(int n) {
        return new EpochOrder(n, true, false);
    }

    /** Number of samples. */
    public int size() {
        return order.length;
    }

    /**
     * The sample indices of epoch {@code epoch} of a run seeded by {@code seed}, in visiting order.
     * The array is this object's own, valid until the next call with another (seed, epoch); read it,
     * do not change it.
     */
    public int[] of(long seed, int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        if (shuffle && !(valid && seed == this.seed && epoch == this.epoch)) {
            long t = splitMix(seed ^ splitMix(epoch + 1L));
            permute(order, finalRound ? murmurRound(t) : t);
            this.seed = seed;
            this.epoch = epoch;
            valid = true;
        }
        return order;
    }

    /** Fisher-Yates over the identity, so the result depends on the stream seed alone, not on the array's history. */
    private static void permute(int[] p, long streamSeed) {
        for (int i = 0; i < p.length; i++) p[i] = i;
        SplittableRandom rnd = new SplittableRandom(streamSeed);
        for (int i = p.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }

    /** F above. */
    private static long murmurRound(long x) {
        return fmix(fmix(x) ^ fmix(0x9E3779B97F4A7C15L));
    }

    /** SplitMix64's output finaliser (Steele, Lea and Flood, 2014). */
    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long fmix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
