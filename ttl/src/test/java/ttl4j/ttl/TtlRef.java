package ttl4j.ttl;

import java.util.Arrays;

/**
 * A double-precision reference of the Tucker layer written from the definitions: the weight tensor
 * by mode products on the core, unfoldings and Kronecker products by index arithmetic, with
 * row-major layouts. Parameters are double copies so finite differences perturb them exactly.
 */
final class TtlRef {
    final int[] in, out, r, s;
    final int nIn, nOut, inSize, outSize;
    double[] core, bias;
    double[][] a, b; // a[n] (I_n x R_n), b[m] (J_m x S_m)

    TtlRef(TuckerLayer l) {
        in = l.inShape();
        out = l.outShape();
        r = l.inRanks();
        s = l.outRanks();
        nIn = in.length;
        nOut = out.length;
        inSize = l.inSize();
        outSize = l.outSize();
        core = toDouble(l.core().value().toArray());
        bias = toDouble(l.bias().value().toArray());
        a = new double[nIn][];
        b = new double[nOut][];
        for (int n = 0; n < nIn; n++) a[n] = toDouble(l.inFactor(n).value().toArray());
        for (int m = 0; m < nOut; m++) b[m] = toDouble(l.outFactor(m).value().toArray());
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** (T x_mode U)[p, k, q] = sum_i T[p, i, q] U[k, i]; U is K x shape[mode]. */
    static double[] modeProduct(double[] t, int[] shape, int mode, double[] u, int k) {
        int ii = shape[mode];
        int p = size(Arrays.copyOfRange(shape, 0, mode)), q = size(Arrays.copyOfRange(shape, mode + 1, shape.length));
        double[] y = new double[p * k * q];
        for (int pi = 0; pi < p; pi++)
            for (int kk = 0; kk < k; kk++)
                for (int qi = 0; qi < q; qi++) {
                    double acc = 0;
                    for (int i = 0; i < ii; i++) acc += t[(pi * ii + i) * q + qi] * u[kk * ii + i];
                    y[(pi * k + kk) * q + qi] = acc;
                }
        return y;
    }

    static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
        return t;
    }

    int[] coreShape() {
        return TuckerLayer.concat(s, r);
    }

    int[] weightShape() {
        return TuckerLayer.concat(out, in);
    }

    /** Factor k of the list B_1..B_M, A_1..A_N. */
    double[] factor(int k) {
        return k < nOut ? b[k] : a[k - nOut];
    }

    int dim(int k) {
        return k < nOut ? out[k] : in[k - nOut];
    }

    int rank(int k) {
        return k < nOut ? s[k] : r[k - nOut];
    }

    /** W (J.., I..) = G x_k F_k for every k, i.e. W_mat (J x I) row-major. */
    double[] weight() {
        double[] t = core;
        int[] shape = coreShape();
        for (int k = 0; k < nOut + nIn; k++) {
            t = modeProduct(t, shape, k, factor(k), dim(k));
            shape[k] = dim(k);
        }
        return t;
    }

    /** y (B, J) = x W_mat^T + bias. */
    double[] forward(double[] x, int batch) {
        double[] w = weight();
        double[] y = new double[batch * outSize];
        for (int bb = 0; bb < batch; bb++)
            for (int j = 0; j < outSize; j++) {
                double acc = bias[j];
                for (int i = 0; i < inSize; i++) acc += w[j * inSize + i] * x[bb * inSize + i];
                y[bb * outSize + j] = acc;
            }
        return y;
    }

    /** Mode-k unfolding (I_k x rest), columns over the other modes in row-major order. */
    static double[] unfold(double[] t, int[] shape, int k) {
        int ik = shape[k];
        int p = size(Arrays.copyOfRange(shape, 0, k)), q = size(Arrays.copyOfRange(shape, k + 1, shape.length));
        double[] u = new double[t.length];
        for (int i = 0; i < ik; i++) for (int pi = 0; pi < p; pi++) for (int qi = 0; qi < q; qi++)
            u[i * p * q + pi * q + qi] = t[(pi * ik + i) * q + qi];
        return u;
    }

    /** Kronecker product, first matrix's indices slowest. */
    static double[] kron(double[] x, int xr, int xc, double[] y, int yr, int yc) {
        double[] z = new double[xr * yr * xc * yc];
        int cols = xc * yc;
        for (int i = 0; i < xr; i++) for (int j = 0; j < xc; j++)
            for (int a = 0; a < yr; a++) for (int c = 0; c < yc; c++)
                z[(i * yr + a) * cols + j * yc + c] = x[i * xc + j] * y[a * yc + c];
        return z;
    }

    static double[] matmul(double[] x, int m, int k, double[] y, int n) {
        double[] z = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int l = 0; l < k; l++) acc += x[i * k + l] * y[l * n + j];
            z[i * n + j] = acc;
        }
        return z;
    }

    /** dW (J x I) = sum_b D_b o X_b. */
    double[] denseGrad(double[] x, double[] d, int batch) {
        double[] dw = new double[outSize * inSize];
        for (int bb = 0; bb < batch; bb++)
            for (int j = 0; j < outSize; j++)
                for (int i = 0; i < inSize; i++) dw[j * inSize + i] += d[bb * outSize + j] * x[bb * inSize + i];
        return dw;
    }

    /** dF_k = [dW]_(k) (kron_{j != k} F_j) [G]_(k)^T, the explicit form. */
    double[] explicitFactorGrad(double[] dw, int k) {
        int total = nOut + nIn;
        double[] kr = {1};
        int kRows = 1, kCols = 1;
        for (int j = 0; j < total; j++) {
            if (j == k) continue;
            kr = kron(kr, kRows, kCols, factor(j), dim(j), rank(j));
            kRows *= dim(j);
            kCols *= rank(j);
        }
        double[] dwk = unfold(dw, weightShape(), k);
        double[] gk = unfold(core, coreShape(), k);
        double[] left = matmul(dwk, dim(k), kRows, kr, kCols);
        return matmul(left, dim(k), kCols, transpose(gk, rank(k), kCols), rank(k));
    }

    /** dG = dW x_k F_k^T for every k. */
    double[] explicitCoreGrad(double[] dw) {
        double[] t = dw;
        int[] shape = weightShape();
        for (int k = 0; k < nOut + nIn; k++) {
            t = modeProduct(t, shape, k, transpose(factor(k), dim(k), rank(k)), rank(k));
            shape[k] = rank(k);
        }
        return t;
    }
}
