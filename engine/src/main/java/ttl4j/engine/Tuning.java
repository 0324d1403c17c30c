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
    /** Below this many elements an elementwise kernel runs on the caller's thread only. */
    public static final int PARALLEL_MIN_ELEMENTS = intProp("parallel.minElements", 1 << 16);

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
}
