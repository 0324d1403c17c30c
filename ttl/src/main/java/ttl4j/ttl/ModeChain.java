package ttl4j.ttl;

import java.util.Arrays;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.ModeProducts;
import ttl4j.engine.algebra.ProductOrder;

/**
 * A fixed sequence of mode-n products on a row-major tensor, {@code T x_{m_1} U_1 x_{m_2} U_2 ...},
 * with the shapes of every intermediate and its multiply-add count worked out once, so a layer can
 * run it on every step without planning again. The factors are read at run time from the
 * {@link ttl4j.nn.Param} values (their contents change from step to step, their shapes do not).
 */
final class ModeChain {

    /**
     * One product: tensor mode {@code mode} becomes {@code k}; U is given both ways, {@code plain}
     * (K x I) and {@code transposed} (I x K), and the chain picks per step the layout whose GEMM
     * needs no transposed operand: on the last mode (rows of the unfolding contiguous) the product
     * is {@code T U^T}, which wants U as I x K; elsewhere it is {@code U T}, which wants K x I.
     */
    record Step(int mode, int k, Tensor plain, Tensor transposed) {}

    private final Step[] steps;
    /** Per step: U passed as its I x K layout ({@code transposeU}) rather than K x I. */
    private final boolean[] useTransposed;
    /** {@code shapes[0]} is the start; {@code shapes[j + 1]} the shape after step j. */
    private final int[][] shapes;
    private final long madds;
    private final double work;

    ModeChain(int[] start, Step[] steps) {
        this.steps = steps.clone();
        this.shapes = new int[steps.length + 1][];
        this.useTransposed = new boolean[steps.length];
        shapes[0] = start.clone();
        long cost = 0;
        double w = 0;
        for (int j = 0; j < steps.length; j++) {
            useTransposed[j] = Tensor.sizeOf(Arrays.copyOfRange(shapes[j], steps[j].mode() + 1, shapes[j].length)) == 1;
            cost += (long) Tensor.sizeOf(shapes[j]) * steps[j].k();
            w += ProductOrder.modeProductWork(shapes[j], steps[j].mode(), steps[j].k());
            shapes[j + 1] = shapes[j].clone();
            shapes[j + 1][steps[j].mode()] = steps[j].k();
        }
        this.madds = cost;
        this.work = w;
    }

    /**
     * The same products in the order of least estimated time ({@link ProductOrder#fastestOrder}):
     * e.g. on a 28 x 28 input projected to ranks 5 x 5 both orders need the same multiply-adds, but
     * reducing the first mode first keeps the vector lanes along rows of 28 instead of 5.
     */
    static ModeChain cheapest(int[] start, Step[] steps) {
        int[] modes = new int[steps.length], ks = new int[steps.length];
        for (int j = 0; j < steps.length; j++) {
            modes[j] = steps[j].mode();
            ks[j] = steps[j].k();
        }
        int[] order = ProductOrder.fastestOrder(start, modes, ks);
        Step[] sorted = new Step[steps.length];
        for (int j = 0; j < steps.length; j++) sorted[j] = steps[order[j]];
        return new ModeChain(start, sorted);
    }

    int length() {
        return steps.length;
    }

    Step step(int j) {
        return steps[j];
    }

    /** Shape after {@code j} products (0: the start). */
    int[] shape(int j) {
        return shapes[j];
    }

    int size(int j) {
        return Tensor.sizeOf(shapes[j]);
    }

    long madds() {
        return madds;
    }

    /** Estimated time in full-width multiply-adds ({@link ProductOrder#modeProductWork}). */
    double work() {
        return work;
    }

    /** Largest intermediate (not counting the start and the result), in floats. */
    int maxIntermediate() {
        int m = 0;
        for (int j = 1; j < steps.length; j++) m = Math.max(m, size(j));
        return m;
    }

    /**
     * Runs the chain on {@code src} from {@code srcOff}; intermediate j (1 <= j < length) goes to
     * {@code mids[j]} from 0, the result to {@code out} from {@code outOff}. Consecutive entries of
     * {@code mids} must be different arrays (a product never writes its input); a length-0 chain copies.
     */
    void run(float[] src, int srcOff, float[][] mids, float[] out, int outOff) {
        if (steps.length == 0) {
            System.arraycopy(src, srcOff, out, outOff, size(0));
            return;
        }
        float[] cur = src;
        int curOff = srcOff;
        for (int j = 0; j < steps.length; j++) {
            Step s = steps[j];
            boolean last = j == steps.length - 1;
            float[] dst = last ? out : mids[j + 1];
            int dstOff = last ? outOff : 0;
            Tensor u = useTransposed[j] ? s.transposed() : s.plain();
            ModeProducts.modeProduct(shapes[j], s.mode(), s.k(), 1f, cur, curOff, u.data(), u.offset(),
                    useTransposed[j], 0f, dst, dstOff);
            cur = dst;
            curOff = dstOff;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(Arrays.toString(shapes[0]));
        for (int j = 0; j < steps.length; j++) sb.append(" x_").append(steps[j].mode()).append(" -> ").append(Arrays.toString(shapes[j + 1]));
        return sb.append(" (").append(madds).append(" multiply-adds)").toString();
    }
}
