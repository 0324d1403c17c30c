package ttl4j.engine.conv;

/**
 * The matrices of Winograd's minimal filtering algorithm F(m, 3) for m = 2 and 4 (Lavin and Gray
 * 2016), t = m + 2 points: {@code y = A^T [(G g) . (B^T d)]} is the correlation
 * {@code y_i = sum_r g_r d_(i+r)} of a 3-tap filter g with t inputs d. F(2, 3) interpolates at
 * 0, 1, -1 and infinity; F(4, 3) at 0, 1, -1, 2, -2 and infinity. F(4, 3) keeps its inexact
 * constants (1/6, 1/12, 1/24) in G, which is applied once to the weights (a relative rounding of U,
 * not amplified), and small integers in B^T and A^T, which carry the data (exact multiplies).
 * In 2-D the transforms are applied along both tile axes: {@code Y = A^T [(G g G^T) . (B^T d B)] A}.
 */
final class WinogradMatrices {
    /** m, outputs per tile side. */
    final int m;
    /** t = m + 2, inputs per tile side (and transform points). */
    final int t;
    /** B^T (t, t), applied to data tiles. */
    final float[] bt;
    /** B (t, t), its transpose (input gradient). */
    final float[] b;
    /** G (t, 3), applied to filters. */
    final float[] g;
    /** G^T (3, t) (weight gradient). */
    final float[] gt;
    /** A^T (m, t) (forward output). */
    final float[] at;
    /** A (t, m) (output gradient into the transformed domain). */
    final float[] a;
    /** The same matrices in double, for tests. */
    final double[] btD, gD, atD;

    static final WinogradMatrices F2 = new WinogradMatrices(2,
            new double[] {
                1, 0, -1, 0,
                0, 1, 1, 0,
                0, -1, 1, 0,
                0, 1, 0, -1},
            new double[] {
                1, 0, 0,
                0.5, 0.5, 0.5,
                0.5, -0.5, 0.5,
                0, 0, 1},
            new double[] {
                1, 1, 1, 0,
                0, 1, -1, -1});

    static final WinogradMatrices F4 = new WinogradMatrices(4,
            new double[] {
                4, 0, -5, 0, 1, 0,
                0, -4, -4, 1, 1, 0,
                0, 4, -4, -1, 1, 0,
                0, -2, -1, 2, 1, 0,
                0, 2, -1, -2, 1, 0,
                0, 4, 0, -5, 0, 1},
            new double[] {
                1.0 / 4, 0, 0,
                -1.0 / 6, -1.0 / 6, -1.0 / 6,
                -1.0 / 6, 1.0 / 6, -1.0 / 6,
                1.0 / 24, 1.0 / 12, 1.0 / 6,
                1.0 / 24, -1.0 / 12, 1.0 / 6,
                0, 0, 1},
            new double[] {
                1, 1, 1, 1, 1, 0,
                0, 1, -1, 2, -2, 0,
                0, 1, 1, 4, 4, 0,
                0, 1, -1, 8, -8, 1});

    static WinogradMatrices of(ConvAlgorithm a) {
        return switch (a) {
            case WINOGRAD_2X2 -> F2;
            case WINOGRAD_4X4 -> F4;
            default -> throw new IllegalArgumentException("not a Winograd algorithm: " + a);
        };
    }

    private WinogradMatrices(int m, double[] btD, double[] gD, double[] atD) {
        this.m = m;
        this.t = m + 2;
        this.btD = btD;
        this.gD = gD;
        this.atD = atD;
        this.bt = toFloat(btD);
        this.b = transpose(bt, t, t);
        this.g = toFloat(gD);
        this.gt = transpose(g, t, 3);
        this.at = toFloat(atD);
        this.a = transpose(at, m, t);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** The transpose of an (r, c) row-major matrix. */
    private static float[] transpose(float[] x, int r, int c) {
        float[] y = new float[x.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) y[j * r + i] = x[i * c + j];
        return y;
    }
}
