package ttl4j.engine;

/**
 * Float comparison with the one tolerance rule used everywhere (tests, benchmark set-up checks):
 * {@code |actual - expected| <= atol + rtol * |expected|}, reporting the worst element.
 */
public final class Compare {
    private Compare() {}

    /** Index of the worst violation of the tolerance, or -1 when all elements are within it. */
    public static int worst(float[] expected, int eOff, float[] actual, int aOff, int n, double atol, double rtol) {
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < n; i++) {
            double r = expected[eOff + i], a = actual[aOff + i];
            double excess;
            if (Double.isNaN(r) || Double.isNaN(a)) {
                if (Double.isNaN(r) && Double.isNaN(a)) continue;
                excess = Double.POSITIVE_INFINITY;
            } else if (r == a) {
                continue; // equal infinities included
            } else {
                excess = Math.abs(a - r) - (atol + rtol * Math.abs(r));
                if (Double.isNaN(excess)) excess = Double.POSITIVE_INFINITY;
            }
            if (excess > 0 && (worst < 0 || excess > worstExcess)) {
                worst = i;
                worstExcess = excess;
            }
        }
        return worst;
    }

    /** Throws an AssertionError naming the worst element when any element is outside the tolerance. */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        assertClose(what, expected, 0, actual, 0, expected.length, atol, rtol);
    }

    /** As {@link #assertClose(String, float[], float[], double, double)} on sub-ranges. */
    public static void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int n,
                                   double atol, double rtol) {
        int w = worst(expected, eOff, actual, aOff, n, atol, rtol);
        if (w >= 0) {
            float r = expected[eOff + w], a = actual[aOff + w];
            throw new AssertionError(String.format(
                    "%s: worst element %d of %d: got %s, expected %s (|diff| %.3g > atol %.3g + rtol %.3g * |expected|)",
                    what, w, n, a, r, Math.abs((double) a - r), atol, rtol));
        }
    }

    /** Throws unless the two ranges are bitwise identical (NaN payloads included). */
    public static void assertBitwiseEqual(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " differs: " + actual[i] + " vs " + expected[i]);
            }
        }
    }
}
