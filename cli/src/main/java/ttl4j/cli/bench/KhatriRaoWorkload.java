package ttl4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import ttl4j.cli.Main;
import ttl4j.engine.Tensor;
import ttl4j.engine.algebra.KroneckerProducts;

/**
 * The Khatri-Rao and Kronecker benchmarks, for {@code ttl bench khatri-rao} and JMH's
 * {@code KhatriRaoBenchmark}. Khatri-Rao: matrices {@code A_j (I_j, R)} -> {@code (I_1 .. I_m, R)},
 * the column-wise Kronecker product, through the kernel seam beside a plain loop writing the same
 * output; Kronecker: {@code A (I, J) (x) B (K, L) -> (I K, J L)}. Both are memory-bound, so the rate
 * is GB/s of output written.
 */
public final class KhatriRaoWorkload {

    // The default cases (constants because JMH's @Param takes only constants): matrices rows x cols,
    // comma-separated.
    /** Khatri-Rao of three and of two matrices (all share the column count). */
    public static final String THREE_64 = "64x16,64x16,64x16", TWO_1024 = "1024x32,1024x32";
    /** Kronecker of two square matrices. */
    public static final String KRON_32_64 = "32x32,64x64";
    public static final String[] KHATRI_RAO_CASES = {THREE_64, TWO_1024};
    public static final String[] KRONECKER_CASES = {KRON_32_64};

    private final List<Tensor> mats = new ArrayList<>();
    private final int[][] shapes;
    /** Rows of the Khatri-Rao product, -1 when the matrices' column counts differ (a Kronecker-only case). */
    private final int krRows;
    private Tensor out;
    private float[] loopOut;

    /** The matrices of a case ({@code 64x16,64x16}) filled from a fixed seed. */
    public KhatriRaoWorkload(String matrices) {
        String[] m = matrices.split(",");
        shapes = new int[m.length][];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < m.length; i++) {
            String[] d = m[i].trim().split("x");
            try {
                shapes[i] = new int[] {Integer.parseInt(d[0]), Integer.parseInt(d[1])};
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new Main.UserError("bad case '" + matrices + "': expected matrices RxC separated by commas, e.g. 64x16,64x16");
            }
            mats.add(Tensor.randn(rnd, 1f, shapes[i][0], shapes[i][1]));
        }
        long rows = 1;
        for (int[] s : shapes) rows = s[1] == shapes[0][1] && rows >= 0 ? rows * s[0] : -1;
        krRows = rows < 0 ? -1 : Math.toIntExact(rows);
    }

    /** Timed: the Khatri-Rao product into a reused output (a fresh array of this size per call would time the allocator). */
    public Tensor khatriRao() {
        if (out == null) out = Tensor.zeros(khatriRaoRows(), columns());
        KroneckerProducts.khatriRaoInto(mats, out);
        return out;
    }

    /** Timed: the same Khatri-Rao output written by a plain loop, rows in order, multiplying left to right. */
    public float[] plainLoop() {
        int rows = khatriRaoRows(), r = columns(), m = mats.size();
        if (loopOut == null) loopOut = new float[rows * r];
        int[] idx = new int[m];
        for (int row = 0; row < rows; row++) {
            int o = row * r;
            Tensor a0 = mats.get(0);
            for (int c = 0; c < r; c++) loopOut[o + c] = a0.data()[a0.offset() + idx[0] * r + c];
            for (int j = 1; j < m; j++) {
                Tensor a = mats.get(j);
                float[] ad = a.data();
                int base = a.offset() + idx[j] * r;
                for (int c = 0; c < r; c++) loopOut[o + c] *= ad[base + c];
            }
            for (int j = m - 1; j >= 0; j--) {
                if (++idx[j] < mats.get(j).dim(0)) break;
                idx[j] = 0;
            }
        }
        return loopOut;
    }

    /** Timed: the Kronecker product (into a new tensor: the API has no in-place form). */
    public Tensor kronecker() {
        return KroneckerProducts.kronecker(mats);
    }

    /** The seam and the plain loop both multiply left to right in float, so they must agree bitwise. */
    public void checkKhatriRao() {
        float[] seam = khatriRao().toArray(), loop = plainLoop();
        for (int i = 0; i < seam.length; i++) {
            if (Float.floatToRawIntBits(seam[i]) != Float.floatToRawIntBits(loop[i])) {
                throw new IllegalStateException("khatriRao and the plain loop differ at " + i + " of " + label("kr") + ": "
                        + seam[i] + " vs " + loop[i]);
            }
        }
    }

    /** Sampled elements of the Kronecker product against its definition {@code (A (x) B)[i K + p, j L + q] = A[i, j] B[p, q]}. */
    public void checkKronecker() {
        Tensor k = kronecker();
        SplittableRandom pick = new SplittableRandom(1);
        int[] row = new int[mats.size()], col = new int[mats.size()];
        for (int s = 0; s < 1000; s++) {
            int r = 0, c = 0;
            double e = 1;
            for (int j = 0; j < mats.size(); j++) {
                row[j] = pick.nextInt(shapes[j][0]);
                col[j] = pick.nextInt(shapes[j][1]);
                r = r * shapes[j][0] + row[j];
                c = c * shapes[j][1] + col[j];
                e *= mats.get(j).get(row[j], col[j]);
            }
            float got = k.get(r, c);
            if (Math.abs(got - e) > 1e-5 * (1 + Math.abs(e))) {
                throw new IllegalStateException("kronecker check of " + label("kron") + " failed at (" + r + ", " + c + "): got " + got
                        + ", expected " + e);
            }
        }
    }

    /** Bytes of the Khatri-Rao output. */
    public double khatriRaoBytes() {
        return 4.0 * khatriRaoRows() * columns();
    }

    /** Bytes of the Kronecker output. */
    public double kroneckerBytes() {
        double bytes = 4.0;
        for (int[] s : shapes) bytes *= (double) s[0] * s[1];
        return bytes;
    }

    private int khatriRaoRows() {
        if (krRows < 0) throw new Main.UserError("Khatri-Rao case " + label("kr") + ": the matrices must share their column count");
        return krRows;
    }

    private int columns() {
        return shapes[0][1];
    }

    /** The shapes joined by {@code " op "}, e.g. {@code 64x16 kr 64x16}. */
    public String label(String op) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shapes.length; i++) sb.append(i > 0 ? " " + op + " " : "").append(shapes[i][0]).append('x').append(shapes[i][1]);
        return sb.toString();
    }
}
