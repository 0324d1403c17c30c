package ttl4j.engine.conv;

/**
 * The scalar twin of the vector Winograd transforms: the specification they are tested against,
 * and what the vector form falls back to where it does not run at speed (public for that only).
 */
public final class ScalarWinogradTransforms implements WinogradTransforms {
    public static final ScalarWinogradTransforms INSTANCE = new ScalarWinogradTransforms();

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
    public void padRow(float[] src, int sOff, int width, int pad, float[] dst, int dOff, int dWidth) {
        for (int j = 0; j < pad; j++) dst[dOff + j] = 0f;
        System.arraycopy(src, sOff, dst, dOff + pad, width);
        for (int j = pad + width; j < dWidth; j++) dst[dOff + j] = 0f;
    }

    @Override
    public void windowRow(float[] src, int[] rows, int tilesW, int m, int count, int col0, int width, float[] dst, int dOff,
                          int dStride, int n) {
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < n; j++) {
                int row = rows[j / tilesW], col = j % tilesW * m + col0 + i;
                dst[dOff + i * dStride + j] = row >= 0 && col >= 0 && col < width ? src[row + col] : 0f;
            }
        }
    }

    @Override
    public void windowsAdd(float[] src, int sOff, int sStride, int[] rows, int rowCount, int tilesW, int m, int count, int col0,
                           int width, float[] dst) {
        for (int r = 0; r < rowCount; r++) {
            if (rows[r] < 0) continue;
            for (int i = 0; i < count; i++) {
                int s = sOff + (r * count + i) * sStride, d = rows[r] + col0 + i;
                for (int j = 0; j < tilesW; j++) {
                    int col = j * m + col0 + i;
                    if (col >= 0 && col < width) dst[d + j * m] += src[s + j];
                }
            }
        }
    }

    @Override
    public void windowsStore(float[] src, int sOff, int sStride, int tilesW, int m, int width, boolean add, float addend,
                             float[] dst, int dOff) {
        for (int col = 0; col < Math.min(width, tilesW * m); col++) {
            float v = src[sOff + col % m * sStride + col / m];
            dst[dOff + col] = add ? v + addend : v;
        }
    }

    @Override
    public boolean windowsFast(int tilesW, int m) {
        return true;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
