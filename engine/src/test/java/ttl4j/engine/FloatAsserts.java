package ttl4j.engine;

/** Test assertions on float arrays with the {@link Tolerance} rule (shared with the other modules' tests through the engine's test jar). */
public final class FloatAsserts {
    private FloatAsserts() {}

    /** Fails naming the worst element when any element is outside the tolerance. */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        String m = Tolerance.mismatch(what, expected, actual, atol, rtol);
        if (m != null) throw new AssertionError(m);
    }

    /** As {@link #assertClose(String, float[], float[], double, double)} on sub-ranges. */
    public static void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int n,
                                   double atol, double rtol) {
        String m = Tolerance.mismatch(what, expected, eOff, actual, aOff, n, atol, rtol);
        if (m != null) throw new AssertionError(m);
    }

    /** Fails unless the two arrays are bitwise identical (NaN payloads included). */
    public static void assertBitwiseEqual(String what, float[] expected, float[] actual) {
        String m = Tolerance.bitwiseMismatch(what, expected, actual);
        if (m != null) throw new AssertionError(m);
    }
}
