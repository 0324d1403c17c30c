package ttl4j.engine.conv;

/** The scalar twin of the vector {@link NarrowProducts}: the specification it is tested against. */
final class ScalarNarrowProducts implements NarrowProducts {
    static final ScalarNarrowProducts INSTANCE = new ScalarNarrowProducts();

    private ScalarNarrowProducts() {}

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] bias, int biasOff,
                         float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            float init = bias == null ? 0f : bias[biasOff + i];
            for (int j = 0; j < n; j++) {
                float acc = init;
                for (int p = 0; p < k; p++) acc = Math.fma(a[aOff + i * k + p], b[bOff + p * ldb + j], acc);
                c[cOff + i * ldc + j] = acc;
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
