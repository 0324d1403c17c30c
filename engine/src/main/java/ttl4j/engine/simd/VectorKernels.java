package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import ttl4j.engine.Kernels;

/** Kernels written with the Vector API (jdk.incubator.vector); tails and awkward shapes fall back to scalar code. */
public final class VectorKernels implements Kernels {

    @Override
    public String name() {
        return "vector (" + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, " + FloatVector.SPECIES_PREFERRED.length() + " floats)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        VectorGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, int strideA,
                            float[] b, int bOff, int ldb, int strideB,
                            float beta, float[] c, int cOff, int ldc, int strideC) {
        VectorGemm.gemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, lda, strideA,
                b, bOff, ldb, strideB, beta, c, cOff, ldc, strideC);
    }

    @Override
    public void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu, boolean transU,
                                  float[] t, int tOff, float beta, float[] y, int yOff) {
        VectorModeProduct.slices(p, in, q, k, alpha, u, uOff, ldu, transU, t, tOff, beta, y, yOff);
    }

    @Override
    public boolean modeProductSlicesFast(int in, int q, int k) {
        return VectorModeProduct.fast(in, q, k);
    }

    @Override
    public void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y, int yOff,
                               float beta, float[] c, int cOff, int ldc) {
        VectorContraction.contract(p, in, q, k, i0, i1, x, xOff, y, yOff, beta, c, cOff, ldc);
    }

    @Override
    public boolean contractSlicesFast(int q) {
        return VectorContraction.fast(q);
    }

    @Override
    public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        VectorOps.add(n, x, xOff, y, yOff, z, zOff);
    }

    @Override
    public void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        VectorOps.sub(n, x, xOff, y, yOff, z, zOff);
    }

    @Override
    public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        VectorOps.mul(n, x, xOff, y, yOff, z, zOff);
    }

    @Override
    public void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff) {
        VectorOps.bytesToFloats(n, x, xOff, scale, shift, z, zOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        VectorOps.scale(n, alpha, x, xOff, z, zOff);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        VectorOps.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        VectorOps.relu(n, x, xOff, z, zOff);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        VectorOps.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        VectorOps.addRowVector(rows, cols, x, xOff, v, vOff, z, zOff);
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        return VectorOps.dot(n, x, xOff, y, yOff);
    }

    @Override
    public float sum(int n, float[] x, int xOff) {
        return VectorOps.sum(n, x, xOff);
    }

    @Override
    public void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        VectorOps.sumAxis(outer, len, inner, x, xOff, z, zOff);
    }

    @Override
    public void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        VectorOps.maxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    @Override
    public void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        VectorOps.argmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    @Override
    public void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        VectorOps.softmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }
}
