package ttl4j.engine.simd;

import ttl4j.engine.ScalarOps;

/** Vector API elementwise kernels (placeholder delegating to scalar until the vector versions land). */
final class VectorOps {
    private VectorOps() {}

    static void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        ScalarOps.add(n, x, xOff, y, yOff, z, zOff);
    }

    static void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        ScalarOps.sub(n, x, xOff, y, yOff, z, zOff);
    }

    static void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        ScalarOps.mul(n, x, xOff, y, yOff, z, zOff);
    }

    static void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.scale(n, alpha, x, xOff, z, zOff);
    }

    static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        ScalarOps.axpy(n, alpha, x, xOff, y, yOff);
    }

    static void relu(int n, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.relu(n, x, xOff, z, zOff);
    }

    static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        ScalarOps.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    static void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff) {
        ScalarOps.addRowVector(rows, cols, x, xOff, v, vOff, z, zOff);
    }

    static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        return ScalarOps.dot(n, x, xOff, y, yOff);
    }

    static float sum(int n, float[] x, int xOff) {
        return ScalarOps.sum(n, x, xOff);
    }

    static void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.sumAxis(outer, len, inner, x, xOff, z, zOff);
    }

    static void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.maxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    static void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff) {
        ScalarOps.argmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }

    static void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff) {
        ScalarOps.softmaxAxis(outer, len, inner, x, xOff, z, zOff);
    }

}
