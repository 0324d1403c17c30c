package ttl4j.engine.conv;

/** Winograd F(2x2, 3x3) and F(4x4, 3x3) (to be written). */
final class WinogradConv {
    private WinogradConv() {}

    static long workspaceFloats(ConvShape s, ConvAlgorithm a, Convolutions.Pass pass) {
        return 0;
    }

    static void forward(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                        float[] y, int yOff) {
        ScalarConv.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
    }

    static void backwardData(ConvShape s, ConvAlgorithm a, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        ScalarConv.backwardData(s, dy, dyOff, w, wOff, dx, dxOff);
    }

    static void backwardWeights(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                float[] dw, int dwOff, float[] db, int dbOff) {
        ScalarConv.backwardWeights(s, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
    }
}
