package ttl4j.engine.conv;

/** The three convolution passes in double precision, plain loops: the outside check of every algorithm (shared with other modules' tests). */
public final class ConvReference {
    private ConvReference() {}

    public static double[] forward(ConvShape s, float[] x, float[] w, float[] bias) {
        int n = s.batch(), c = s.inC(), h = s.inH(), wd = s.inW(), k = s.outC(), r = s.kh(), sw = s.kw(), p = s.outH(), q = s.outW();
        double[] y = new double[s.outputSize()];
        for (int in = 0; in < n; in++) for (int ik = 0; ik < k; ik++) for (int ip = 0; ip < p; ip++) for (int iq = 0; iq < q; iq++) {
            double acc = bias == null ? 0 : bias[ik];
            for (int ic = 0; ic < c; ic++) for (int ir = 0; ir < r; ir++) for (int is = 0; is < sw; is++) {
                int ih = ip * s.strideH() - s.padH() + ir * s.dilH(), iw = iq * s.strideW() - s.padW() + is * s.dilW();
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                acc += (double) x[((in * c + ic) * h + ih) * wd + iw] * w[((ik * c + ic) * r + ir) * sw + is];
            }
            y[((in * k + ik) * p + ip) * q + iq] = acc;
        }
        return y;
    }

    /** dX by scattering every dY element through the kernel (a different order from the gather form). */
    public static double[] backwardData(ConvShape s, float[] dy, float[] w) {
        int n = s.batch(), c = s.inC(), h = s.inH(), wd = s.inW(), k = s.outC(), r = s.kh(), sw = s.kw(), p = s.outH(), q = s.outW();
        double[] dx = new double[s.inputSize()];
        for (int in = 0; in < n; in++) for (int ik = 0; ik < k; ik++) for (int ip = 0; ip < p; ip++) for (int iq = 0; iq < q; iq++) {
            double g = dy[((in * k + ik) * p + ip) * q + iq];
            for (int ic = 0; ic < c; ic++) for (int ir = 0; ir < r; ir++) for (int is = 0; is < sw; is++) {
                int ih = ip * s.strideH() - s.padH() + ir * s.dilH(), iw = iq * s.strideW() - s.padW() + is * s.dilW();
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                dx[((in * c + ic) * h + ih) * wd + iw] += g * w[((ik * c + ic) * r + ir) * sw + is];
            }
        }
        return dx;
    }

    /** dW (K, C, R, S) then db (K), concatenated. */
    public static double[] backwardWeights(ConvShape s, float[] x, float[] dy) {
        int n = s.batch(), c = s.inC(), h = s.inH(), wd = s.inW(), k = s.outC(), r = s.kh(), sw = s.kw(), p = s.outH(), q = s.outW();
        double[] g = new double[s.weightSize() + k];
        for (int in = 0; in < n; in++) for (int ik = 0; ik < k; ik++) for (int ip = 0; ip < p; ip++) for (int iq = 0; iq < q; iq++) {
            double d = dy[((in * k + ik) * p + ip) * q + iq];
            g[s.weightSize() + ik] += d;
            for (int ic = 0; ic < c; ic++) for (int ir = 0; ir < r; ir++) for (int is = 0; is < sw; is++) {
                int ih = ip * s.strideH() - s.padH() + ir * s.dilH(), iw = iq * s.strideW() - s.padW() + is * s.dilW();
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                g[((ik * c + ic) * r + ir) * sw + is] += d * x[((in * c + ic) * h + ih) * wd + iw];
            }
        }
        return g;
    }

    /**
     * The worst {@code |got - want| / (sum of |terms|)} scale-free error, where {@code scale[i]} is the
     * sum of the absolute values of the terms of element i (so cancellation does not inflate it).
     */
    public static double worstRelative(float[] got, int gOff, double[] want, double[] scale) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs(got[gOff + i] - want[i]) / Math.max(scale[i], 1e-30);
            if (!(e <= worst)) worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        }
        return worst;
    }

    /** The {@code scale} of {@link #worstRelative} for the forward pass: the same sums over |X| |W|. */
    public static double[] forwardScale(ConvShape s, float[] x, float[] w, float[] bias) {
        float[] ax = abs(x), aw = abs(w), ab = bias == null ? null : abs(bias);
        return forward(s, ax, aw, ab);
    }

    public static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Math.abs(a[i]);
        return b;
    }
}
