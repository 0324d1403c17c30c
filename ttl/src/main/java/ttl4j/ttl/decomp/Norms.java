package ttl4j.ttl.decomp;

import ttl4j.engine.Tensor;

/** Norms in double precision, for the fits and errors the decompositions report. */
final class Norms {
    private Norms() {}

    /** Squared Frobenius norm in double. */
    static double squared(Tensor t) {
        float[] d = t.data();
        int off = t.offset();
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += (double) d[off + i] * d[off + i];
        return s;
    }

    /** {@code ||a - b|| / ||a||} in double (absolute error when a is zero). */
    static double relativeError(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        int xo = a.offset(), yo = b.offset();
        double num = 0, den = 0;
        for (int i = 0; i < a.size(); i++) {
            double r = x[xo + i], e = r - y[yo + i];
            num += e * e;
            den += r * r;
        }
        return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
    }
}
