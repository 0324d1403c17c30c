package ttl4j.engine.conv;

import java.util.Arrays;
import ttl4j.engine.Engine;
import ttl4j.engine.Kernels;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tuning;

/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) for 3x3, stride-1, dilation-1 convolutions, any padding,
 * all three passes, with one set of matrices ({@link WinogradMatrices}: A^T (m, t), G (t, 3),
 * B^T (t, t), t = m + 2).
 *
 * <p>The output is cut into m x m tiles (tile (th, tw) reads the t x t input window from row
 * {@code th m - padH}, column {@code tw m - padW}, zero outside the input; windows overlap by 2; the
 * tiles at the bottom and right edges are clipped). For each of the t^2 transform points xi:
 * <pre>
 * forward          U_xi (K, C) = (G w G^T)_xi    V_xi (C, T) = (B^T x B)_xi    M_xi (K, T) = U_xi V_xi
 *                  Y tile = A^T M A
 * input gradient   E_xi (K, T) = (A dY A^T)_xi   dV_xi (C, T) = U_xi^T E_xi     dX window += B dV B^T
 * weight gradient  dU_xi (K, C) = sum over tiles E_xi V_xi^T                  dW = G^T dU G
 * </pre>
 * (the backward passes follow from the trilinear identity {@code sum_i y'_i y_i =
 * sum_k (A y')_k (G g)_k (B^T d)_k}). The t^2 products are one batched GEMM through
 * {@link Kernels#gemmBatched}; the transforms are {@link WinogradTransforms#combine} calls across
 * tiles (V, M and E are laid out (point, channel, tile), exactly the GEMM operands, so nothing is
 * copied between the transforms and the GEMMs). Where a tile row is whole vectors' worth of tiles
 * ({@link WinogradTransforms#windowsFast}: images of 16 columns and more with 16-float vectors),
 * the windows are read straight from the rows of X (or dY), a row of windows at a time, the padding
 * read as zeros; else from zero-padded strips (a tile row's input rows, or dY's, copied with their
 * padding) through one index map over a chunk's tiles, so a gather runs across the whole chunk
 * instead of one tile row of 1 to 8 tiles (on 64->64 at 32x32, batch 64, one thread, the strips
 * and gathers took 11 ms of a 35 ms forward pass, the straight reads 5.5); the output
 * tiles are gathered into their contiguous output rows the same way, or interleaved into them
 * where the windows are read straight. One-tile images (4x4) are read into their window points, and
 * their input gradient added, image by image. {@link #backward} makes both gradients with
 * one transform of dY.
 *
 * <p>Workspace: the batch is processed in chunks of whole tile rows, at most
 * {@link Tuning#CONV_WINOGRAD_CHUNK_FLOATS} floats of V and M together, or four times U's size when
 * that is more (up to four times the setting), and at least 64 tiles or one tile row, so the
 * scratch depends on the layer and the image width, not on the batch; it is cached
 * per calling thread. Determinism: a transform task owns whole channels (or output channels) of a
 * chunk, every element is computed by one fixed sequence of operations, the GEMMs are deterministic,
 * the input gradient's overlapping windows are added tile by tile in a fixed order, and the weight
 * gradient is accumulated over chunks in order; so results are bitwise the same for any thread count.
 */
final class WinogradConv {
    private WinogradConv() {}

    /** The transform arithmetic: the Vector API one when the vector kernels are in use. */
    static final WinogradTransforms TRANSFORMS = chooseTransforms();

    private static final String VECTOR_CLASS = "ttl4j.engine.simd.VectorWinogradTransforms";

    private static WinogradTransforms chooseTransforms() {
        if (!Engine.isVectorized()) return ScalarWinogradTransforms.INSTANCE;
        try {
            return (WinogradTransforms) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarWinogradTransforms.INSTANCE;
        }
    }

    /** Least tiles per chunk (fewer make the per-point GEMMs too thin to run at speed); settable by tests. */
    static volatile int minChunkTiles = 64;

    /**
     * Whether windows are read straight from the image rows where {@link WinogradTransforms#windowsFast}
     * says that runs at speed (else through zero-padded strips and a gather); settable by tests,
     * which compare the two (the same bits: both only copy).
     */
    static volatile boolean directWindows = true;

    /** {@link Tuning#CONV_WINOGRAD_CHUNK_FLOATS}, settable by tests to force many chunks on small shapes. */
    static volatile int chunkFloats = Tuning.CONV_WINOGRAD_CHUNK_FLOATS;

    /** The tiling of one shape by one algorithm. */
    static final class Geometry {
        final WinogradMatrices w;
        final int m, t, tt, n, c, k, h, wd, p, q, padH, padW, tilesH, tilesW, tileRows, rowsPerChunk, maxTiles;
        /** Widths of a zero-padded strip row: the input's windows ({@code tilesW m + t - m}) and dY's tiles. */
        final int stripW, gradW;

        Geometry(ConvShape s, ConvAlgorithm a) {
            w = WinogradMatrices.of(a);
            m = w.m;
            t = w.t;
            tt = t * t;
            n = s.batch();
            c = s.inC();
            k = s.outC();
            h = s.inH();
            wd = s.inW();
            p = s.outH();
            q = s.outW();
            padH = s.padH();
            padW = s.padW();
            tilesH = (p + m - 1) / m;
            tilesW = (q + m - 1) / m;
            tileRows = Math.max(1, n * tilesH);
            long perTile = (long) tt * (c + k);
            // every chunk packs U again for its point GEMMs: chunks of 4 |U| (up to 4x the set size)
            // keep that to a fifth of a chunk's traffic on wide layers with small images (256->256 at
            // 8x8: 12-18% faster than with the set size alone), and the workspace stays bounded
            long floats = Math.max(chunkFloats, Math.min(4L * chunkFloats, 4L * tt * k * c));
            long tiles = Math.max(minChunkTiles, floats / perTile);
            rowsPerChunk = (int) Math.max(1, Math.min(tileRows, tiles / tilesW));
            maxTiles = rowsPerChunk * tilesW;
            stripW = tilesW * m + t - m;
            gradW = tilesW * m;
        }

        /** Where a task's zero-padded strips start in its scratch (after the two tile-major stages). */
        int stripOffset() {
            return 2 * tt * maxTiles;
        }

        /** Floats of one transform task's scratch. */
        int taskFloats() {
            int strips = rowsPerChunk * Math.max(t * stripW, m * gradW);
            return Math.max(stripOffset() + strips, (9 + 3 * t) * Math.max(c, k));
        }

        /** Ints of the index maps: three over a chunk's tiles, one over an output tile row. */
        int mapInts() {
            return 3 * maxTiles + m * q;
        }
    }

    static long workspaceFloats(ConvShape s, ConvAlgorithm a, Convolutions.Pass pass) {
        Geometry g = new Geometry(s, a);
        // U (or dU), V (or dV), M (or E), one scratch per transform task
        return (long) g.tt * g.k * g.c + (long) g.tt * g.maxTiles * (g.c + g.k)
                + (long) Parallel.threads() * g.taskFloats() + g.mapInts();
    }

    /** The cached scratch of a calling thread. */
    private static final class Workspace {
        float[] u = new float[0], v = new float[0], mo = new float[0];
        float[][] task = new float[0][];
        /**
         * Index maps, read by every task: per tile of a chunk, where its window starts in the input
         * strips and in dY's strips; per element of an output tile row, where it is in the tile-major
         * output stage (this one depends on the chunk's tile count and is refilled per chunk).
         */
        int[] inMap = new int[0], gradMap = new int[0], outMap = new int[0];
        void ensure(Geometry g, int tasks) {
            int nu = g.tt * g.k * g.c, nv = g.tt * g.c * g.maxTiles, nm = g.tt * g.k * g.maxTiles;
            if (u.length < nu) u = new float[nu];
            if (v.length < nv) v = new float[nv];
            if (mo.length < nm) mo = new float[nm];
            if (task.length < tasks) task = Arrays.copyOf(task, tasks);
            int nt = g.taskFloats();
            for (int i = 0; i < tasks; i++) if (task[i] == null || task[i].length < nt) task[i] = new float[nt];
            if (inMap.length < g.maxTiles) inMap = new int[g.maxTiles];
            if (gradMap.length < g.maxTiles) gradMap = new int[g.maxTiles];
            if (outMap.length < g.m * g.q) outMap = new int[g.m * g.q];
        }

        /** The two maps over a chunk's tiles (tile rr tw + j starts at column j m of strip row group rr). */
        void fillTileMaps(Geometry g) {
            for (int rr = 0; rr < g.rowsPerChunk; rr++) {
                for (int j = 0; j < g.tilesW; j++) {
                    inMap[rr * g.tilesW + j] = rr * g.t * g.stripW + j * g.m;
                    gradMap[rr * g.tilesW + j] = rr * g.m * g.gradW + j * g.m;
                }
            }
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** Floats of the calling thread's cached workspace (for tests of {@link #workspaceFloats}). */
    static long cachedFloats() {
        Workspace ws = WORKSPACE.get();
        long n = (long) ws.u.length + ws.v.length + ws.mo.length + ws.inMap.length + ws.gradMap.length
                + ws.outMap.length;
        for (float[] t : ws.task) if (t != null) n += t.length;
        return n;
    }

    /** A transform task over items [lo, hi) with its own scratch. */
    @FunctionalInterface
    private interface Task {
        void run(int lo, int hi, float[] scratch);
    }

    /** Runs {@code body} over [0, items) in at most {@code threads} equal blocks when the work is worth it. */
    private static void split(Geometry g, int items, long work, Workspace ws, Task body) {
        int tasks = Parallel.worthSplittingElements(work) ? Math.min(items, Parallel.threads()) : 1;
        ws.ensure(g, tasks);
        if (tasks <= 1) {
            body.run(0, items, ws.task[0]);
            return;
        }
        int block = (items + tasks - 1) / tasks;
        int used = (items + block - 1) / block;
        float[][] scratch = ws.task;
        Parallel.forEach(used, i -> body.run(i * block, Math.min(items, (i + 1) * block), scratch[i]));
    }

    private static Workspace begin(Geometry g) {
        Workspace ws = WORKSPACE.get();
        ws.ensure(g, 1);
        ws.fillTileMaps(g);
        return ws;
    }

    // ---------------------------------------------------------------- passes

    /**
     * Floats of the whole batch's transformed input V (t^2 C per tile) and then of the transformed
     * filters U (t^2 K C), which {@link #forward} can keep for {@link #backwardWeights} (V) and
     * {@link #backward} (both: U is not made again for the input gradient, 4.6 ms per pass on
     * 512->512 at one thread); 0 when that is more than an array holds.
     */
    static long savedFloats(ConvShape s, ConvAlgorithm a) {
        Geometry g = new Geometry(s, a);
        long n = savedFiltersOffset(g) + (long) g.tt * g.k * g.c;
        return n > Integer.MAX_VALUE - 16 ? 0 : n;
    }

    /** Where the kept U starts: after the whole batch's V. */
    private static long savedFiltersOffset(Geometry g) {
        return (long) g.tt * g.c * g.tileRows * g.tilesW;
    }

    /** Where the V of the chunk starting at tile row r0 is kept: chunk after chunk, each (t^2, C, its tiles). */
    private static int savedOffset(Geometry g, int r0) {
        return (int) ((long) r0 * g.tilesW * g.tt * g.c);
    }

    static void forward(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                        float[] y, int yOff) {
        forward(s, a, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /**
     * The forward pass; with {@code save} not null ({@link #savedFloats} long) the transformed input
     * is kept there instead of in the workspace, for {@link #backwardWeights} of the same X.
     */
    static void forward(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                        float[] y, int yOff, float[] save) {
        Geometry g = new Geometry(s, a);
        Workspace ws = begin(g);
        Kernels kr = Engine.kernels();
        float[] u = save == null ? ws.u : save;
        int uOff = save == null ? 0 : (int) savedFiltersOffset(g);
        filterTransform(g, w, wOff, u, uOff, ws);
        for (int r0 = 0; r0 < g.n * g.tilesH; r0 += g.rowsPerChunk) {
            int r1 = Math.min(g.n * g.tilesH, r0 + g.rowsPerChunk), tc = (r1 - r0) * g.tilesW;
            float[] v = save == null ? ws.v : save;
            int vOff = save == null ? 0 : savedOffset(g, r0);
            inputTransform(g, x, xOff, r0, r1, tc, v, vOff, ws);
            kr.gemmBatched(g.tt, false, false, g.k, tc, g.c, 1f, u, uOff, g.tt * g.c, g.c, v, vOff, tc, g.c * tc,
                    0f, ws.mo, 0, tc, g.k * tc);
            outputTransform(g, ws.mo, r0, r1, tc, bias, bOff, y, yOff, ws);
        }
    }

    static void backwardData(ConvShape s, ConvAlgorithm a, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        Geometry g = new Geometry(s, a);
        Workspace ws = begin(g);
        Kernels kr = Engine.kernels();
        filterTransform(g, w, wOff, ws.u, 0, ws);
        Arrays.fill(dx, dxOff, dxOff + s.inputSize(), 0f);
        for (int r0 = 0; r0 < g.n * g.tilesH; r0 += g.rowsPerChunk) {
            int r1 = Math.min(g.n * g.tilesH, r0 + g.rowsPerChunk), tc = (r1 - r0) * g.tilesW;
            gradientTransform(g, dy, dyOff, r0, r1, tc, ws);
            kr.gemmBatched(g.tt, true, false, g.c, tc, g.k, 1f, ws.u, 0, g.tt * g.c, g.c, ws.mo, 0, tc, g.k * tc,
                    0f, ws.v, 0, tc, g.c * tc);
            inputGradientTransform(g, ws.v, r0, r1, tc, dx, dxOff, ws);
        }
    }

    static void backwardWeights(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                float[] dw, int dwOff, float[] db, int dbOff) {
        backwardWeights(s, a, x, xOff, dy, dyOff, beta, dw, dwOff, db, dbOff, null);
    }

    /**
     * The weight (and bias) gradient; with {@code saved} not null it reads the transformed input
     * that {@link #forward} kept there for this X instead of transforming X again (the same values).
     */
    static void backwardWeights(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] dy, int dyOff, float beta,
                                float[] dw, int dwOff, float[] db, int dbOff, float[] saved) {
        Geometry g = new Geometry(s, a);
        Workspace ws = begin(g);
        Kernels kr = Engine.kernels();
        for (int r0 = 0; r0 < g.n * g.tilesH; r0 += g.rowsPerChunk) {
            int r1 = Math.min(g.n * g.tilesH, r0 + g.rowsPerChunk), tc = (r1 - r0) * g.tilesW;
            float[] v = saved == null ? ws.v : saved;
            int vOff = saved == null ? 0 : savedOffset(g, r0);
            if (saved == null) inputTransform(g, x, xOff, r0, r1, tc, v, vOff, ws);
            gradientTransform(g, dy, dyOff, r0, r1, tc, ws);
            // chunks accumulate in order: the same sums whatever the threads
            kr.gemmBatched(g.tt, false, true, g.k, g.c, tc, 1f, ws.mo, 0, tc, g.k * tc, v, vOff, tc, g.c * tc,
                    r0 == 0 ? 0f : 1f, ws.u, 0, g.tt * g.c, g.c);
        }
        filterGradientTransform(g, ws.u, beta, dw, dwOff, ws);
        // vector sums, split by output channel (it was one scalar chain per channel, on the calling thread)
        if (db != null) DirectConv.biasGradient(s, dy, dyOff, beta, db, dbOff);
    }

    /**
     * {@link #backwardWeights} (reading the kept V in {@code saved}) and {@link #backwardData} (reading
     * the kept U) of the same dY with E made once per chunk for both GEMMs; the same bits as the two
     * calls. dU is summed over the chunks in the workspace's U, which the kept U leaves free.
     */
    static void backward(ConvShape s, ConvAlgorithm a, float[] x, int xOff, float[] dy, int dyOff, float[] w, int wOff,
                         float beta, float[] dw, int dwOff, float[] db, int dbOff, float[] saved, float[] dx, int dxOff) {
        Geometry g = new Geometry(s, a);
        Workspace ws = begin(g);
        Kernels kr = Engine.kernels();
        int rows = g.n * g.tilesH, uOff = (int) savedFiltersOffset(g);
        Arrays.fill(dx, dxOff, dxOff + s.inputSize(), 0f);
        for (int r0 = 0; r0 < rows; r0 += g.rowsPerChunk) {
            int r1 = Math.min(rows, r0 + g.rowsPerChunk), tc = (r1 - r0) * g.tilesW;
            gradientTransform(g, dy, dyOff, r0, r1, tc, ws);
            kr.gemmBatched(g.tt, false, true, g.k, g.c, tc, 1f, ws.mo, 0, tc, g.k * tc, saved, savedOffset(g, r0), tc, g.c * tc,
                    r0 == 0 ? 0f : 1f, ws.u, 0, g.tt * g.c, g.c);
            kr.gemmBatched(g.tt, true, false, g.c, tc, g.k, 1f, saved, uOff, g.tt * g.c, g.c, ws.mo, 0, tc, g.k * tc,
                    0f, ws.v, 0, tc, g.c * tc);
            inputGradientTransform(g, ws.v, r0, r1, tc, dx, dxOff, ws);
        }
        filterGradientTransform(g, ws.u, beta, dw, dwOff, ws);
        if (db != null) DirectConv.biasGradient(s, dy, dyOff, beta, db, dbOff);
    }

    // ---------------------------------------------------------------- transforms

    /** The first tile j with {@code 0 <= i0 + j m}. */
    private static int firstInside(int i0, int m) {
        return i0 >= 0 ? 0 : (m - 1 - i0) / m;
    }

    /** One past the last tile j (at most {@code tiles}) with {@code i0 + j m < size}. */
    private static int endInside(int i0, int m, int size, int tiles) {
        return i0 >= size ? 0 : Math.min(tiles, (size - 1 - i0) / m + 1);
    }

    /**
     * U stored (K, t^2, C): {@code U_xi[k, c] = (G W[k, c] G^T)_xi} at {@code (k t^2 + xi) C + c}, so
     * each output channel's t^2 C values are written in one run (stored (t^2, K, C), they were t^2
     * runs 4 K C bytes apart, which took 6 ms on 512->512); the GEMMs read U_xi with a row stride of
     * t^2 C. Vectorised across c.
     */
    private static void filterTransform(Geometry g, float[] w, int wOff, float[] u, int uOff, Workspace ws) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, c = g.c, k = g.k;
        float[] gm = g.w.g;
        split(g, k, (long) k * c * g.tt, ws, (k0, k1, sc) -> {
            // sc: gathered filters (9, C) then G applied along rows (t, 3, C)
            int tmp = 9 * c;
            for (int ik = k0; ik < k1; ik++) {
                int base = wOff + ik * c * 9;
                for (int ic = 0; ic < c; ic++) for (int e = 0; e < 9; e++) sc[e * c + ic] = w[base + ic * 9 + e];
                for (int s = 0; s < 3; s++) tr.combine(t, 3, gm, sc, s * c, 3 * c, sc, tmp + s * c, 3 * c, c);
                for (int a = 0; a < t; a++) tr.combine(t, 3, gm, sc, tmp + a * 3 * c, c, u, uOff + (ik * t + a) * t * c, c, c);
            }
        });
    }

    /** dW (K, C, 3, 3) = beta dW + G^T dU G, dU stored as U is, vectorised across c. */
    private static void filterGradientTransform(Geometry g, float[] du, float beta, float[] dw, int dwOff, Workspace ws) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, c = g.c, k = g.k;
        float[] gt = g.w.gt;
        split(g, k, (long) k * c * g.tt, ws, (k0, k1, sc) -> {
            // sc: G^T along columns (t, 3, C), then G^T along rows (3, 3, C)
            int out = 3 * t * c;
            for (int ik = k0; ik < k1; ik++) {
                for (int a = 0; a < t; a++) tr.combine(3, t, gt, du, (ik * t + a) * t * c, c, sc, a * 3 * c, c, c);
                for (int s = 0; s < 3; s++) tr.combine(3, t, gt, sc, s * c, 3 * c, sc, out + s * c, 3 * c, c);
                int base = dwOff + ik * c * 9;
                for (int ic = 0; ic < c; ic++) {
                    for (int e = 0; e < 9; e++) {
                        float d = sc[out + e * c + ic];
                        dw[base + ic * 9 + e] = beta == 0f ? d : d + dw[base + ic * 9 + e];
                    }
                }
            }
        });
    }

    /** V (t^2, C, T) = B^T d B over the input windows of tile rows [r0, r1), vectorised across tiles, into v at vOff. */
    private static void inputTransform(Geometry g, float[] x, int xOff, int r0, int r1, int tc, float[] v, int vOff,
                                       Workspace ws) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, tt = g.tt, c = g.c, m = g.m, h = g.h, wd = g.wd;
        float[] bt = g.w.bt;
        int[] map = ws.inMap;
        int pw = g.padW;
        boolean direct = directWindows && tr.windowsFast(g.tilesW, m), single = directWindows && g.tilesH == 1 && g.tilesW == 1;
        split(g, c, (long) c * tt * tc, ws, (c0, c1, sc) -> {
            // sc: gathered windows (t, t, T), then B^T along columns (t, t, T), then the strips: per
            // tile row its t input rows, zero-padded to the windows' width (zero rows outside the input);
            // or, where the window columns can be read straight from X's rows, no strips; or, with
            // one tile per image, each image's plane read once into its window points, the padding zero
            int hs = tt * tc;
            int[] rows = direct ? new int[r1 - r0] : null;
            for (int ic = c0; ic < c1; ic++) {
                if (single) {
                    for (int r = 0; r < t; r++) {
                        for (int i = 0; i < t; i++) {
                            int ih = r - g.padH, iw = i - pw, d = (r * t + i) * tc;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= wd) Arrays.fill(sc, d, d + tc, 0f);
                        }
                    }
                    planesToPoints(x, xOff + (r0 * c + ic) * h * wd, c * h * wd, tc, h, wd, g.padH, pw, t, sc, 0);
                } else if (direct) {
                    for (int r = 0; r < t; r++) {
                        for (int row = r0; row < r1; row++) {
                            int in = row / g.tilesH, ih = row % g.tilesH * m - g.padH + r;
                            rows[row - r0] = ih < 0 || ih >= h ? -1 : xOff + ((in * c + ic) * h + ih) * wd;
                        }
                        tr.windowRow(x, rows, g.tilesW, m, t, -pw, wd, sc, r * t * tc, tc, tc);
                    }
                } else {
                    stripsAndGather(g, x, xOff, r0, r1, tc, ic, map, sc);
                }
                for (int r = 0; r < t; r++) tr.combine(t, t, bt, sc, r * t * tc, tc, sc, hs + r * t * tc, tc, tc);
                for (int j = 0; j < t; j++) tr.combine(t, t, bt, sc, hs + j * tc, t * tc, v, vOff + (j * c + ic) * tc, t * c * tc, tc);
            }
        });
    }

    /**
     * One-tile images: the planes {@code src[plane + j step]} (rows x cols: X's H x W, or dY's P x Q)
     * of images j < tc as window points, element (a, b) to {@code dst[dOff + ((a + rowPad) span + b + colPad) tc + j]};
     * the points outside the plane are the caller's. Image after image, so each plane (one cache
     * line on VGG-16's 4x4 layers) is read once; point after point across the images, 32 KB apart,
     * the lines can leave L1 and L2 between points (the input gradient's twin of this, added that
     * way, took 11 ms per pass on 512->512 at 4x4, batch 64, one thread, and 2.3 image by image).
     */
    private static void planesToPoints(float[] src, int plane, int step, int tc, int rows, int cols, int rowPad, int colPad,
                                       int span, float[] dst, int dOff) {
        for (int j = 0; j < tc; j++) {
            int from = plane + j * step;
            for (int a = 0; a < rows; a++) {
                int d = dOff + ((a + rowPad) * span + colPad) * tc + j, sRow = from + a * cols;
                for (int b = 0; b < cols; b++) dst[d + b * tc] = src[sRow + b];
            }
        }
    }

    /** The gathered windows (t, t, T) of channel ic through zero-padded strips of X's rows and the tile map. */
    private static void stripsAndGather(Geometry g, float[] x, int xOff, int r0, int r1, int tc, int ic, int[] map, float[] sc) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, c = g.c, m = g.m, h = g.h, wd = g.wd, sw = g.stripW, pw = g.padW, strip = g.stripOffset();
        for (int row = r0; row < r1; row++) {
            int in = row / g.tilesH, th = row % g.tilesH, rr = row - r0;
            int plane = xOff + (in * c + ic) * h * wd;
            for (int r = 0; r < t; r++) {
                int ih = th * m - g.padH + r, d = strip + (rr * t + r) * sw;
                if (ih < 0 || ih >= h) {
                    Arrays.fill(sc, d, d + sw, 0f);
                    continue;
                }
                tr.padRow(x, plane + ih * wd, wd, pw, sc, d, sw);
            }
        }
        for (int r = 0; r < t; r++) {
            for (int i = 0; i < t; i++) tr.gather(sc, strip + r * sw + i, map, 0, sc, (r * t + i) * tc, tc);
        }
    }

    /** E (t^2, K, T) = A dY A^T over the output tiles of tile rows [r0, r1) (zero past the edges). */
    private static void gradientTransform(Geometry g, float[] dy, int dyOff, int r0, int r1, int tc, Workspace ws) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, m = g.m, k = g.k, p = g.p, q = g.q;
        float[] e = ws.mo, am = g.w.a;
        int[] map = ws.gradMap;
        int gw = g.gradW, strip = g.stripOffset();
        boolean direct = directWindows && tr.windowsFast(g.tilesW, m), single = directWindows && g.tilesH == 1 && g.tilesW == 1;
        split(g, k, (long) k * g.tt * tc, ws, (k0, k1, sc) -> {
            // sc: gathered tiles (m, m, T), then A along columns (m, t, T), then the strips: per tile
            // row its m rows of dY, zero past the bottom and right edges (no strips where the tile
            // columns can be read straight from dY's rows, or, with one tile per image, gathered
            // image by image)
            int hs = m * m * tc;
            int[] rows = direct ? new int[r1 - r0] : null;
            for (int ik = k0; ik < k1; ik++) {
                if (single) {
                    for (int b = 0; b < m; b++) {
                        for (int i = 0; i < m; i++) {
                            int d = (b * m + i) * tc;
                            if (b >= p || i >= q) Arrays.fill(sc, d, d + tc, 0f);
                        }
                    }
                    planesToPoints(dy, dyOff + (r0 * k + ik) * p * q, k * p * q, tc, p, q, 0, 0, m, sc, 0);
                } else if (direct) {
                    for (int b = 0; b < m; b++) {
                        for (int row = r0; row < r1; row++) {
                            int in = row / g.tilesH, oh = row % g.tilesH * m + b;
                            rows[row - r0] = oh >= p ? -1 : dyOff + ((in * k + ik) * p + oh) * q;
                        }
                        tr.windowRow(dy, rows, g.tilesW, m, m, 0, q, sc, b * m * tc, tc, tc);
                    }
                } else {
                    for (int row = r0; row < r1; row++) {
                        int in = row / g.tilesH, th = row % g.tilesH, rr = row - r0;
                        int plane = dyOff + (in * k + ik) * p * q;
                        for (int b = 0; b < m; b++) {
                            int oh = th * m + b, d = strip + (rr * m + b) * gw;
                            if (oh >= p) {
                                Arrays.fill(sc, d, d + gw, 0f);
                                continue;
                            }
                            tr.padRow(dy, plane + oh * q, q, 0, sc, d, gw);
                        }
                    }
                    for (int b = 0; b < m; b++) {
                        for (int i = 0; i < m; i++) tr.gather(sc, strip + b * gw + i, map, 0, sc, (b * m + i) * tc, tc);
                    }
                }
                for (int b = 0; b < m; b++) tr.combine(t, m, am, sc, b * m * tc, tc, sc, hs + b * t * tc, tc, tc);
                for (int j = 0; j < t; j++) tr.combine(t, m, am, sc, hs + j * tc, t * tc, e, (j * k + ik) * tc, t * k * tc, tc);
            }
        });
    }

    /** Y tiles = A^T M A (+ bias) for tile rows [r0, r1), clipped at the edges. */
    private static void outputTransform(Geometry g, float[] mo, int r0, int r1, int tc, float[] bias, int bOff,
                                        float[] y, int yOff, Workspace ws) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, m = g.m, k = g.k, p = g.p, q = g.q, tw = g.tilesW;
        float[] at = g.w.at;
        int[] map = ws.outMap;
        // element u of an output tile row (row b = u / q, column o = u % q) is point (b, o % m) of tile o / m
        for (int u = 0; u < m * q; u++) map[u] = (u / q * m + u % q % m) * tc + u % q / m;
        boolean direct = directWindows && tr.windowsFast(tw, m);
        split(g, k, (long) k * g.tt * tc, ws, (k0, k1, sc) -> {
            int os = m * t * tc;  // sc: A^T along rows (m, t, T), then along columns (m, m, T)
            for (int ik = k0; ik < k1; ik++) {
                for (int j = 0; j < t; j++) tr.combine(m, t, at, mo, (j * k + ik) * tc, t * k * tc, sc, j * tc, t * tc, tc);
                for (int b = 0; b < m; b++) tr.combine(m, t, at, sc, b * t * tc, tc, sc, os + b * m * tc, tc, tc);
                float bv = bias == null ? 0f : bias[bOff + ik];
                for (int row = r0; row < r1; row++) {
                    // the tile row's output rows are contiguous in Y: gathered into place, clipped at the bottom
                    int in = row / g.tilesH, th = row % g.tilesH, tl0 = (row - r0) * tw;
                    int dst = yOff + (in * k + ik) * p * q + th * m * q, len = Math.min(m, p - th * m) * q;
                    if (direct) {
                        // row by row, the tiles' columns interleaved into place
                        for (int b = 0; b < Math.min(m, p - th * m); b++) {
                            tr.windowsStore(sc, os + b * m * tc + tl0, tc, tw, m, q, bias != null, bv, y, dst + b * q);
                        }
                    } else if (bias == null) tr.gather(sc, os + tl0, map, 0, y, dst, len);
                    else tr.gatherAdd(sc, os + tl0, map, 0, bv, y, dst, len);
                }
            }
        });
    }

    /**
     * dX windows += B dV B^T for tile rows [r0, r1), tile by tile in a fixed order, dropped outside
     * the input (a row of windows at a time where {@link WinogradTransforms#windowsFast}, in the same order).
     */
    private static void inputGradientTransform(Geometry g, float[] dv, int r0, int r1, int tc, float[] dx, int dxOff,
                                               Workspace ws) {
        WinogradTransforms tr = TRANSFORMS;
        int t = g.t, tt = g.tt, c = g.c, m = g.m, h = g.h, wd = g.wd, tw = g.tilesW;
        float[] bm = g.w.b;
        boolean direct = directWindows && tr.windowsFast(tw, m);
        split(g, c, (long) c * tt * tc, ws, (c0, c1, sc) -> {
            int ws2 = tt * tc;  // sc: B along rows (t, t, T), then along columns (t, t, T)
            int[] rows = new int[t];
            for (int ic = c0; ic < c1; ic++) {
                for (int j = 0; j < t; j++) tr.combine(t, t, bm, dv, (j * c + ic) * tc, t * c * tc, sc, j * tc, t * tc, tc);
                for (int r = 0; r < t; r++) tr.combine(t, t, bm, sc, r * t * tc, tc, sc, ws2 + r * t * tc, tc, tc);
                if (directWindows && g.tilesH == 1 && tw == 1) {
                    // one tile per image: every element of dX has one term, so image after image
                    // gives the same sums as tile by tile (a 4 x 4 image: 16 of 36 points)
                    int plane = dxOff + (r0 * c + ic) * h * wd, step = c * h * wd;
                    for (int j = 0; j < tc; j++) {
                        int dst = plane + j * step;
                        for (int ih = 0; ih < h; ih++) {
                            int src = ws2 + ((ih + g.padH) * t + g.padW) * tc + j, row = dst + ih * wd;
                            for (int iw = 0; iw < wd; iw++) dx[row + iw] += sc[src + iw * tc];
                        }
                    }
                    continue;
                }
                for (int row = r0; row < r1; row++) {
                    int in = row / g.tilesH, th = row % g.tilesH, tl0 = (row - r0) * tw;
                    int plane = dxOff + (in * c + ic) * h * wd;
                    if (direct) {
                        for (int r = 0; r < t; r++) {
                            int ih = th * m - g.padH + r;
                            rows[r] = ih < 0 || ih >= h ? -1 : plane + ih * wd;
                        }
                        tr.windowsAdd(sc, ws2 + tl0, tc, rows, t, tw, m, t, -g.padW, wd, dx);
                        continue;
                    }
                    for (int r = 0; r < t; r++) {
                        int ih = th * m - g.padH + r;
                        if (ih < 0 || ih >= h) continue;
                        int rowBase = plane + ih * wd;
                        for (int i = 0; i < t; i++) {
                            int src = ws2 + (r * t + i) * tc + tl0, iw0 = i - g.padW, dst = rowBase + iw0;
                            int j0 = firstInside(iw0, m), j1 = endInside(iw0, m, wd, tw);
                            for (int j = j0; j < j1; j++) dx[dst + j * m] += sc[src + j];
                        }
                    }
                }
            }
        });
    }
}
