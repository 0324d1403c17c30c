package ttl4j.engine;

/**
 * The one float tolerance rule (tests, benchmark set-up checks):
 * {@code |actual - expected| <= atol + rtol * |expected|}, NaN matching only NaN. Mismatches are
 * described by their worst element; the test assertions built on this live in the engine's test jar.
 */
public final class Tolerance {
    private Tolerance() {}

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

    /** Why the ranges differ beyond the tolerance (naming the worst element), or null when they do not. */
    public static String mismatch(String what, float[] expected, int eOff, float[] actual, int aOff, int n,
                                  double atol, double rtol) {
        int w = worst(expected, eOff, actual, aOff, n, atol, rtol);
        if (w < 0) return null;
        float r = expected[eOff + w], a = actual[aOff + w];
        return String.format("%s: worst element %d of %d: got %s, expected %s (|diff| %.3g > atol %.3g + rtol %.3g * |expected|)",
                what, w, n, a, r, Math.abs((double) a - r), atol, rtol);
    }

    /** As {@link #mismatch(String, float[], int, float[], int, int, double, double)} on whole arrays (lengths included). */
    public static String mismatch(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) return what + ": length " + actual.length + ", expected " + expected.length;
        return mismatch(what, expected, 0, actual, 0, expected.length, atol, rtol);
    }

    /** Why the arrays are not bitwise identical (NaN payloads included), or null when they are. */
    public static String bitwiseMismatch(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) return what + ": length " + actual.length + ", expected " + expected.length;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                return what + ": element " + i + " differs: " + actual[i] + " vs " + expected[i];
            }
        }
        return null;
    }

    /** Throws IllegalStateException with {@link #mismatch} when the arrays differ beyond the tolerance. */
    public static void require(String what, float[] expected, float[] actual, double atol, double rtol) {
        String m = mismatch(what, expected, actual, atol, rtol);
        if (m != null) throw new IllegalStateException(m);
    }

    /** Throws IllegalStateException with {@link #bitwiseMismatch} when the arrays are not bitwise identical. */
    public static void requireBitwise(String what, float[] expected, float[] actual) {
        String m = bitwiseMismatch(what, expected, actual);
        if (m != null) throw new IllegalStateException(m);
    }
}
