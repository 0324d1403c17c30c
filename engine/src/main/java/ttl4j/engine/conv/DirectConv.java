package ttl4j.engine.conv;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tuning;

/**
 * Direct convolution as an implicit GEMM over blocks of output columns (see {@link ConvShape} for
 * the letters; CRS = C R S, PQ = P Q). The columns of all images, image after image, are cut into
 * blocks: a block is either a run of whole images side by side (when PQ is small) or a piece of one
 * image's PQ columns. Per block, with the block's patches (CRS, cols) packed into a workspace
 * ({@link Patches}; a 1x1 stride-1 unpadded convolution reads X in place):
 * <ul>
 * <li>forward: {@code Y_block (K, cols) = W (K, CRS) patches + bias};
 * <li>input gradient: {@code colGrad (CRS, cols) = W^T dY_block}, scattered back into dX;
 * <li>weight gradient: {@code dW (K, CRS) += dY_block (K, cols) patches^T} over the blocks in order,
 * {@code db (K) += row sums of dY}.
 * </ul>
 * The blocking depends on the shape only, so every output element is computed by the same
 * arithmetic whatever the thread count: forward blocks and input-gradient image groups are
 * independent tasks; the weight gradient is split by its columns (fixed runs of patch rows), each
 * summing over the blocks in order. Workspaces are per thread, grown once and reused.
 *
 * <p>Few patch rows (C R S at most {@link Tuning#CONV_DIRECT_DOT_ROWS}, a first layer's 27) with the
 * vector kernels: the forward pass writes Y straight from W and the patches ({@link NarrowProducts}),
 * and the weight gradient is K x C R S long dot products along the columns ({@link LaneDots}), summed
 * in {@link Tuning#CONV_DIRECT_DOT_PARTS} fixed parts of the blocks (the parallel tasks), with the bias
 * gradient as the dot products with a row of ones; a GEMM would have a 27-wide output there.
 */
final class DirectConv {
    private DirectConv() {}

    private static final Kernels K = Engine.kernels();

    /**
     * The weight gradient's dot products ({@link #backwardWeightsByDots}): the Vector API ones when
     * the vector kernels are in use, else none (the GEMM path serves the scalar kernels).
     */
    static final LaneDots DOTS = chooseDots();

    /** The forward pass's product for few patch rows ({@link #forwardNarrow}), likewise. */
    static final NarrowProducts PRODUCTS = vectorKernel("ttl4j.engine.simd.VectorNarrowProducts", NarrowProducts.class);

    private static LaneDots chooseDots() {
        return vectorKernel("ttl4j.engine.simd.VectorLaneDots", LaneDots.class);
    }

    private static <T> T vectorKernel(String name, Class<T> type) {
        if (!Engine.isVectorized()) return null;
        try {
            return type.cast(Class.forName(name).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null;
        }
    }

    /** Per-thread scratch: {@code patches} (a patch block or its gradient), {@code rows} (K x cols: output or dY block), {@code sums} (partial sums). */
    private static final class Workspace {
        float[] patches = new float[0];
        float[] rows = new float[0];
        float[] sums = new float[0];

        float[] sums(long n) {
            if (sums.length < n) sums = new float[(int) n];
            return sums;
        }

        float[] patches(long n) {
            if (patches.length < n) patches = new float[(int) n];
            return patches;
        }

        float[] rows(long n) {
            if (rows.length < n) rows = new float[(int) n];
            return rows;
        }
    }

    /**
     * Row stride of a packed patch block of {@code cols} columns read in place by the narrow kernels:
     * one cache line more when the rows would start a multiple of 256 bytes apart, since the kernels
     * read down all 27 rows of a column block at once, and rows 4 KiB apart (a 32x32 image's 1024
     * columns) share one L1 set: the forward pass of 3->64 at 32x32 ran 1.5x slower that way.
     */
    static int patchStride(int cols) {
        return cols >= 64 && cols % 64 == 0 ? cols + 16 : cols;
    }

    /** Column multiple of the pieces of an image: the GEMM's widest column sliver (four 512-bit vectors). */
    private static final int SLIVER = 64;

    private static int roundUp(int a, int m) {
        return (a + m - 1) / m * m;
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * How the columns are cut: {@code images} whole images per block (pieces 1), or one image in
     * {@code pieces} pieces of {@code pieceCols} columns (images 1); {@code maxCols} the widest block.
     */
    record Blocking(int images, int pieces, int pieceCols, int blocks, int maxCols) {
        /** Blocks whose scratch holds {@code rows} patch rows plus K rows of columns. */
        static Blocking of(ConvShape s, int rows) {
            int pq = s.outH() * s.outW(), n = s.batch();
            long perCol = (long) rows + s.outC();
            long target = Math.max(Tuning.CONV_DIRECT_MIN_COLS, Tuning.CONV_DIRECT_BLOCK_FLOATS / perCol);
            target = Math.max(1, Math.min(target, (Integer.MAX_VALUE - 16) / perCol));
            if (pq >= target) {
                int pieces = (int) ((pq + target - 1) / target);
                // whole GEMM column slivers: a partial sliver costs a full micro-tile
                int pieceCols = Math.min(pq, roundUp((pq + pieces - 1) / pieces, SLIVER));
                pieces = (pq + pieceCols - 1) / pieceCols;
                return new Blocking(1, pieces, pieceCols, n * pieces, pieceCols);
            }
            int g = (int) Math.min(n, target / pq);
            int groups = (n + g - 1) / g;
            g = (n + groups - 1) / groups; // even out the groups
            groups = (n + g - 1) / g;
            return new Blocking(g, 1, pq, groups, g * pq);
        }

        /** One image per block in pieces of {@code pieceCols} columns (tests: blocks that end inside an output row). */
        static Blocking pieces(ConvShape s, int pieceCols) {
            int pq = s.outH() * s.outW(), pc = Math.min(pq, pieceCols), pieces = (pq + pc - 1) / pc;
            return new Blocking(1, pieces, pc, s.batch() * pieces, pc);
        }

        /** {@code g} whole images per block. */
        static Blocking images(ConvShape s, int g) {
            int pq = s.outH() * s.outW(), groups = (s.batch() + g - 1) / g;
            return new Blocking(g, 1, pq, groups, g * pq);
        }

        int groups() {
            return blocks / pieces;
        }
    }

    /** A 1x1, stride-1, unpadded convolution: the patch matrix of an image is the image itself (C, H W). */
    private static boolean pointwise(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padH() == 0 && s.padW() == 0;
    }

    private static int crs(ConvShape s) {
        return s.inC() * s.kh() * s.kw();
    }

    /** Patch rows per weight-gradient task, and the number of tasks. */
    private static int weightRows(ConvShape s) {
        int crs = crs(s), chunks = Math.max(1, crs / Tuning.CONV_DIRECT_WEIGHT_ROWS);
        return (crs + chunks - 1) / chunks;
    }

    /** Whether work of {@code tasks} independent tasks is best run as those tasks (else each one parallel inside). */
    private static boolean byTasks(ConvShape s, int tasks) {
        int t = Parallel.threads();
        if (t <= 1 || tasks < t) return false;
        long floats = (long) s.inputSize() + s.outputSize() + s.weightSize();
        return Parallel.worthSplitting(s.directMadds(), floats) && (tasks >= 2 * t || tasks % t == 0);
    }

    /** Floats of this class's own scratch for a pass (all threads together; the GEMM's packing buffers are its own). */
    static long workspaceFloats(ConvShape s, Convolutions.Pass pass) {
        if (s.batch() == 0) return 0;
        int k = s.outC(), crs = crs(s), threads = Parallel.threads();
        switch (pass) {
            case FORWARD, DATA: {
                Blocking b = Blocking.of(s, crs);
                if (pass == Convolutions.Pass.FORWARD && narrowForward(s)) {
                    int users = byTasks(s, b.blocks()) ? Math.min(threads, b.blocks()) : 1;
                    return pointwise(s) ? 0 : users * (long) crs * patchStride(b.maxCols());
                }
                boolean single = b.images() == 1;
                long patches = single && pointwise(s) ? 0 : (long) crs * b.maxCols();
                long rows = single ? 0 : (long) k * b.maxCols();
                int tasks = pass == Convolutions.Pass.FORWARD ? b.blocks() : b.groups();
                int users = byTasks(s, tasks) ? Math.min(threads, tasks) : 1;
                return users * (patches + rows);
            }
            default: {
                if (byDots(s)) {
                    Blocking b = Blocking.of(s, crs);
                    int parts = dotParts(b), users = threads > 1 && parts > 1 ? Math.min(threads, parts) : 1;
                    long patches = pointwise(s) ? 0 : (long) (crs + 1) * patchStride(b.maxCols());
                    return (long) parts * k * (crs + 1) * DOTS.lanes() + users * patches;
                }
                int wr = weightRows(s), chunks = (crs + wr - 1) / wr;
                Blocking b = Blocking.of(s, wr);
                boolean single = b.images() == 1;
                long rows = single ? 0 : (long) k * b.maxCols();
                long patches = single && pointwise(s) ? 0 : (long) wr * b.maxCols();
                int users = threads > 1 && chunks > 1 ? Math.min(threads, chunks) : 1;
                return rows + users * patches;
            }
        }
    }

    // ------------------------------------------------------------------ forward

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        forward(s, Blocking.of(s, crs(s)), x, xOff, w, wOff, bias, bOff, y, yOff);
    }

    static void forward(ConvShape s, Blocking b, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        int yOff) {
        if (byTasks(s, b.blocks())) {
            Parallel.forEach(b.blocks(), i -> forwardBlock(s, b, i, x, xOff, w, wOff, bias, bOff, y, yOff, false));
        } else {
            for (int i = 0; i < b.blocks(); i++) forwardBlock(s, b, i, x, xOff, w, wOff, bias, bOff, y, yOff, true);
        }
    }

    /** Whether the forward pass multiplies by {@link NarrowProducts}: few patch rows, vector kernels. */
    static boolean narrowForward(ConvShape s) {
        return PRODUCTS != null && crs(s) <= Tuning.CONV_DIRECT_DOT_ROWS;
    }

    /**
     * Block {@code i} of the forward pass by {@code np}: Y columns of each image straight from W and
     * the block's patches (X itself when pointwise), bias included.
     */
    static void forwardNarrow(NarrowProducts np, ConvShape s, Blocking b, int i, float[] x, int xOff, float[] w, int wOff,
                              float[] bias, int bOff, float[] y, int yOff, boolean inner) {
        int k = s.outC(), crs = crs(s), pq = s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        if (b.images() == 1) {
            int n = i / b.pieces(), pq0 = (i % b.pieces()) * b.pieceCols(), pq1 = Math.min(pq, pq0 + b.pieceCols());
            int cols = pq1 - pq0, yo = yOff + n * k * pq + pq0;
            if (pointwise(s)) {
                np.multiply(k, cols, crs, w, wOff, x, xOff + n * chw + pq0, pq, bias, bOff, y, yo, pq);
            } else {
                int ld = patchStride(cols);
                float[] patches = WORKSPACE.get().patches((long) crs * ld);
                packRows(s, x, xOff + n * chw, crs, pq0, pq1, patches, ld, inner);
                np.multiply(k, cols, crs, w, wOff, patches, 0, ld, bias, bOff, y, yo, pq);
            }
            return;
        }
        int n0 = i * b.images(), n1 = Math.min(s.batch(), n0 + b.images()), cols = (n1 - n0) * pq;
        if (pointwise(s)) {
            for (int n = n0; n < n1; n++) np.multiply(k, pq, crs, w, wOff, x, xOff + n * chw, pq, bias, bOff, y, yOff + n * k * pq, pq);
            return;
        }
        int ld = patchStride(cols);
        float[] patches = WORKSPACE.get().patches((long) crs * ld);
        Parallel.forRanges(crs, inner && Parallel.worthSplittingElements((long) crs * cols), (r0, r1) -> {
            Patches.packImages(s, x, xOff + n0 * chw, n1 - n0, r0, r1, patches, r0 * ld, ld);
        });
        for (int n = n0; n < n1; n++) {
            np.multiply(k, pq, crs, w, wOff, patches, (n - n0) * pq, ld, bias, bOff, y, yOff + n * k * pq, pq);
        }
    }

    /** Block {@code i}; {@code inner}: the block's own steps may run in parallel. */
    private static void forwardBlock(ConvShape s, Blocking b, int i, float[] x, int xOff, float[] w, int wOff, float[] bias,
                                     int bOff, float[] y, int yOff, boolean inner) {
        if (narrowForward(s)) {
            forwardNarrow(PRODUCTS, s, b, i, x, xOff, w, wOff, bias, bOff, y, yOff, inner);
            return;
        }
        int k = s.outC(), crs = crs(s), pq = s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        Workspace ws = WORKSPACE.get();
        if (b.images() == 1) {
            int n = i / b.pieces(), pq0 = (i % b.pieces()) * b.pieceCols(), pq1 = Math.min(pq, pq0 + b.pieceCols());
            int cols = pq1 - pq0;
            float[] bm;
            int bo, ldb;
            if (pointwise(s)) {
                bm = x;
                bo = xOff + n * chw + pq0;
                ldb = pq;
            } else {
                bm = ws.patches((long) crs * cols);
                bo = 0;
                ldb = cols;
                packRows(s, x, xOff + n * chw, crs, pq0, pq1, bm, cols, inner);
            }
            int yo = yOff + n * k * pq + pq0;
            K.gemm(false, false, k, cols, crs, 1f, w, wOff, crs, bm, bo, ldb, 0f, y, yo, pq);
            if (bias != null) {
                for (int ik = 0; ik < k; ik++) addScalar(y, yo + ik * pq, cols, bias[bOff + ik]);
            }
            return;
        }
        int n0 = i * b.images(), n1 = Math.min(s.batch(), n0 + b.images()), cols = (n1 - n0) * pq;
        float[] patches = ws.patches((long) crs * cols), out = ws.rows((long) k * cols);
        Parallel.forRanges(crs, inner && Parallel.worthSplittingElements((long) crs * cols), (r0, r1) -> {
            Patches.packImages(s, x, xOff + n0 * chw, n1 - n0, r0, r1, patches, r0 * cols, cols);
        });
        K.gemm(false, false, k, cols, crs, 1f, w, wOff, crs, patches, 0, cols, 0f, out, 0, cols);
        for (int n = n0; n < n1; n++) {
            for (int ik = 0; ik < k; ik++) {
                int src = ik * cols + (n - n0) * pq, dst = yOff + (n * k + ik) * pq;
                if (bias == null) {
                    System.arraycopy(out, src, y, dst, pq);
                } else {
                    float v = bias[bOff + ik];
                    for (int j = 0; j < pq; j++) y[dst + j] = out[src + j] + v;
                }
            }
        }
    }

    /** Patch rows [0, rows) x columns [pq0, pq1) of one image into {@code dst} (row stride {@code ld}, at least pq1 - pq0). */
    private static void packRows(ConvShape s, float[] x, int imageOff, int rows, int pq0, int pq1, float[] dst, int ld,
                                 boolean inner) {
        int cols = pq1 - pq0;
        Parallel.forRanges(rows, inner && Parallel.worthSplittingElements((long) rows * cols),
                (r0, r1) -> Patches.pack(s, x, imageOff, r0, r1, pq0, pq1, dst, r0 * ld, ld));
    }

    private static void addScalar(float[] a, int off, int n, float v) {
        for (int j = 0; j < n; j++) a[off + j] += v;
    }

    // ------------------------------------------------------------------ input gradient

    static void backwardData(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        backwardData(s, Blocking.of(s, crs(s)), dy, dyOff, w, wOff, dx, dxOff);
    }

    static void backwardData(ConvShape s, Blocking b, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        if (byTasks(s, b.groups())) {
            Parallel.forEach(b.groups(), g -> dataGroup(s, b, g, dy, dyOff, w, wOff, dx, dxOff, false));
        } else {
            for (int g = 0; g < b.groups(); g++) dataGroup(s, b, g, dy, dyOff, w, wOff, dx, dxOff, true);
        }
    }

    /** The blocks of image group {@code g} (one block of whole images, or one image's pieces in order). */
    private static void dataGroup(ConvShape s, Blocking b, int g, float[] dy, int dyOff, float[] w, int wOff, float[] dx,
                                  int dxOff, boolean inner) {
        int k = s.outC(), crs = crs(s), c = s.inC(), rs = s.kh() * s.kw(), pq = s.outH() * s.outW();
        int chw = c * s.inH() * s.inW();
        Workspace ws = WORKSPACE.get();
        if (b.images() == 1) {
            int n = g;
            if (!pointwise(s)) Arrays.fill(dx, dxOff + n * chw, dxOff + (n + 1) * chw, 0f);
            for (int piece = 0; piece < b.pieces(); piece++) {
                int pq0 = piece * b.pieceCols(), pq1 = Math.min(pq, pq0 + b.pieceCols()), cols = pq1 - pq0;
                int dyo = dyOff + n * k * pq + pq0;
                if (pointwise(s)) {
                    K.gemm(true, false, crs, cols, k, 1f, w, wOff, crs, dy, dyo, pq, 0f, dx, dxOff + n * chw + pq0, pq);
                    continue;
                }
                float[] col = ws.patches((long) crs * cols);
                K.gemm(true, false, crs, cols, k, 1f, w, wOff, crs, dy, dyo, pq, 0f, col, 0, cols);
                int imageOff = dxOff + n * chw;
                // channels own disjoint parts of dX, so they can be scattered in parallel
                Parallel.forRanges(c, inner && Parallel.worthSplittingElements((long) crs * cols),
                        (c0, c1) -> Patches.addBack(s, col, c0 * rs * cols, cols, c0 * rs, c1 * rs, pq0, pq1, dx, imageOff));
            }
            return;
        }
        int n0 = g * b.images(), n1 = Math.min(s.batch(), n0 + b.images()), cols = (n1 - n0) * pq;
        float[] grad = ws.rows((long) k * cols), col = ws.patches((long) crs * cols);
        gatherRows(s, dy, dyOff, n0, n1, grad, cols);
        K.gemm(true, false, crs, cols, k, 1f, w, wOff, crs, grad, 0, cols, 0f, col, 0, cols);
        Arrays.fill(dx, dxOff + n0 * chw, dxOff + n1 * chw, 0f);
        Parallel.forRanges(c, inner && Parallel.worthSplittingElements((long) crs * cols), (c0, c1) -> {
            Patches.addBackImages(s, col, c0 * rs * cols, cols, n1 - n0, c0 * rs, c1 * rs, dx, dxOff + n0 * chw);
        });
    }

    /** {@code dst (K, (n1 - n0) PQ)}: the K x PQ rows of images [n0, n1) side by side. */
    private static void gatherRows(ConvShape s, float[] a, int aOff, int n0, int n1, float[] dst, int cols) {
        int k = s.outC(), pq = s.outH() * s.outW();
        for (int ik = 0; ik < k; ik++) {
            for (int n = n0; n < n1; n++) {
                System.arraycopy(a, aOff + (n * k + ik) * pq, dst, ik * cols + (n - n0) * pq, pq);
            }
        }
    }

    // ------------------------------------------------------------------ weight gradient

    static void backwardWeights(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float beta, float[] dw, int dwOff,
                                float[] db, int dbOff) {
        if (byDots(s)) {
            backwardWeightsByDots(DOTS, s, Blocking.of(s, crs(s)), x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
            return;
        }
        int wr = weightRows(s);
        backwardWeights(s, Blocking.of(s, wr), wr, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff);
    }

    /** With the blocking {@code b} and {@code wr} patch rows per task. */
    static void backwardWeights(ConvShape s, Blocking b, int wr, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                float[] dw, int dwOff, float[] db, int dbOff) {
        int k = s.outC(), crs = crs(s), pq = s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        int chunks = (crs + wr - 1) / wr;
        boolean split = Parallel.threads() > 1 && chunks > 1
                && Parallel.worthSplitting(s.directMadds(), (long) s.inputSize() + s.outputSize() + s.weightSize());
        Workspace own = WORKSPACE.get();
        for (int i = 0; i < b.blocks(); i++) {
            float blockBeta = i == 0 ? beta : 1f;
            int n0, n1, pq0, pq1, lda, ao;
            float[] am;
            if (b.images() == 1) {
                n0 = i / b.pieces();
                n1 = n0 + 1;
                pq0 = (i % b.pieces()) * b.pieceCols();
                pq1 = Math.min(pq, pq0 + b.pieceCols());
                am = dy;
                ao = dyOff + n0 * k * pq + pq0;
                lda = pq;
            } else {
                n0 = i * b.images();
                n1 = Math.min(s.batch(), n0 + b.images());
                pq0 = 0;
                pq1 = pq;
                am = own.rows((long) k * (n1 - n0) * pq);
                ao = 0;
                lda = (n1 - n0) * pq;
                gatherRows(s, dy, dyOff, n0, n1, am, lda);
            }
            int cols = (n1 - n0) * (pq1 - pq0);
            int fn0 = n0, fn1 = n1, fpq0 = pq0, fpq1 = pq1, fao = ao, flda = lda;
            Parallel.Range body = (t0, t1) -> {
                Workspace ws = WORKSPACE.get();
                for (int t = t0; t < t1; t++) {
                    int r0 = t * wr, r1 = Math.min(crs, r0 + wr), rows = r1 - r0;
                    float[] bm;
                    int bo, ldb;
                    if (fn1 - fn0 == 1 && pointwise(s)) {
                        bm = x;
                        bo = xOff + fn0 * chw + r0 * pq + fpq0;
                        ldb = pq;
                    } else {
                        bm = ws.patches((long) rows * cols);
                        bo = 0;
                        ldb = cols;
                        if (fn1 - fn0 == 1) Patches.pack(s, x, xOff + fn0 * chw, r0, r1, fpq0, fpq1, bm, 0, cols);
                        else Patches.packImages(s, x, xOff + fn0 * chw, fn1 - fn0, r0, r1, bm, 0, cols);
                    }
                    K.gemm(false, true, k, rows, cols, 1f, am, fao, flda, bm, bo, ldb, blockBeta, dw, dwOff + r0, crs);
                }
            };
            if (split) {
                Parallel.forEach(chunks, t -> body.run(t, t + 1));
            } else {
                body.run(0, chunks);
            }
        }
        if (db != null) biasGradient(s, dy, dyOff, beta, db, dbOff);
    }

    /** Whether the weight gradient is summed as dot products ({@link #backwardWeightsByDots}): few patch rows, vector kernels. */
    static boolean byDots(ConvShape s) {
        return DOTS != null && crs(s) <= Tuning.CONV_DIRECT_DOT_ROWS;
    }

    /** The fixed parts the columns are summed in: a function of the blocking (so of the shape) only. */
    private static int dotParts(Blocking b) {
        return Math.max(1, Math.min(b.blocks(), Tuning.CONV_DIRECT_DOT_PARTS));
    }

    /**
     * The weight gradient as K x C R S long dot products of dY rows with patch rows, both read along
     * the columns ({@link LaneDots}; dY in place, patches packed per block, or X in place when
     * pointwise). The blocks are cut into {@link #dotParts} runs, each summed into its own lane
     * partial sums (the parts are the parallel tasks); at the end each dW element is the sum of its
     * lanes in order, part after part. Nothing depends on the thread count.
     */
    static void backwardWeightsByDots(LaneDots dots, ConvShape s, Blocking b, float[] x, int xOff, float[] dy, int dyOff,
                                      float beta, float[] dw, int dwOff, float[] db, int dbOff) {
        int k = s.outC(), crs = crs(s), pq = s.outH() * s.outW(), chw = s.inC() * s.inH() * s.inW();
        boolean pointwise = pointwise(s);
        // the bias gradient rides along as the dot products with a row of ones below the patches
        boolean fused = db != null && !pointwise;
        int rows = fused ? crs + 1 : crs, lanes = dots.lanes(), per = k * rows * lanes, parts = dotParts(b);
        float[] sums = WORKSPACE.get().sums((long) parts * per);
        boolean split = Parallel.threads() > 1 && parts > 1
                && Parallel.worthSplitting(s.directMadds(), (long) s.inputSize() + s.outputSize() + s.weightSize());
        java.util.function.IntConsumer part = p -> {
            Workspace ws = WORKSPACE.get();
            int base = p * per;
            Arrays.fill(sums, base, base + per, 0f);
            int i0 = (int) ((long) b.blocks() * p / parts), i1 = (int) ((long) b.blocks() * (p + 1) / parts);
            for (int i = i0; i < i1; i++) {
                if (b.images() == 1) {
                    int n = i / b.pieces(), pq0 = (i % b.pieces()) * b.pieceCols(), pq1 = Math.min(pq, pq0 + b.pieceCols());
                    int cols = pq1 - pq0;
                    if (pointwise) {
                        dots.accumulate(k, crs, cols, dy, dyOff + n * k * pq + pq0, pq, x, xOff + n * chw + pq0, pq, sums, base);
                    } else {
                        int ld = patchStride(cols);
                        float[] patches = ws.patches((long) rows * ld);
                        Patches.pack(s, x, xOff + n * chw, 0, crs, pq0, pq1, patches, 0, ld);
                        if (fused) Arrays.fill(patches, crs * ld, rows * ld, 1f);
                        dots.accumulate(k, rows, cols, dy, dyOff + n * k * pq + pq0, pq, patches, 0, ld, sums, base);
                    }
                    continue;
                }
                int n0 = i * b.images(), n1 = Math.min(s.batch(), n0 + b.images()), cols = (n1 - n0) * pq;
                float[] patches = null;
                int ld = patchStride(cols);
                if (!pointwise) {
                    patches = ws.patches((long) rows * ld);
                    Patches.packImages(s, x, xOff + n0 * chw, n1 - n0, 0, crs, patches, 0, ld);
                    if (fused) Arrays.fill(patches, crs * ld, rows * ld, 1f);
                }
                for (int n = n0; n < n1; n++) {
                    if (pointwise) dots.accumulate(k, crs, pq, dy, dyOff + n * k * pq, pq, x, xOff + n * chw, pq, sums, base);
                    else dots.accumulate(k, rows, pq, dy, dyOff + n * k * pq, pq, patches, (n - n0) * pq, ld, sums, base);
                }
            }
        };
        if (split) {
            Parallel.forEach(parts, part);
        } else {
            for (int p = 0; p < parts; p++) part.accept(p);
        }
        for (int ik = 0; ik < k; ik++) {
            for (int j = 0; j < rows; j++) {
                float sum = 0f;
                for (int p = 0; p < parts; p++) {
                    int o = p * per + (ik * rows + j) * lanes;
                    float t = sums[o];
                    for (int l = 1; l < lanes; l++) t += sums[o + l];
                    sum = p == 0 ? t : sum + t;
                }
                if (j < crs) {
                    int e = dwOff + ik * crs + j;
                    dw[e] = beta == 0f ? sum : dw[e] + sum;
                } else {
                    db[dbOff + ik] = beta == 0f ? sum : db[dbOff + ik] + sum;
                }
            }
        }
        if (db != null && !fused) biasGradient(s, dy, dyOff, beta, db, dbOff);
    }

    /** {@code db[k] = beta db[k] + sum over n of (sum over PQ of dY[n, k])}, images in order. */
    static void biasGradient(ConvShape s, float[] dy, int dyOff, float beta, float[] db, int dbOff) {
        int k = s.outC(), pq = s.outH() * s.outW(), n = s.batch();
        Parallel.forRanges(k, Parallel.worthSplittingElements(s.outputSize()), (k0, k1) -> {
            for (int ik = k0; ik < k1; ik++) {
                float acc = 0f;
                for (int in = 0; in < n; in++) acc += K.sum(pq, dy, dyOff + (in * k + ik) * pq);
                db[dbOff + ik] = beta == 0f ? acc : acc + db[dbOff + ik];
            }
        });
    }
}
