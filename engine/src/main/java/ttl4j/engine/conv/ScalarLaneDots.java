package ttl4j.engine.conv;

/** The scalar twin of the vector {@link LaneDots}: the same partial sums, one lane at a time (the specification it is tested against). */
final class ScalarLaneDots implements LaneDots {
    private final int lanes;

    ScalarLaneDots(int lanes) {
        if (lanes < 1) throw new IllegalArgumentException("lanes " + lanes);
        this.lanes = lanes;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public void accumulate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] acc,
                           int accOff) {
        int vectors = (k + lanes - 1) / lanes;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = accOff + (i * n + j) * lanes;
                for (int v = 0; v < vectors; v++) {
                    for (int l = 0; l < lanes; l++) {
                        int kk = v * lanes + l;
                        float x = kk < k ? a[aOff + i * lda + kk] : 0f, y = kk < k ? b[bOff + j * ldb + kk] : 0f;
                        acc[o + l] = Math.fma(x, y, acc[o + l]);
                    }
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
