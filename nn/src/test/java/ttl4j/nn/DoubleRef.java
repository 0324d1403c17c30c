package ttl4j.nn;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Double-precision reference forward passes of the layers, reading the parameters from double
 * copies (so finite differences can perturb them without float rounding).
 */
final class DoubleRef {
    /** Double copies of every parameter value, keyed by the value tensor's identity. */
    final Map<Object, double[]> params = new IdentityHashMap<>();

    DoubleRef(List<Param> ps) {
        for (Param p : ps) {
            double[] d = new double[p.size()];
            for (int i = 0; i < d.length; i++) d[i] = p.value().getFlat(i);
            params.put(p.value(), d);
        }
    }

    /** Batch norm in training mode (batch statistics) or evaluation mode (the layer's running statistics). */
    boolean training = true;
    /** Per-sample input shape of the next {@link #forward}, needed by the layers that are not flat. */
    int[] sampleShape;

    double[] param(Param p) {
        return params.get(p.value());
    }

    /** Forward of {@code l} on a batch of {@code b} samples, flattened row-major. */
    double[] forward(Layer l, double[] x, int b) {
        if (l instanceof Sequential s) {
            int[] shape = sampleShape;
            for (Layer inner : s.layers()) {
                sampleShape = shape;
                x = forward(inner, x, b);
                if (shape != null) shape = inner.outputShape(shape);
            }
            sampleShape = shape;
            return x;
        }
        if (l instanceof Conv2d c) return conv(c, x, b);
        if (l instanceof MaxPool2d || l instanceof AvgPool2d) return pool((Pool2d) l, x, b);
        if (l instanceof BatchNorm2d bn) return batchNorm(bn, x, b);
        if (l instanceof GlobalAvgPool) {
            int ch = sampleShape[0], hw = sampleShape[1] * sampleShape[2];
            double[] y = new double[b * ch];
            for (int i = 0; i < b * ch; i++) {
                double acc = 0;
                for (int j = 0; j < hw; j++) acc += x[i * hw + j];
                y[i] = acc / hw;
            }
            return y;
        }
        if (l instanceof Dense d) {
            double[] w = param(d.weight()), bias = param(d.bias());
            int in = d.in(), out = d.out();
            double[] y = new double[b * out];
            for (int r = 0; r < b; r++) {
                for (int o = 0; o < out; o++) {
                    double acc = bias[o];
                    for (int i = 0; i < in; i++) acc += x[r * in + i] * w[o * in + i];
                    y[r * out + o] = acc;
                }
            }
            return y;
        }
        double[] y = new double[x.length];
        if (l instanceof ReLU) {
            for (int i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0);
        } else if (l instanceof Tanh) {
            for (int i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
        } else if (l instanceof Sigmoid) {
            for (int i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
        } else if (l instanceof Dropout dr) {
            float[] mask = dr.mask();
            for (int i = 0; i < x.length; i++) y[i] = x[i] * mask[i];
        } else if (l instanceof Flatten) {
            System.arraycopy(x, 0, y, 0, x.length);
        } else {
            throw new IllegalArgumentException("no double reference for " + l);
        }
        return y;
    }

    /** The seven-loop convolution in double (PyTorch's definition). */
    private double[] conv(Conv2d l, double[] x, int b) {
        int h = sampleShape[1], w = sampleShape[2];
        var s = l.convShape(b, h, w);
        double[] wt = param(l.weight()), bias = l.bias() == null ? null : param(l.bias());
        int c = s.inC(), k = s.outC(), p = s.outH(), q = s.outW();
        double[] y = new double[b * k * p * q];
        for (int n = 0; n < b; n++) {
            for (int ik = 0; ik < k; ik++) {
                for (int ip = 0; ip < p; ip++) {
                    for (int iq = 0; iq < q; iq++) {
                        double acc = bias == null ? 0 : bias[ik];
                        for (int ic = 0; ic < c; ic++) {
                            for (int r = 0; r < s.kh(); r++) {
                                int ih = ip * s.strideH() - s.padH() + r * s.dilH();
                                if (ih < 0 || ih >= h) continue;
                                for (int t = 0; t < s.kw(); t++) {
                                    int iw = iq * s.strideW() - s.padW() + t * s.dilW();
                                    if (iw < 0 || iw >= w) continue;
                                    acc += x[((n * c + ic) * h + ih) * w + iw] * wt[((ik * c + ic) * s.kh() + r) * s.kw() + t];
                                }
                            }
                        }
                        y[((n * k + ik) * p + ip) * q + iq] = acc;
                    }
                }
            }
        }
        return y;
    }

    private double[] pool(Pool2d l, double[] x, int b) {
        int c = sampleShape[0], h = sampleShape[1], w = sampleShape[2], p = l.outH(h), q = l.outW(w);
        boolean max = l instanceof MaxPool2d;
        double[] y = new double[b * c * p * q];
        for (int pl = 0; pl < b * c; pl++) {
            for (int ip = 0; ip < p; ip++) {
                for (int iq = 0; iq < q; iq++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int inside = 0;
                    for (int r = 0; r < l.kh; r++) {
                        int ih = ip * l.strideH - l.padH + r;
                        for (int t = 0; t < l.kw; t++) {
                            int iw = iq * l.strideW - l.padW + t;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                            double v = x[(pl * h + ih) * w + iw];
                            acc = max ? Math.max(acc, v) : acc + v;
                            inside++;
                        }
                    }
                    if (!max) acc /= ((AvgPool2d) l).countIncludePad() ? l.kh * l.kw : inside;
                    y[(pl * p + ip) * q + iq] = acc;
                }
            }
        }
        return y;
    }

    private double[] batchNorm(BatchNorm2d l, double[] x, int b) {
        int c = l.channels(), hw = x.length / (b * c);
        double[] g = param(l.weight()), be = param(l.bias()), y = new double[x.length];
        for (int ic = 0; ic < c; ic++) {
            double mean, var;
            if (training) {
                double s = 0;
                for (int n = 0; n < b; n++) for (int i = 0; i < hw; i++) s += x[(n * c + ic) * hw + i];
                mean = s / (b * hw);
                double s2 = 0;
                for (int n = 0; n < b; n++) {
                    for (int i = 0; i < hw; i++) {
                        double d = x[(n * c + ic) * hw + i] - mean;
                        s2 += d * d;
                    }
                }
                var = s2 / (b * hw);
            } else {
                mean = l.runningMean().getFlat(ic);
                var = l.runningVar().getFlat(ic);
            }
            for (int n = 0; n < b; n++) {
                for (int i = 0; i < hw; i++) {
                    int j = (n * c + ic) * hw + i;
                    y[j] = (x[j] - mean) / Math.sqrt(var + l.eps()) * g[ic] + be[ic];
                }
            }
        }
        return y;
    }

    /** Mean softmax cross-entropy of logits (b x c) in double. */
    static double crossEntropy(double[] z, int b, int c, int[] labels) {
        double total = 0;
        for (int r = 0; r < b; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) m = Math.max(m, z[r * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(z[r * c + j] - m);
            total += Math.log(s) + m - z[r * c + labels[r]];
        }
        return total / b;
    }
}
