package ttl4j.engine.conv;

/** The scalar twin of the vector Winograd transforms: the specification they are tested against. */
final class ScalarWinogradTransforms implements WinogradTransforms {
    static final ScalarWinogradTransforms INSTANCE = new ScalarWinogradTransforms();

    private ScalarWinogradTransforms() {}

    @Override
    public void combine(int rowsOut, int rowsIn, float[] mat, float[] src, int sOff, int sStride, float[] dst, int dOff,
                        int dStride, int n) {
        for (int r = 0; r < rowsOut; r++) {
            int d = dOff + r * dStride;
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                boolean first = true;
                for (int i = 0; i < rowsIn; i++) {
                    float c = mat[r * rowsIn + i];
                    if (c == 0f) continue;
                    float x = src[sOff + i * sStride + j];
                    acc = first ? c * x : Math.fma(c, x, acc);
                    first = false;
                }
                dst[d + j] = acc;
            }
        }
    }

    @Override
    public void gather(float[] src, int sOff, int[] idx, int iOff, float[] dst, int dOff, int n) {
        for (int j = 0; j < n; j++) dst[dOff + j] = src[sOff + idx[iOff + j]];
    }

    @Override
    public void gatherAdd(float[] src, int sOff, int[] idx, int iOff, float add, float[] dst, int dOff, int n) {
        for (int j = 0; j < n; j++) dst[dOff + j] = src[sOff + idx[iOff + j]] + add;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
