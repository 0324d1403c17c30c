package ttl4j.engine.conv;

/** Direct convolution as an implicit GEMM (to be written). */
final class DirectConv {
    private DirectConv() {}

    static long workspaceFloats(ConvShape s, Convolutions.Pass pass) {
        return 0;
    }

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        ScalarConv.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
    }

    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        ScalarConv.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
    }

    static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta, float[] dw, int dwOff,
                                float[] db, int dbOff) {
        ScalarConv.backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
    }
}
