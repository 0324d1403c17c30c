package ttl4j.engine;

/**
 * The engine's tuning constants, in one place. Each can be overridden with a system property
 * {@code -Dttl4j.<name>=value} (e.g. {@code -Dttl4j.gemm.kc=256}); values are read once at class load.
 */
public final class Tuning {
    private Tuning() {}

    /** GEMM block along K (also the summation blocks): fewer tile stores per FMA; the B sliver streams from L2. */
    public static final int GEMM_KC = intProp("gemm.kc", 256);
    /** GEMM block along M: rows of packed A (MC x KC) reused from L2 across a column block. */
    public static final int GEMM_MC = intProp("gemm.mc", 192);
    /** GEMM block along N: columns per output task (with MC, the unit of parallel work). */
    public static final int GEMM_NC = intProp("gemm.nc", 1024);
    /** Thin GEMMs (N of at most two vectors) below this many multiply-adds stay on one thread: too quick to hand off. */
    public static final long GEMM_THIN_PARALLEL_MIN_MADDS = longProp("gemm.thinParallelMinMadds", 1L << 23);
    /** Below this many multiply-adds a kernel runs on the caller's thread only. */
    public static final long PARALLEL_MIN_MADDS = longProp("parallel.minMadds", 1L << 18);
    /**
     * Multiply-adds per float of operands and result that a product needs before it is split, for
     * data up to {@link #PARALLEL_CACHED_FLOATS}: such data sits in the calling core's cache (it was
     * just written there), and a worker must pull its share across and leave its results in the
     * wrong core's cache, which costs about as much as a few multiply-adds per float. A training
     * step's small-K products (128 x 300 x 10: about 9 multiply-adds per float) ran slower split.
     */
    public static final long PARALLEL_MIN_MADDS_PER_FLOAT = longProp("parallel.minMaddsPerFloat", 16);
    /**
     * Floats of operands and result beyond which a product's data is taken to be out of the calling
     * core's cache anyway (about one core's L2), so moving it costs a worker no more than the caller.
     */
    public static final long PARALLEL_CACHED_FLOATS = longProp("parallel.cachedFloats", 1L << 18);
    /**
     * Below this many elements an elementwise kernel runs on the caller's thread only. The kernels
     * are memory-bound and a fan-out costs a worker wake-up: a 235k-element SGD update (mlp-mnist's
     * first layer) took longer split over 2 threads than on one.
     */
    public static final int PARALLEL_MIN_ELEMENTS = intProp("parallel.minElements", 1 << 18);

    /**
     * How long an idle pool worker (and a caller waiting for its workers) spins before parking.
     * Training issues kernels back to back with short serial gaps; a parked worker takes about as
     * long to wake as a whole small GEMM takes to run.
     */
    public static final long PARALLEL_SPIN_NANOS = longProp("parallel.spinNanos", 50_000L);

    /** Middle-mode products with rows shorter than this (Q) gather several T[p] into one wider GEMM. */
    public static final int MODE_PRODUCT_GATHER_BELOW_Q = intProp("modeProduct.gatherBelowQ", 64);
    /** Columns of a gathered mode-product tile (g Q); the I_n x cols tile should sit in L2. */
    public static final int MODE_PRODUCT_GATHER_COLS = intProp("modeProduct.gatherCols", 1024);
    /** Mode products run the small-factor slice kernel only while U (K x I_n) has at most this many floats (it stays in L1). */
    public static final int MODE_PRODUCT_SLICES_MAX_U = intProp("modeProduct.slicesMaxU", 8192);
    /**
     * Softmax computes exp with the Vector API's lanewise EXP (true) or a scalar Math.exp pass (false):
     * lanewise EXP is much faster where the JIT has vector math stubs (x86 with AVX-512, JDK 17 and 25),
     * but falls back to per-lane Java code, far slower than the scalar pass, where it has none.
     * Off by default: the stub and the fallback (used until C2 compiles the caller) round differently,
     * so a run's results depended on when the JIT finished (ttl-mnist's loss after 6 epochs varied
     * from run to run at the same seed and thread count); Math.exp is the same in every tier.
     */
    public static final boolean SOFTMAX_VECTOR_EXP = boolProp("softmax.vectorExp", false);

    /**
     * The convolution algorithm: {@code auto} (chosen per layer shape and pass, see
     * {@code ttl4j.engine.conv.Convolutions#plan}) or one of {@code direct}, {@code winograd2},
     * {@code winograd4}, {@code reference} forced for every pass it applies to.
     */
    public static final String CONV_ALGORITHM = stringProp("conv.algorithm", "auto");

    /**
     * Direct convolution: floats of one column block's scratch (the patch rows plus the K rows of
     * output or output gradient beside them), about one core's L2, so the GEMM packs it from cache.
     */
    public static final int CONV_DIRECT_BLOCK_FLOATS = intProp("conv.direct.blockFloats", 1 << 18);
    /**
     * Direct convolution: fewest output columns per block (images side by side when P Q is smaller):
     * each block's GEMM packs the whole weight matrix again, so a block must give it enough columns.
     */
    public static final int CONV_DIRECT_MIN_COLS = intProp("conv.direct.minCols", 256);
    /** Direct convolution: patch rows (of C R S) per weight-gradient task, the unit the weight gradient is split by. */
    public static final int CONV_DIRECT_WEIGHT_ROWS = intProp("conv.direct.weightRows", 1024);
    /**
     * Direct convolution: weight gradients of at most this many patch rows (C R S; a first layer's
     * 27) are summed as long dot products along the output columns rather than by GEMM.
     */
    public static final int CONV_DIRECT_DOT_ROWS = intProp("conv.direct.dotRows", 32);
    /**
     * Direct convolution, dot-product weight gradient: the columns are summed in this many fixed
     * parts (each with its own partial sums, added in order at the end), the units it is split by.
     * A constant, so results are the same for any thread count.
     */
    public static final int CONV_DIRECT_DOT_PARTS = intProp("conv.direct.dotParts", 4);

    /** Most entries of a convolution's one-matrix form (K P Q x C H W) the cost model picks it for: 32 MiB. */
    public static final long CONV_MATRIX_MAX_FLOATS = longProp("conv.matrixMaxFloats", 1L << 23);

    /**
     * Winograd convolution: the most floats of transformed tiles (input and output transforms of
     * one chunk of tiles) held at once; the batch is processed in chunks of whole tile rows this big
     * (or up to four times bigger on layers whose transformed filters are large, see the convolution code).
     */
    public static final int CONV_WINOGRAD_CHUNK_FLOATS = intProp("conv.winogradChunkFloats", 1 << 21);

    static String stringProp(String name, String dflt) {
        String v = System.getProperty("ttl4j." + name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    static int intProp(String name, int dflt) {
        String v = System.getProperty("ttl4j." + name);
        if (v == null) return dflt;
        try {
            int x = Integer.parseInt(v.trim());
            if (x <= 0) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property ttl4j." + name + "=" + v + ": expected a positive integer");
        }
    }

    static long longProp(String name, long dflt) {
        String v = System.getProperty("ttl4j." + name);
        if (v == null) return dflt;
        try {
            long x = Long.parseLong(v.trim());
            if (x < 0) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property ttl4j." + name + "=" + v + ": expected a non-negative integer");
        }
    }

    static boolean boolProp(String name, boolean dflt) {
        String v = System.getProperty("ttl4j." + name);
        if (v == null) return dflt;
        String t = v.trim();
        if (t.equalsIgnoreCase("true")) return true;
        if (t.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException("system property ttl4j." + name + "=" + v + ": expected true or false");
    }
}
