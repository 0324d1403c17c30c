package ttl4j.engine;

/**
 * What a kernel implementation provides behind the {@link Kernels} facade, one interface per
 * kernel family: the scalar implementation ({@link ScalarGemm}, {@link ScalarOps}, the readable
 * specification and the code vector kernels use for their tails) and the Vector API one
 * ({@code ttl4j.engine.simd}). The contracts are those of the same-named {@link Kernels} methods,
 * with one difference: arguments arrive already validated, so implementations never check them.
 * Only {@link Kernels} and the engine's algebra (which validates its own arguments) call these.
 */
public final class KernelSupport {
    private KernelSupport() {}

    /** The GEMM family (see {@link Kernels#gemm} and {@link Kernels#gemmBatched}). */
    public interface Gemm {
        void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                  float beta, float[] c, int cOff, int ldc);

        void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, int strideA,
                         float[] b, int bOff, int ldb, int strideB,
                         float beta, float[] c, int cOff, int ldc, int strideC);
    }

    /** Small factor times many slices (see {@link Kernels#modeProductSlices}). */
    public interface ModeProductSlices {
        void modeProductSlices(int p, int in, int q, int k, float alpha, float[] u, int uOff, int ldu, boolean transU,
                               float[] t, int tOff, float beta, float[] y, int yOff);

        /** Whether this shape has a fast path; when false, callers are better served by (batched) GEMMs. */
        boolean modeProductSlicesFast(int in, int q, int k);
    }

    /** Contraction over every mode but one (see {@link Kernels#contractSlices}). */
    public interface Contraction {
        void contractSlices(int p, int in, int q, int k, int i0, int i1, float[] x, int xOff, float[] y, int yOff,
                            float beta, float[] c, int cOff, int ldc);

        /** Whether rows of length q have a fast path; when false, callers are better served by GEMMs. */
        boolean contractSlicesFast(int q);
    }

    /** Elementwise kernels (see the same-named {@link Kernels} methods); z may alias x or y. */
    public interface Elementwise {
        void add(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);

        void sub(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);

        void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff);

        void scale(int n, float alpha, float[] x, int xOff, float[] z, int zOff);

        void bytesToFloats(int n, byte[] x, int xOff, float scale, float shift, float[] z, int zOff);

        void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

        void relu(int n, float[] x, int xOff, float[] z, int zOff);

        void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);

        void addRowVector(int rows, int cols, float[] x, int xOff, float[] v, int vOff, float[] z, int zOff);

        void scaleShiftChannels(int outer, int channels, int inner, float[] x, int xOff, float[] scale, int sOff,
                                float[] shift, int shOff, float[] z, int zOff);

        void normBackwardChannels(int outer, int channels, int inner, float[] x, int xOff, float[] dy, int dyOff,
                                  float[] mean, float[] scale, float[] dyMean, float[] proj, float[] z, int zOff);

        void maxPool2x2(int planes, int h, int w, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff);
    }

    /** Reductions (see the same-named {@link Kernels} methods). */
    public interface Reductions {
        float dot(int n, float[] x, int xOff, float[] y, int yOff);

        float sum(int n, float[] x, int xOff);

        float centeredDot(int n, float[] x, int xOff, float mx, float[] y, int yOff, float my);

        double sumPlanes(int planes, int len, int stride, float[] x, int xOff);

        double centeredDotPlanes(int planes, int len, int stride, float[] x, int xOff, float mx, float[] y, int yOff, float my);

        void sumAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff);

        void maxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff);

        void argmaxAxis(int outer, int len, int inner, float[] x, int xOff, int[] z, int zOff);

        void softmaxAxis(int outer, int len, int inner, float[] x, int xOff, float[] z, int zOff);
    }

    /**
     * One implementation of every family.
     *
     * @param name  human-readable, e.g. {@code "vector (256-bit, 8 floats)"} or {@code "scalar"}
     * @param lanes floats per vector (1 for scalar): what the algebra's time estimates assume
     */
    public record Implementation(String name, int lanes, Gemm gemm, ModeProductSlices slices, Contraction contraction,
                                 Elementwise elementwise, Reductions reductions) {
        public Implementation {
            if (name == null || gemm == null || slices == null || contraction == null || elementwise == null
                    || reductions == null) {
                throw new NullPointerException("kernel implementation " + name + " is missing a family");
            }
            if (lanes < 1) throw new IllegalArgumentException("kernel implementation " + name + ": lanes " + lanes);
        }

        /** The scalar implementation. */
        public static Implementation scalar() {
            return new Implementation("scalar", 1, ScalarGemm.INSTANCE, ScalarGemm.INSTANCE, ScalarGemm.INSTANCE,
                    ScalarOps.INSTANCE, ScalarOps.INSTANCE);
        }
    }
}
