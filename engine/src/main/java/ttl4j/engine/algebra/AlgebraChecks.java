package ttl4j.engine.algebra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ttl4j.engine.Tensor;

/** Argument checks of the algebra's entry points, done once per call; messages name the operation, the operand and the values. */
final class AlgebraChecks {
    private AlgebraChecks() {}

    static void checkMode(String what, int[] shape, int mode) {
        if (shape == null) throw new NullPointerException(what + ": shape is null");
        if (mode < 0 || mode >= shape.length) {
            throw new IllegalArgumentException(what + ": mode " + mode + " is out of range for a tensor of order "
                    + shape.length + " (shape " + Arrays.toString(shape) + "); modes are 0-based");
        }
    }

    /** K of a factor U that multiplies mode {@code mode}, after checking its shape. */
    static int factorRows(String what, int[] shape, int mode, Tensor u, boolean transposeU) {
        if (u == null) throw new NullPointerException(what + ": matrix for mode " + mode + " is null");
        if (u.rank() != 2) {
            throw new IllegalArgumentException(what + ": matrix for mode " + mode + " must be 2-D, got shape "
                    + Arrays.toString(u.shape()));
        }
        int cols = transposeU ? u.dim(0) : u.dim(1);
        if (cols != shape[mode]) {
            throw new IllegalArgumentException(what + ": matrix for mode " + mode + " has shape " + Arrays.toString(u.shape())
                    + (transposeU ? " (used transposed, so it must be I_n x K)" : " (it must be K x I_n)")
                    + " but mode " + mode + " of tensor " + Arrays.toString(shape) + " has size " + shape[mode]);
        }
        return rows(u, transposeU);
    }

    static int rows(Tensor u, boolean transposeU) {
        return transposeU ? u.dim(1) : u.dim(0);
    }

    static int checkSameColumns(String what, List<Tensor> mats) {
        if (mats == null || mats.isEmpty()) throw new IllegalArgumentException(what + ": needs at least one matrix");
        int r = -1;
        List<String> shapes = new ArrayList<>();
        for (Tensor a : mats) shapes.add(a == null ? "null" : Arrays.toString(a.shape()));
        for (int j = 0; j < mats.size(); j++) {
            Tensor a = mats.get(j);
            if (a == null) throw new NullPointerException(what + ": matrix " + j + " is null");
            if (a.rank() != 2) {
                throw new IllegalArgumentException(what + ": matrix " + j + " must be 2-D, got shape " + Arrays.toString(a.shape()));
            }
            if (r >= 0 && a.dim(1) != r) {
                throw new IllegalArgumentException(what + ": all matrices must have the same number of columns R; matrix "
                        + j + " has " + a.dim(1) + ", matrix 0 has " + r + " (shapes " + shapes + ")");
            }
            r = a.dim(1);
        }
        return r;
    }

    static void checkRange(String what, float[] x, int off, long n) {
        if (x == null) throw new NullPointerException(what + ": array is null");
        if (off < 0 || off + n > x.length) {
            throw new IllegalArgumentException(what + ": needs " + n + " floats from offset " + off
                    + ", array has " + x.length);
        }
    }

    static void checkNoOverlap(String what, String an, float[] a, int aOff, long aN,
                                       String bn, float[] b, int bOff, long bN) {
        if (a == b && aN > 0 && bN > 0 && aOff < bOff + bN && bOff < aOff + aN) {
            throw new IllegalArgumentException(what + ": output " + an + " [" + aOff + ", " + (aOff + aN)
                    + ") overlaps input " + bn + " [" + bOff + ", " + (bOff + bN) + ") in the same array");
        }
    }

    /** P (the product of the dimensions before {@code mode}) of a shape. */
    static int before(int[] shape, int mode) {
        return Tensor.sizeOf(Arrays.copyOfRange(shape, 0, mode));
    }

    /** Q (the product of the dimensions after {@code mode}) of a shape. */
    static int after(int[] shape, int mode) {
        return Tensor.sizeOf(Arrays.copyOfRange(shape, mode + 1, shape.length));
    }
}
