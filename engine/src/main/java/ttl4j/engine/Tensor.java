package ttl4j.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense row-major float tensor: a shape over a {@code float[]} starting at an offset.
 * Views ({@link #reshape}, {@link #slice}) share the array; nothing here copies unless it says so.
 * Hot kernels take {@link #data()}, {@link #offset()} and sizes, not tensors.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape, int size) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.size = size;
    }

    /** A view of {@code data} from {@code offset} with the given shape. */
    public static Tensor wrap(float[] data, int offset, int... shape) {
        int[] s = shape.clone();
        int n = sizeOf(s);
        if (data == null) throw new NullPointerException("tensor data is null");
        if (offset < 0 || (long) offset + n > data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " (" + n + " elements) from offset "
                    + offset + " does not fit an array of " + data.length);
        }
        return new Tensor(data, offset, s, n);
    }

    /** A view of the whole array, which must have exactly the shape's element count. */
    public static Tensor of(float[] data, int... shape) {
        int n = sizeOf(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " elements, array has " + data.length);
        }
        return wrap(data, 0, shape);
    }

    /** A new zero tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[sizeOf(shape)], 0, shape.clone(), sizeOf(shape));
    }

    /** A new tensor of independent N(0, std^2) samples from a seeded generator. */
    public static Tensor randn(SplittableRandom rnd, float std, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) t.data[i] = (float) (gaussian(rnd) * std);
        return t;
    }

    /** A new tensor of independent uniform samples in [lo, hi). */
    public static Tensor uniform(SplittableRandom rnd, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) t.data[i] = lo + (hi - lo) * (float) rnd.nextDouble();
        return t;
    }

    /** A standard normal sample (Box-Muller; deterministic for a given generator state). */
    public static double gaussian(SplittableRandom rnd) {
        double u1;
        do {
            u1 = rnd.nextDouble();
        } while (u1 <= 0);
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Number of elements of a shape; throws on negative dimensions or overflow. */
    public static int sizeOf(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return (int) n;
    }

    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative i counts from the end. */
    public int dim(int i) {
        int j = i < 0 ? shape.length + i : i;
        if (j < 0 || j >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + i + " of a rank-" + shape.length + " tensor");
        }
        return shape[j];
    }

    public int size() {
        return size;
    }

    /** Product of dimensions [from, to). */
    public int sizeBetween(int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return n;
    }

    /** True when the shapes are equal. */
    public boolean sameShape(Tensor o) {
        return Arrays.equals(shape, o.shape);
    }

    /** Throws with both shapes in the message unless they are equal. */
    public void requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(shape));
        }
    }

    /** A view with another shape of the same size; one dimension may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(newShape));
                infer = i;
            } else {
                if (s[i] < 0) throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(newShape));
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(newShape)
                        + " for " + size + " elements of shape " + Arrays.toString(shape));
            }
            s[infer] = (int) (size / known);
        }
        if (sizeOf(s) != size) {
            throw new IllegalArgumentException("reshape: shape " + Arrays.toString(shape) + " (" + size
                    + " elements) cannot be viewed as " + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, s, size);
    }

    /** The view of index {@code i} along dimension 0 (rank drops by one). */
    public Tensor slice(int i) {
        if (shape.length == 0) throw new IllegalArgumentException("slice of a scalar tensor");
        if (i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("slice " + i + " of dimension 0 of size " + shape[0]);
        }
        int[] s = Arrays.copyOfRange(shape, 1, shape.length);
        int n = size / shape[0];
        return new Tensor(data, offset + i * n, s, n);
    }

    /** The view of rows [from, to) along dimension 0 (rank kept). */
    public Tensor rows(int from, int to) {
        if (shape.length == 0) throw new IllegalArgumentException("rows of a scalar tensor");
        if (from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of dimension 0 of size " + shape[0]);
        }
        int[] s = shape.clone();
        s[0] = to - from;
        int n = shape[0] == 0 ? 0 : size / shape[0];
        return new Tensor(data, offset + from * n, s, n * (to - from));
    }

    /** Flat row-major index of a multi-index, bounds-checked. */
    public int index(int... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " for a rank-" + shape.length + " tensor");
        }
        int flat = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of shape " + Arrays.toString(shape));
            }
            flat = flat * shape[i] + idx[i];
        }
        return offset + flat;
    }

    public float get(int... idx) {
        return data[index(idx)];
    }

    public void set(float v, int... idx) {
        data[index(idx)] = v;
    }

    /** Element {@code i} of the row-major flattening. */
    public float getFlat(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("flat index " + i + " of " + size);
        return data[offset + i];
    }

    public void setFlat(int i, float v) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("flat index " + i + " of " + size);
        data[offset + i] = v;
    }

    /** A contiguous copy with its own array (offset 0). */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape.clone(), size);
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** Copies {@code src} (same size) into this tensor. */
    public Tensor copyFrom(Tensor src) {
        if (src.size != size) {
            throw new IllegalArgumentException("copyFrom: sizes differ, " + Arrays.toString(src.shape)
                    + " into " + Arrays.toString(shape));
        }
        System.arraycopy(src.data, src.offset, data, offset, size);
        return this;
    }

    /** Sets every element to v. */
    public Tensor fill(float v) {
        Arrays.fill(data, offset, offset + size, v);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape));
        if (size <= 16) {
            sb.append(' ').append(Arrays.toString(toArray()));
        }
        return sb.toString();
    }
}
