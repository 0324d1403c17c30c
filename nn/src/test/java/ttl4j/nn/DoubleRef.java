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

    double[] param(Param p) {
        return params.get(p.value());
    }

    /** Forward of {@code l} on a batch of {@code b} samples, flattened row-major. */
    double[] forward(Layer l, double[] x, int b) {
        if (l instanceof Sequential s) {
            for (Layer inner : s.layers()) x = forward(inner, x, b);
            return x;
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
