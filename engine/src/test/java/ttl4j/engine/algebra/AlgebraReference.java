package ttl4j.engine.algebra;

import ttl4j.engine.Tensor;

import ttl4j.engine.algebra.ModeProducts;
import java.util.List;

/**
 * Element-wise definitions of the tensor algebra, accumulated in double over general
 * multi-indices: slow and obviously right, the specification {@link ModeProducts} is tested against.
 */
public final class AlgebraReference {
    private AlgebraReference() {}

    /** Advances a row-major multi-index (last index fastest); false after the last one. */
    public static boolean next(int[] idx, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return true;
            idx[d] = 0;
        }
        return false;
    }

    public static boolean isEmpty(int[] shape) {
        for (int d : shape) if (d == 0) return true;
        return false;
    }

    /** {@code (T x_mode U)[.., k, ..] = sum_i T[.., i, ..] U[k, i]} (U[i, k] when transposed). */
    public static Tensor modeProduct(Tensor t, int mode, Tensor u, boolean transposeU) {
        int[] shape = t.shape();
        int k = transposeU ? u.dim(1) : u.dim(0);
        int[] outShape = shape.clone();
        outShape[mode] = k;
        Tensor y = Tensor.zeros(outShape);
        if (isEmpty(outShape)) return y;
        int[] idx = new int[outShape.length];
        do {
            int[] src = idx.clone();
            double s = 0;
            for (int i = 0; i < shape[mode]; i++) {
                src[mode] = i;
                double uv = transposeU ? u.get(i, idx[mode]) : u.get(idx[mode], i);
                s += t.get(src) * uv;
            }
            y.set((float) s, idx);
        } while (next(idx, outShape));
        return y;
    }

    /** Row (i_0, .., i_{m-1}) of the result, column r: {@code prod_j A_j[i_j, r]}. */
    public static Tensor khatriRao(List<Tensor> mats) {
        int m = mats.size();
        int r = mats.get(0).dim(1);
        int[] rowShape = new int[m];
        for (int j = 0; j < m; j++) rowShape[j] = mats.get(j).dim(0);
        int rows = Tensor.sizeOf(rowShape);
        Tensor out = Tensor.zeros(rows, r);
        if (rows == 0 || r == 0) return out;
        int[] idx = new int[m];
        int row = 0;
        do {
            for (int c = 0; c < r; c++) {
                double p = 1;
                for (int j = 0; j < m; j++) p *= mats.get(j).get(idx[j], c);
                out.set((float) p, row, c);
            }
            row++;
        } while (next(idx, rowShape));
        return out;
    }

    /** Entry ((i_0..), (j_0..)) of the result: {@code prod_k A_k[i_k, j_k]}. */
    public static Tensor kronecker(List<Tensor> mats) {
        int m = mats.size();
        int[] rs = new int[m], cs = new int[m];
        for (int j = 0; j < m; j++) {
            rs[j] = mats.get(j).dim(0);
            cs[j] = mats.get(j).dim(1);
        }
        Tensor out = Tensor.zeros(Tensor.sizeOf(rs), Tensor.sizeOf(cs));
        if (out.size() == 0) return out;
        int[] ri = new int[m];
        int row = 0;
        do {
            int[] ci = new int[m];
            int col = 0;
            do {
                double p = 1;
                for (int j = 0; j < m; j++) p *= mats.get(j).get(ri[j], ci[j]);
                out.set((float) p, row, col);
                col++;
            } while (next(ci, cs));
            row++;
        } while (next(ri, rs));
        return out;
    }

    /** {@code M[i_n, r] = sum over all indices of T[idx] prod_{k != n} A_k[i_k, r]}. */
    public static Tensor mttkrp(Tensor t, List<Tensor> factors, int n) {
        int[] shape = t.shape();
        int r = -1;
        for (int k = 0; k < shape.length; k++) if (k != n || shape.length == 1) r = factors.get(k).dim(1);
        double[] acc = new double[shape[n] * r];
        if (!isEmpty(shape)) {
            int[] idx = new int[shape.length];
            do {
                double v = t.get(idx);
                for (int c = 0; c < r; c++) {
                    double p = v;
                    for (int k = 0; k < shape.length; k++) if (k != n) p *= factors.get(k).get(idx[k], c);
                    acc[idx[n] * r + c] += p;
                }
            } while (next(idx, shape));
        }
        Tensor out = Tensor.zeros(shape[n], r);
        for (int i = 0; i < acc.length; i++) out.setFlat(i, (float) acc[i]);
        return out;
    }

    /** Plain matrix product in double: A (m, k) B (k, n). */
    public static Tensor matmul(Tensor a, Tensor b) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Tensor c = Tensor.zeros(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a.get(i, p) * b.get(p, j);
                c.set((float) s, i, j);
            }
        }
        return c;
    }

    public static Tensor transpose(Tensor a) {
        Tensor t = Tensor.zeros(a.dim(1), a.dim(0));
        for (int i = 0; i < a.dim(0); i++) for (int j = 0; j < a.dim(1); j++) t.set(a.get(i, j), j, i);
        return t;
    }
}
