package ttl4j.engine.algebra;

import static ttl4j.engine.algebra.AlgebraChecks.checkSameColumns;

import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Engine;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tensor;

/**
 * Khatri-Rao and Kronecker products of matrices, the first matrix's index slowest, so that
 * {@code vec_row(T x_0 U_0 ... x_{K-1} U_{K-1}) = (U_0 kron ... kron U_{K-1}) vec_row(T)} and
 * {@code (T x_0 U_0 ... x_{K-1} U_{K-1})_(n) = U_n T_(n) (kron_{k != n} U_k)^T}, the Kronecker
 * product over the other modes in increasing order (the reverse of Kolda and Bader's
 * column-major formulas).
 */
public final class KroneckerProducts {
    private KroneckerProducts() {}

    /**
     * Khatri-Rao (column-wise Kronecker) product of matrices A_j (I_j, R), all with the same R:
     * {@code (prod I_j) x R}, row {@code (i_0, ..., i_{m-1})} (i_0 slowest) equal to the Hadamard
     * product of rows {@code A_0[i_0] * ... * A_{m-1}[i_{m-1}]}. A new matrix.
     */
    public static Tensor khatriRao(List<Tensor> mats) {
        int r = checkSameColumns("khatriRao", mats);
        long rows = 1;
        for (Tensor a : mats) rows *= a.dim(0);
        if (rows * r > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("khatriRao: result " + rows + " x " + r + " is too large");
        }
        Tensor out = Tensor.zeros((int) rows, r);
        khatriRaoInto(mats, out);
        return out;
    }

    /** {@link #khatriRao} into an existing {@code (prod I_j) x R} matrix (e.g. reused across calls). */
    public static void khatriRaoInto(List<Tensor> mats, Tensor out) {
        int r = checkSameColumns("khatriRao", mats);
        long rows = 1;
        for (Tensor a : mats) rows *= a.dim(0);
        if (rows * r > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("khatriRao: result " + rows + " x " + r + " is too large");
        }
        out.requireShape("khatriRaoInto: output", (int) rows, r);
        for (Tensor a : mats) {
            if (a.data() == out.data()) throw new IllegalArgumentException("khatriRaoInto: the output shares an array with an input");
        }
        if (rows == 0 || r == 0) return;
        // Prefix products (all but the last factor) are built in scratch, then the last step writes
        // the output directly; the scratch is at most 1/I_last of the output.
        Tensor prefix = mats.get(0);
        for (int j = 1; j < mats.size() - 1; j++) {
            Tensor next = Tensor.zeros(prefix.dim(0) * mats.get(j).dim(0), r);
            khatriRaoStep(prefix, mats.get(j), next);
            prefix = next;
        }
        if (mats.size() == 1) {
            out.copyFrom(prefix);
        } else {
            khatriRaoStep(prefix, mats.get(mats.size() - 1), out);
        }
    }

    /** out[(a, b)] = x[a] * y[b] row-wise; x (Ia, R), y (Ib, R), out (Ia Ib, R). */
    private static void khatriRaoStep(Tensor x, Tensor y, Tensor out) {
        int ia = x.dim(0), ib = y.dim(0), r = x.dim(1);
        float[] xd = x.data(), yd = y.data(), od = out.data();
        int xo = x.offset(), yo = y.offset(), oo = out.offset();
        KernelSupport.Elementwise ker = Engine.kernels().implementation().elementwise();
        Parallel.forRanges(ia, Parallel.worthSplittingElements((long) ia * ib * r), (lo, hi) -> {
            for (int a = lo; a < hi; a++) {
                for (int b = 0; b < ib; b++) {
                    ker.mul(r, xd, xo + a * r, yd, yo + b * r, od, oo + (a * ib + b) * r);
                }
            }
        });
    }

    /**
     * Kronecker product of matrices A_j (m_j, n_j): {@code (prod m_j) x (prod n_j)} with
     * {@code [(i_0..i_{m-1}), (j_0..j_{m-1})] = prod A_k[i_k, j_k]}, first matrix's indices slowest.
     * A new matrix.
     */
    public static Tensor kronecker(List<Tensor> mats) {
        if (mats == null || mats.isEmpty()) throw new IllegalArgumentException("kronecker: needs at least one matrix");
        long rows = 1, cols = 1;
        for (int j = 0; j < mats.size(); j++) {
            Tensor a = mats.get(j);
            if (a == null) throw new NullPointerException("kronecker: matrix " + j + " is null");
            if (a.rank() != 2) {
                throw new IllegalArgumentException("kronecker: matrix " + j + " must be 2-D, got shape " + Arrays.toString(a.shape()));
            }
            rows *= a.dim(0);
            cols *= a.dim(1);
        }
        if (rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("kronecker: result " + rows + " x " + cols + " is too large");
        }
        Tensor prefix = mats.get(0);
        for (int j = 1; j < mats.size() - 1; j++) {
            Tensor b = mats.get(j);
            Tensor next = Tensor.zeros(prefix.dim(0) * b.dim(0), prefix.dim(1) * b.dim(1));
            kroneckerStep(prefix, b, next);
            prefix = next;
        }
        Tensor out = Tensor.zeros((int) rows, (int) cols);
        if (mats.size() == 1) out.copyFrom(prefix);
        else kroneckerStep(prefix, mats.get(mats.size() - 1), out);
        return out;
    }

    /** out[(i, a), (j, b)] = x[i, j] * y[a, b]: each output row segment is a scaled row of y. */
    private static void kroneckerStep(Tensor x, Tensor y, Tensor out) {
        int mx = x.dim(0), nx = x.dim(1), my = y.dim(0), ny = y.dim(1);
        if (out.size() == 0) return;
        float[] xd = x.data(), yd = y.data(), od = out.data();
        int xo = x.offset(), yo = y.offset(), oo = out.offset();
        int ldo = nx * ny;
        KernelSupport.Elementwise ker = Engine.kernels().implementation().elementwise();
        Parallel.forRanges(mx, Parallel.worthSplittingElements(out.size()), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int a = 0; a < my; a++) {
                    int row = oo + (i * my + a) * ldo;
                    for (int j = 0; j < nx; j++) {
                        ker.scale(ny, xd[xo + i * nx + j], yd, yo + a * ny, od, row + j * ny);
                    }
                }
            }
        });
    }
}
