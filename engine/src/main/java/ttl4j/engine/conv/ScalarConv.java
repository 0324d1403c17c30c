package ttl4j.engine.conv;

/**
 * The seven-loop definition of the three passes of a convolution (see {@link ConvShape} for the
 * layouts): the specification the fast algorithms are tested against. Every sum accumulates its
 * terms with a fused multiply-add into a float that starts at 0, in the order of the loops as
 * written; arguments arrive validated by {@link Convolutions}.
 */
final class ScalarConv {
    private ScalarConv() {}

    /** {@code Y[n,k,p,q] = sum_{c,r,s} X[...] W[k,c,r,s] (+ bias[k])}, summed over c, then r, then s. */
    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        int n = s.batch(), c = s.inC(), h = s.inH(), wd = s.inW(), k = s.outC(), r = s.kh(), sw = s.kw();
        int p = s.outH(), q = s.outW();
        for (int in = 0; in < n; in++) {
            for (int ik = 0; ik < k; ik++) {
                for (int ip = 0; ip < p; ip++) {
                    for (int iq = 0; iq < q; iq++) {
                        float acc = 0f;
                        for (int ic = 0; ic < c; ic++) {
                            for (int ir = 0; ir < r; ir++) {
                                int ih = ip * s.strideH() - s.padH() + ir * s.dilH();
                                if (ih < 0 || ih >= h) continue;
                                for (int is = 0; is < sw; is++) {
                                    int iw = iq * s.strideW() - s.padW() + is * s.dilW();
                                    if (iw < 0 || iw >= wd) continue;
                                    acc = Math.fma(x[xOff + ((in * c + ic) * h + ih) * wd + iw],
                                            w[wOff + ((ik * c + ic) * r + ir) * sw + is], acc);
                                }
                            }
                        }
                        y[yOff + ((in * k + ik) * p + ip) * q + iq] = bias == null ? acc : acc + bias[bOff + ik];
                    }
                }
            }
        }
    }

    /** {@code dX[n,c,h,w] = sum_{k,r,s} dY[n,k,p,q] W[k,c,r,s]} over the (p, q) that read (h, w), summed over k, then r, then s. */
    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int n = s.batch(), c = s.inC(), h = s.inH(), wd = s.inW(), k = s.outC(), r = s.kh(), sw = s.kw();
        int p = s.outH(), q = s.outW();
        for (int in = 0; in < n; in++) {
            for (int ic = 0; ic < c; ic++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < wd; iw++) {
                        float acc = 0f;
                        for (int ik = 0; ik < k; ik++) {
                            for (int ir = 0; ir < r; ir++) {
                                int tp = ih + s.padH() - ir * s.dilH();
                                if (tp < 0 || tp % s.strideH() != 0 || tp / s.strideH() >= p) continue;
                                int ip = tp / s.strideH();
                                for (int is = 0; is < sw; is++) {
                                    int tq = iw + s.padW() - is * s.dilW();
                                    if (tq < 0 || tq % s.strideW() != 0 || tq / s.strideW() >= q) continue;
                                    int iq = tq / s.strideW();
                                    acc = Math.fma(dy[dyOff + ((in * k + ik) * p + ip) * q + iq],
                                            w[wOff + ((ik * c + ic) * r + ir) * sw + is], acc);
                                }
                            }
                        }
                        dx[dxOff + ((in * c + ic) * h + ih) * wd + iw] = acc;
                    }
                }
            }
        }
    }

    /**
     * {@code dW[k,c,r,s] = beta dW + sum_{n,p,q} dY[n,k,p,q] X[...]} summed over n, then p, then q, and
     * {@code db[k] = beta db + sum_{n,p,q} dY[n,k,p,q]} when {@code db} is not null (beta 0 overwrites).
     */
    static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta, float[] dw, int dwOff,
                                float[] db, int dbOff) {
        int n = s.batch(), c = s.inC(), h = s.inH(), wd = s.inW(), k = s.outC(), r = s.kh(), sw = s.kw();
        int p = s.outH(), q = s.outW();
        for (int ik = 0; ik < k; ik++) {
            for (int ic = 0; ic < c; ic++) {
                for (int ir = 0; ir < r; ir++) {
                    for (int is = 0; is < sw; is++) {
                        float acc = 0f;
                        for (int in = 0; in < n; in++) {
                            for (int ip = 0; ip < p; ip++) {
                                int ih = ip * s.strideH() - s.padH() + ir * s.dilH();
                                if (ih < 0 || ih >= h) continue;
                                for (int iq = 0; iq < q; iq++) {
                                    int iw = iq * s.strideW() - s.padW() + is * s.dilW();
                                    if (iw < 0 || iw >= wd) continue;
                                    acc = Math.fma(dy[dyOff + ((in * k + ik) * p + ip) * q + iq],
                                            x[xOff + ((in * c + ic) * h + ih) * wd + iw], acc);
                                }
                            }
                        }
                        int wi = dwOff + ((ik * c + ic) * r + ir) * sw + is;
                        dw[wi] = beta == 0f ? acc : acc + beta * dw[wi];
                    }
                }
            }
            if (db != null) {
                float acc = 0f;
                for (int in = 0; in < n; in++) {
                    int base = dyOff + (in * k + ik) * p * q;
                    for (int i = 0; i < p * q; i++) acc += dy[base + i];
                }
                db[dbOff + ik] = beta == 0f ? acc : acc + beta * db[dbOff + ik];
            }
        }
    }
}
