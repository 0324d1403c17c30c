package ttl4j.engine;

import java.util.Arrays;

/**
 * Tensor-level elementwise operations, reductions and matrix products over {@link Engine#kernels()}.
 * Every method checks shapes (messages show both shapes) and aliasing: an output may be the very same
 * view as an elementwise input (same array, offset and size) but must not partly overlap one.
 * Methods taking an output return it.
 */
public final class Ops {
    private Ops() {}

    private static Kernels k() {
        return Engine.kernels();
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code out = a + b}; all three of one shape. */
    public static Tensor add(Tensor a, Tensor b, Tensor out) {
        binary("add", a, b, out);
        k().add(a.size(), a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset());
        return out;
    }

    /** {@code out = a - b}; all three of one shape. */
    public static Tensor sub(Tensor a, Tensor b, Tensor out) {
        binary("sub", a, b, out);
        k().sub(a.size(), a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset());
        return out;
    }

    /** Hadamard product {@code out = a * b}; all three of one shape. */
    public static Tensor mul(Tensor a, Tensor b, Tensor out) {
        binary("mul", a, b, out);
        k().mul(a.size(), a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset());
        return out;
    }

    /** {@code out = alpha * x}. */
    public static Tensor scale(float alpha, Tensor x, Tensor out) {
        sameShape("scale", "x", x, "out", out);
        elementwiseAlias("scale", "x", x, "out", out);
        k().scale(x.size(), alpha, x.data(), x.offset(), out.data(), out.offset());
        return out;
    }

    /** {@code y += alpha * x}; returns y. */
    public static Tensor axpy(float alpha, Tensor x, Tensor y) {
        sameShape("axpy", "x", x, "y", y);
        elementwiseAlias("axpy", "x", x, "y", y);
        k().axpy(x.size(), alpha, x.data(), x.offset(), y.data(), y.offset());
        return y;
    }

    /** {@code out = max(x, 0)} (NaN gives 0). */
    public static Tensor relu(Tensor x, Tensor out) {
        sameShape("relu", "x", x, "out", out);
        elementwiseAlias("relu", "x", x, "out", out);
        k().relu(x.size(), x.data(), x.offset(), out.data(), out.offset());
        return out;
    }

    /** {@code dx = x > 0 ? dy : 0}, x being ReLU's forward input; returns dx. */
    public static Tensor reluBackward(Tensor x, Tensor dy, Tensor dx) {
        sameShape("reluBackward", "x", x, "dy", dy);
        sameShape("reluBackward", "x", x, "dx", dx);
        elementwiseAlias("reluBackward", "x", x, "dx", dx);
        elementwiseAlias("reluBackward", "dy", dy, "dx", dx);
        k().reluBackward(x.size(), x.data(), x.offset(), dy.data(), dy.offset(), dx.data(), dx.offset());
        return dx;
    }

    /** {@code out[..., c] = x[..., c] + v[c]}: x and out of shape (..., C), v of shape (C). */
    public static Tensor addRowVector(Tensor x, Tensor v, Tensor out) {
        if (x.rank() < 1) throw new IllegalArgumentException("addRowVector: x must have at least one dimension, got shape []");
        int cols = x.dim(-1);
        if (v.rank() != 1 || v.dim(0) != cols) {
            throw new IllegalArgumentException("addRowVector: v must have shape [" + cols + "] to match x "
                    + Arrays.toString(x.shape()) + ", got " + Arrays.toString(v.shape()));
        }
        sameShape("addRowVector", "x", x, "out", out);
        elementwiseAlias("addRowVector", "x", x, "out", out);
        noOverlap("addRowVector", "v", v, "out", out);
        k().addRowVector(cols == 0 ? 0 : x.size() / cols, cols, x.data(), x.offset(), v.data(), v.offset(),
                out.data(), out.offset());
        return out;
    }

    // ---------------------------------------------------------------- matrix products

    /** A new (M, N) tensor {@code op(a) op(b)}; op(a) is (M, K), op(b) is (K, N); a and b 2-D. */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int[] mnk = matmulSizes(a, transA, b, transB);
        Tensor out = Tensor.zeros(mnk[0], mnk[1]);
        gemm(a, transA, b, transB, out, 1f, 0f, mnk);
        return out;
    }

    /** {@code out = alpha * op(a) op(b) + beta * out}; out is (M, N) and must not overlap a or b. */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out, float alpha, float beta) {
        int[] mnk = matmulSizes(a, transA, b, transB);
        if (out.rank() != 2 || out.dim(0) != mnk[0] || out.dim(1) != mnk[1]) {
            throw new IllegalArgumentException("matmul: out must have shape [" + mnk[0] + ", " + mnk[1] + "] for "
                    + describe(a, transA, "a") + " x " + describe(b, transB, "b") + ", got " + Arrays.toString(out.shape()));
        }
        noOverlap("matmul", "a", a, "out", out);
        noOverlap("matmul", "b", b, "out", out);
        gemm(a, transA, b, transB, out, alpha, beta, mnk);
        return out;
    }

    private static void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out, float alpha, float beta,
                             int[] mnk) {
        k().gemm(transA, transB, mnk[0], mnk[1], mnk[2], alpha, a.data(), a.offset(), a.dim(1),
                b.data(), b.offset(), b.dim(1), beta, out.data(), out.offset(), mnk[1]);
    }

    private static int[] matmulSizes(Tensor a, boolean transA, Tensor b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul: needs 2-D tensors, got a " + Arrays.toString(a.shape())
                    + " and b " + Arrays.toString(b.shape()));
        }
        int m = transA ? a.dim(1) : a.dim(0), ka = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + describe(a, transA, "a")
                    + " has K=" + ka + ", " + describe(b, transB, "b") + " has K=" + kb);
        }
        return new int[] {m, n, ka};
    }

    private static String describe(Tensor t, boolean trans, String name) {
        return (trans ? name + "^T" : name) + " (" + name + " " + Arrays.toString(t.shape()) + ")";
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (chunked order, see {@link ScalarOps}). */
    public static float sum(Tensor x) {
        return k().sum(x.size(), x.data(), x.offset());
    }

    /** A new tensor of x's shape without {@code axis} (negative counts from the end): sums along it. */
    public static Tensor sum(Tensor x, int axis) {
        int[] a = axis("sum", x, axis, false);
        Tensor out = Tensor.zeros(without(x.shape(), a[3]));
        k().sumAxis(a[0], a[1], a[2], x.data(), x.offset(), out.data(), out.offset());
        return out;
    }

    /** A new tensor of x's shape without {@code axis}: maxima along it (NaN if any element is NaN). */
    public static Tensor max(Tensor x, int axis) {
        int[] a = axis("max", x, axis, true);
        Tensor out = Tensor.zeros(without(x.shape(), a[3]));
        k().maxAxis(a[0], a[1], a[2], x.data(), x.offset(), out.data(), out.offset());
        return out;
    }

    /** Indices of the first maxima along {@code axis}, row-major over x's shape without that axis. */
    public static int[] argmax(Tensor x, int axis) {
        int[] a = axis("argmax", x, axis, true);
        int[] out = new int[a[0] * a[2]];
        k().argmaxAxis(a[0], a[1], a[2], x.data(), x.offset(), out, 0);
        return out;
    }

    /** Numerically stable softmax along {@code axis}; out has x's shape and may be x itself. */
    public static Tensor softmax(Tensor x, int axis, Tensor out) {
        int[] a = axis("softmax", x, axis, true);
        sameShape("softmax", "x", x, "out", out);
        elementwiseAlias("softmax", "x", x, "out", out);
        k().softmaxAxis(a[0], a[1], a[2], x.data(), x.offset(), out.data(), out.offset());
        return out;
    }

    /** {outer, len, inner, normalised axis}. */
    private static int[] axis(String op, Tensor x, int axis, boolean needLen) {
        int r = x.rank();
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + Arrays.toString(x.shape()));
        }
        int ax = axis < 0 ? axis + r : axis;
        int len = x.dim(ax);
        if (needLen && len == 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + Arrays.toString(x.shape())
                    + " is empty; " + op + " needs at least one element");
        }
        return new int[] {x.sizeBetween(0, ax), len, x.sizeBetween(ax + 1, r), ax};
    }

    private static int[] without(int[] shape, int ax) {
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != ax) s[j++] = shape[i];
        return s;
    }

    // ---------------------------------------------------------------- checks

    private static void binary(String op, Tensor a, Tensor b, Tensor out) {
        sameShape(op, "a", a, "b", b);
        sameShape(op, "a", a, "out", out);
        elementwiseAlias(op, "a", a, "out", out);
        elementwiseAlias(op, "b", b, "out", out);
    }

    private static void sameShape(String op, String an, Tensor a, String bn, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": shapes differ: " + an + " " + Arrays.toString(a.shape())
                    + " vs " + bn + " " + Arrays.toString(b.shape()));
        }
    }

    private static boolean overlap(Tensor a, Tensor b) {
        return a.data() == b.data() && a.size() > 0 && b.size() > 0
                && a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
    }

    /** An elementwise output may be its input exactly, but a shifted overlap would read overwritten values. */
    private static void elementwiseAlias(String op, String in, Tensor x, String outName, Tensor out) {
        if (overlap(x, out) && (x.offset() != out.offset() || x.size() != out.size())) {
            throw new IllegalArgumentException(op + ": " + outName + " partly overlaps " + in + " (offsets "
                    + out.offset() + " and " + x.offset() + ", sizes " + out.size() + " and " + x.size()
                    + " in one array); use the same view or separate storage");
        }
    }

    private static void noOverlap(String op, String in, Tensor x, String outName, Tensor out) {
        if (overlap(x, out)) {
            throw new IllegalArgumentException(op + ": " + outName + " overlaps " + in + " (offsets " + out.offset()
                    + " and " + x.offset() + ", sizes " + out.size() + " and " + x.size() + " in one array)");
        }
    }
}
