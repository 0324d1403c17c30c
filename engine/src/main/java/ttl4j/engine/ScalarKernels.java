package ttl4j.engine;

/** Plain-Java kernels: the specification the vector kernels are tested against, and the fallback. */
public final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        ScalarGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, int strideA,
                            float[] b, int bOff, int ldb, int strideB,
                            float beta, float[] c, int cOff, int ldc, int strideC) {
        ScalarGemm.gemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, lda, strideA,
                b, bOff, ldb, strideB, beta, c, cOff, ldc, strideC);
    }

    @Override
    public void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu, boolean transU,
                                  float[] t, int tOff, float beta, float[] y, int yOff) {
        ScalarGemm.modeProductSlices(p, in, q, k, alpha, u, uOff, ldu, transU, t, tOff, beta, y, yOff);
    }

    @Override
    public void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y, int yOff,
                               float beta, float[] c, int cOff, int ldc) {
        ScalarGemm.contractSlices(p, in, q, k, i0, i1, x, xOff, y, yOff, beta, c, cOff, ldc);
    }

    @Override
    public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        ScalarOps.add(n, x, xOff, y, yOff, z, zOff);
    }

    @Override
    public void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        ScalarOps.sub(n, x, xOff, y, yOff, z, zOff);
    }

    @Override
    public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        ScalarOps.mul(n, x, xOff, y, yOff, z, zOff);
    }

    @Override
    public void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        ScalarOps.bytesToFloats(n, x, xOff, scale, shift, z, zOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.scale(n, alpha, x, xOff, z, zOff);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        ScalarOps.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.relu(n, x, xOff, z, zOff);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        ScalarOps.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        ScalarOps.addRowVector(rows, cols, x, xOff, v, vOff, z, zOff);
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        return ScalarOps.dot(n, x, xOff, y, yOff);
    }

    @Override
    public float sum(int n, float[] x, int xOff) {
        return ScalarOps.sum(n, x, xOff);
    }

    @Override
    public void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.sumAxis(outer, len, inner, x, xOff, z, zOff);
    }

    @Override
    public void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.maxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    @Override
    public void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        ScalarOps.argmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    @Override
    public void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.softmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }
}
