package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.KernelSupport;
import ttl4j.engine.Parallel;
import ttl4j.engine.Tuning;

/**
 * Vector API GEMM: {@code A (M,K) x B (K,N) -> C (M,N)}, {@code C = alpha * op(A) op(B) + beta * C}.
 *
 * <p>Two paths, chosen by shape only (never by thread count):
 * <ul>
 * <li>blocked: op(A) is packed into slivers of {@link #MR} rows and op(B) into slivers of {@link #NR}
 * columns (both k-major, zero padded, whole K; {@link GemmPacking}), then a 6 x (4 vectors)
 * register-blocked micro-kernel (5 rows before JDK 21), or 4 x (2 vectors) where the CPU has 16
 * vector registers (x86 without AVX-512; see {@link #MR}; all in {@link GemmTiles})
 * runs over K blocks of {@link Tuning#GEMM_KC}. Packing everything first means each operand is
 * packed exactly once, whatever the thread count, and the compute tasks only read the packed copies.
 * When all of op(A) is one row block ({@link Tuning#GEMM_MC} rows or fewer, as a training batch is)
 * every B sliver is read by one task only, so that task packs each K block of its slivers just
 * before it uses it, into a small buffer that stays in cache: the packed B never makes the round
 * trip through memory, which for a large B and few rows cost about as much as the multiply.
 * <li>thin (N at most two vectors): op(B) is packed into one or two zero-padded vectors per k and A is read
 * in place, since packing A would cost as much as the multiply itself; tiles of 12, 6 or 1 rows
 * ({@link GemmTiles}).
 * </ul>
 *
 * <p>Summation order: each C element accumulates its products with fused multiply-add from 0 over a
 * K block (the whole K on the thin path) in increasing k; the first block's sum s gives
 * {@code C = alpha*s} (beta 0) or {@code alpha*s + beta*C}, later blocks {@code C = C + alpha*s}.
 * Tasks own disjoint output tiles, and edge tiles use the same arithmetic as full ones, so results
 * are bitwise identical for any thread count.
 */
final class VectorGemm implements KernelSupport.Gemm {
    static final VectorGemm INSTANCE = new VectorGemm();

    private VectorGemm() {}

    static final VectorSpecies<Float> S = Species.F;
    static final int VL = Species.VL;
    /**
     * Rows of the micro-tile: 6 x 4 accumulators + 4 B vectors + 1 broadcast fit the 32 AVX-512
     * registers. Before JDK 21, 5 rows: JDK 17's C2 compiled the 6-row kernel markedly slower in
     * some JVM runs (same code, same data), while the 5-row kernel compiled fast every time. With 16
     * registers (AVX2), 4 rows of 2 vectors: the 6 x 4 tile spills most of its accumulators, and
     * even 6 x 2 (12 accumulators) left JDK 25's C2 no registers for the broadcasts it hoists, so it
     * kept two accumulators on the stack (a load-FMA-store chain per k) and ran at 40% of the FMA
     * peak, where 4 x 2 ran at 50-98% of it (C2 compiles it differently from one JVM run to the
     * next). The row count never changes results: each C element is summed the same way.
     */
    static final int MR = Species.REGISTERS < 32 ? 4 : Runtime.version().feature() >= 21 ? 6 : 5;
    /** Columns of the micro-tile: four vectors (two with 16 registers), the packed B sliver the micro-kernels read. */
    static final int NR = GemmTiles.NR;
    /** Whether the micro-tile is four vectors wide (else two). */
    static final boolean WIDE = NR == GemmTiles.NR4;
    /** Rows per thin-path kernel call. */
    static final int THIN_ROWS = 12;
    /** Whether the thin path uses the 16-register tiles (at most 8 accumulators: 8 x 1 and 4 x 2 vectors). */
    static final boolean THIN_NARROW = Species.REGISTERS < 32;

    /** The register tile, for reports: rows x columns of the blocked path's micro-kernel. */
    static String tileName() {
        return MR + "x" + NR + " (" + Species.REGISTERS + " vector registers)";
    }

    // store modes of a finished accumulator tile
    private static final int OVERWRITE = 0; // C = alpha*s (C not read)
    private static final int BETA = 1;      // C = alpha*s + beta*C
    private static final int ACCUM = 2;     // C = C + alpha*s

    /** Per-thread scratch: packed operands and an edge tile, grown on demand and reused. */
    static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] sharedA = new float[0];
        float[] sharedB = new float[0];
        /** One K block of one B sliver, packed just before use (see {@link #blocked}). */
        final float[] blockB = new float[Tuning.GEMM_KC * NR];
        final float[] tile = new float[Math.max(MR * NR, THIN_ROWS * 2 * VL)];

        static float[] grow(float[] x, long need) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("gemm: packed operand needs " + need + " floats, more than an array holds");
            }
            return x.length >= need ? x : new float[(int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, x.length * 3L / 2))];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ------------------------------------------------------------------ entry points

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                worthSplitting(m, n, k), SCRATCH.get(), null, null);
    }

    /** Whether one M x N x K product is worth splitting (see {@link Parallel#worthSplitting}). */
    static boolean worthSplitting(int m, int n, int k) {
        return Parallel.worthSplitting((long) m * n * k, (long) m * k + (long) k * n + (long) m * n);
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, int strideA,
                            float[] b, int bOff, int ldb, int strideB,
                            float beta, float[] c, int cOff, int ldc, int strideC) {
        if (batch == 0 || m == 0 || n == 0) return;
        long madds = (long) m * n * k;
        if (batch == 1 || k == 0 || alpha == 0f) {
            for (int e = 0; e < batch; e++) {
                run(transA, transB, m, n, k, alpha, a, aOff + e * strideA, lda, b, bOff + e * strideB, ldb,
                        beta, c, cOff + e * strideC, ldc, worthSplitting(m, n, k), SCRATCH.get(), null, null);
            }
            return;
        }
        // A shared operand is packed once, by the caller, into its scratch; entries only read it.
        Scratch own = SCRATCH.get();
        boolean thin = n <= 2 * VL;
        // shared operands are read by every task but cross to another core once
        long floats = (strideA == 0 ? 1 : batch) * (long) m * k + (strideB == 0 ? 1 : batch) * (long) k * n
                + (long) batch * m * n;
        boolean parallel = Parallel.worthSplitting(madds * batch, floats);
        PackedA pa = null;
        PackedB pb = null;
        if (strideA == 0 && !thin) {
            own.sharedA = Scratch.grow(own.sharedA, (long) ceilDiv(m, MR) * MR * k);
            pa = new PackedA(own.sharedA);
            GemmPacking.packAllA(transA, m, k, a, aOff, lda, pa.data, false);
        }
        if (strideB == 0) {
            long need = thin ? (long) k * thinVectors(n) * VL : (long) ceilDiv(n, NR) * NR * k;
            own.sharedB = Scratch.grow(own.sharedB, need);
            pb = new PackedB(own.sharedB);
            if (thin) GemmPacking.packThinB(transB, n, k, b, bOff, ldb, pb.data);
            else GemmPacking.packAllB(transB, n, k, b, bOff, ldb, pb.data, false);
        }
        final PackedA fa = pa;
        final PackedB fb = pb;
        if (parallel && batch < 2 * Parallel.threads() && madds >= 4 * Tuning.PARALLEL_MIN_MADDS
                && worthSplitting(m, n, k)) {
            // few large entries: parallelism inside each entry splits the work more evenly
            for (int e = 0; e < batch; e++) {
                run(transA, transB, m, n, k, alpha, a, aOff + e * strideA, lda, b, bOff + e * strideB, ldb,
                        beta, c, cOff + e * strideC, ldc, true, own, fa, fb);
            }
            return;
        }
        // many small entries: whole entries per task, in contiguous chunks
        int chunks = parallel ? Math.min(batch, 8 * Parallel.threads()) : 1;
        Parallel.forEach(chunks, t -> {
            Scratch s = SCRATCH.get();
            int e0 = (int) ((long) batch * t / chunks), e1 = (int) ((long) batch * (t + 1) / chunks);
            for (int e = e0; e < e1; e++) {
                run(transA, transB, m, n, k, alpha, a, aOff + e * strideA, lda, b, bOff + e * strideB, ldb,
                        beta, c, cOff + e * strideC, ldc, false, s, fa, fb);
            }
        });
    }

    /** An already packed op(A) (whole K, {@link #MR}-row slivers). */
    record PackedA(float[] data) {}

    /** An already packed op(B) (whole K; {@link #NR}-column slivers, or one vector per k on the thin path). */
    record PackedB(float[] data) {}

    // ------------------------------------------------------------------ dispatch

    private static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc,
                            boolean parallel, Scratch s, PackedA pa, PackedB pb) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        parallel &= Parallel.threads() > 1;
        if (n <= 2 * VL) {
            boolean split = parallel && (long) m * n * k >= Tuning.GEMM_THIN_PARALLEL_MIN_MADDS;
            thin(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, split, s, pb);
        } else {
            blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, parallel, s, pa, pb);
        }
    }

    /** C = beta * C (beta 0 writes zeros, ignoring NaNs in C). */
    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] = beta * c[ci + j];
            }
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    static void forTasks(boolean parallel, int tasks, java.util.function.IntConsumer body) {
        if (parallel) {
            Parallel.forEach(tasks, body);
        } else {
            for (int t = 0; t < tasks; t++) body.accept(t);
        }
    }

    // ------------------------------------------------------------------ blocked path

    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                boolean parallel, Scratch s, PackedA pa, PackedB pb) {
        int mp = ceilDiv(m, MR), np = ceilDiv(n, NR);
        float[] ap, bp;
        // op(A) read in place: see IN_PLACE_MAX_SLIVERS; only a last, partial sliver is packed (at the
        // start of the scratch), so that the edge tile is the packed one
        InPlaceA inPlace = pa == null && inPlaceA && WIDE && MR == 6 && np <= IN_PLACE_MAX_SLIVERS
                ? new InPlaceA(transA, a, aOff, lda) : null;
        if (pa != null) {
            ap = pa.data;
        } else if (inPlace != null) {
            int i0 = (mp - 1) * MR;
            s.a = Scratch.grow(s.a, (long) MR * k);
            ap = s.a;
            if (m - i0 < MR) GemmPacking.packSliverA(transA, m - i0, k, a, inPlace.rowOffset(i0), lda, ap, 0);
        } else {
            s.a = Scratch.grow(s.a, (long) mp * MR * k);
            ap = s.a;
        }
        // output tasks: a grid of row blocks x column blocks, balanced in size
        // (the grid only decides who computes which tile, never the summation order)
        int rb = ceilDiv(mp * MR, Tuning.GEMM_MC), cb = ceilDiv(np * NR, Tuning.GEMM_NC);
        if (parallel) {
            // op(A) in one row block (at most GEMM_MC rows: a batch of activations) is split by
            // columns only while there are columns to split, so that each task streams its own B
            // slivers (split by rows too, every sliver was shared and all of B packed first: on
            // 64 x 4096 x 4096 two threads ran 1.2x one)
            int want = 4 * Parallel.threads();
            boolean oneRowBlock = rb == 1;
            while (rb * cb < want && (rb < mp || cb < np)) {
                if (cb < np && (oneRowBlock || np / cb >= mp / rb || rb >= mp)) cb++;
                else rb++;
            }
        }
        // one row block: each B sliver is used by one task, which packs it block by block itself
        StreamedB streamed = pb == null && rb == 1 ? new StreamedB(transB, b, bOff, ldb) : null;
        if (pb != null) {
            bp = pb.data;
        } else if (streamed != null) {
            bp = null;
        } else {
            s.b = Scratch.grow(s.b, (long) np * NR * k);
            bp = s.b;
        }
        if (streamed != null) {
            if (pa == null && inPlace == null) GemmPacking.packAllA(transA, m, k, a, aOff, lda, ap, parallel);
        } else if (inPlace != null) {
            if (pb == null) GemmPacking.packAllB(transB, n, k, b, bOff, ldb, bp, parallel);
        } else if (pa == null && pb == null && parallel) {
            // pack both operands in one parallel phase: A in chunks of slivers, then B
            int aChunk = Math.max(1, 8192 / Math.max(1, k)), bChunk = Math.max(1, 2048 / Math.max(1, k));
            int aTasks = ceilDiv(mp, aChunk), bTasks = ceilDiv(np, bChunk);
            Parallel.forEach(aTasks + bTasks, t -> {
                if (t < aTasks) {
                    int s0 = t * aChunk, s1 = Math.min(mp, s0 + aChunk);
                    for (int sl = s0; sl < s1; sl++) GemmPacking.packSliverA(transA, m, k, a, aOff, lda, ap, sl);
                } else {
                    int s0 = (t - aTasks) * bChunk, s1 = Math.min(np, s0 + bChunk);
                    for (int sl = s0; sl < s1; sl++) GemmPacking.packSliverB(transB, n, k, b, bOff, ldb, bp, sl);
                }
            });
        } else {
            if (pa == null) GemmPacking.packAllA(transA, m, k, a, aOff, lda, ap, parallel);
            if (pb == null) GemmPacking.packAllB(transB, n, k, b, bOff, ldb, bp, parallel);
        }

        final int rowBlocks = rb, colBlocks = cb;
        forTasks(parallel, rowBlocks * colBlocks, t -> {
            int r = t / colBlocks, q = t % colBlocks;
            int s0 = (int) ((long) mp * r / rowBlocks), s1 = (int) ((long) mp * (r + 1) / rowBlocks);
            int t0 = (int) ((long) np * q / colBlocks), t1 = (int) ((long) np * (q + 1) / colBlocks);
            Scratch mine = parallel ? SCRATCH.get() : s;
            macro(m, n, k, alpha, beta, ap, bp, c, cOff, ldc, s0, s1, t0, t1, mine, streamed, inPlace);
        });
    }

    /**
     * The most B slivers (of {@link #NR} columns) for which op(A) is read in place rather than packed.
     * Over one sliver each element of A is used once, so packing it costs a pass over A for nothing:
     * one thread, 512 x 512 x 64 (M x K x N, the Winograd point products of a 4x4 image at batch 64)
     * ran at 136 GFLOPS packed and 179-203 in place; over two to four slivers it still paid
     * (512 x 512 x 128 157 -> 182, 2048 x 512 x 128 137 -> 177; 512 x 512 x 256 the same either way).
     */
    static final int IN_PLACE_MAX_SLIVERS = 4;

    /** Whether op(A) may be read in place (tests turn it off to compare with the packed path). */
    static volatile boolean inPlaceA = true;

    /** Unpacked op(A), read in place by the tiles of full slivers. */
    private record InPlaceA(boolean transA, float[] a, int aOff, int lda) {
        /** Where op(A)'s row i0 starts in a (k 0). */
        int rowOffset(int i0) {
            return transA ? aOff + i0 : aOff + i0 * lda;
        }
    }

    /** Unpacked op(B), for a task to pack its slivers' K blocks itself just before use. */
    private record StreamedB(boolean transB, float[] b, int bOff, int ldb) {
        /** Where op(B)'s row p0 starts in b (column 0). */
        int rowOffset(int p0) {
            return transB ? bOff + p0 : bOff + p0 * ldb;
        }
    }

    /**
     * Computes the C tiles of A slivers [s0, s1) x B slivers [t0, t1), K block by K block; with
     * {@code streamed} each B sliver's K block is packed into the scratch's block buffer first (the
     * same values the whole-K packing holds, so the same results).
     */
    private static void macro(int m, int n, int k, float alpha, float beta, float[] ap, float[] bp,
                              float[] c, int cOff, int ldc, int s0, int s1, int t0, int t1, Scratch scratch,
                              StreamedB streamed, InPlaceA inPlace) {
        int kcMax = Tuning.GEMM_KC;
        float[] tile = scratch.tile;
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            int mode = pc > 0 ? ACCUM : beta == 0f ? OVERWRITE : BETA;
            for (int t = t0; t < t1; t++) {
                int j0 = t * NR, nc = Math.min(NR, n - j0);
                float[] bs;
                int bi;
                if (streamed == null) {
                    bs = bp;
                    bi = t * NR * k + pc * NR;
                } else {
                    bs = scratch.blockB;
                    bi = 0;
                    GemmPacking.packSliverB(streamed.transB, n, kc, streamed.b, streamed.rowOffset(pc), streamed.ldb, bs, 0, t);
                }
                for (int sl = s0; sl < s1; sl++) {
                    int i0 = sl * MR, mr = Math.min(MR, m - i0);
                    int ai = sl * MR * k + pc * MR;
                    if (inPlace != null && mr == MR) {
                        int ri = inPlace.rowOffset(i0);
                        if (inPlace.transA) GemmTiles.inPlace6x4(kc, inPlace.a, ri + pc * inPlace.lda, 1, inPlace.lda, bs, bi, tile);
                        else GemmTiles.inPlace6x4Rows(kc, inPlace.a, ri + pc, inPlace.lda, bs, bi, tile);
                    } else if (inPlace != null) GemmTiles.packed6x4(kc, ap, pc * MR, bs, bi, tile);
                    else if (!WIDE) GemmTiles.packed4x2(kc, ap, ai, bs, bi, tile);
                    else if (MR == 6) GemmTiles.packed6x4(kc, ap, ai, bs, bi, tile);
                    else GemmTiles.packed5x4(kc, ap, ai, bs, bi, tile);
                    if (mr == MR && nc == NR) {
                        if (WIDE) applyFull(tile, MR, alpha, beta, mode, c, cOff + i0 * ldc + j0, ldc);
                        else applyFull2(tile, MR, alpha, beta, mode, c, cOff + i0 * ldc + j0, ldc);
                    }
                    else applyTile(tile, NR, mr, nc, alpha, beta, mode, c, cOff + i0 * ldc + j0, ldc);
                }
            }
        }
    }

    /**
     * A full MR x NR tile: C = f(raw sums in tile) per mode, four vectors per row. Kept apart from the
     * edge code and free of inner loops so that its compiled form has nothing to deoptimise on (back
     * in the interpreter, vector code is two orders of magnitude slower).
     */
    static void applyFull(float[] tile, int rows, float alpha, float beta, int mode, float[] c, int ci, int ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha), be = FloatVector.broadcast(S, beta);
        boolean scale = alpha != 1f;
        for (int r = 0; r < rows; r++) {
            int t = r * NR, o = ci + r * ldc;
            FloatVector v0 = FloatVector.fromArray(S, tile, t), v1 = FloatVector.fromArray(S, tile, t + VL);
            FloatVector v2 = FloatVector.fromArray(S, tile, t + 2 * VL), v3 = FloatVector.fromArray(S, tile, t + 3 * VL);
            if (scale) {
                v0 = v0.mul(al); v1 = v1.mul(al); v2 = v2.mul(al); v3 = v3.mul(al);
            }
            if (mode == BETA) {
                v0 = v0.add(FloatVector.fromArray(S, c, o).mul(be));
                v1 = v1.add(FloatVector.fromArray(S, c, o + VL).mul(be));
                v2 = v2.add(FloatVector.fromArray(S, c, o + 2 * VL).mul(be));
                v3 = v3.add(FloatVector.fromArray(S, c, o + 3 * VL).mul(be));
            } else if (mode == ACCUM) {
                v0 = FloatVector.fromArray(S, c, o).add(v0);
                v1 = FloatVector.fromArray(S, c, o + VL).add(v1);
                v2 = FloatVector.fromArray(S, c, o + 2 * VL).add(v2);
                v3 = FloatVector.fromArray(S, c, o + 3 * VL).add(v3);
            }
            v0.intoArray(c, o);
            v1.intoArray(c, o + VL);
            v2.intoArray(c, o + 2 * VL);
            v3.intoArray(c, o + 3 * VL);
        }
    }

    /** {@link #applyFull} for a two-vector tile (16 registers): the same operations per element. */
    static void applyFull2(float[] tile, int rows, float alpha, float beta, int mode, float[] c, int ci, int ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha), be = FloatVector.broadcast(S, beta);
        boolean scale = alpha != 1f;
        for (int r = 0; r < rows; r++) {
            int t = r * NR, o = ci + r * ldc;
            FloatVector v0 = FloatVector.fromArray(S, tile, t), v1 = FloatVector.fromArray(S, tile, t + VL);
            if (scale) {
                v0 = v0.mul(al); v1 = v1.mul(al);
            }
            if (mode == BETA) {
                v0 = v0.add(FloatVector.fromArray(S, c, o).mul(be));
                v1 = v1.add(FloatVector.fromArray(S, c, o + VL).mul(be));
            } else if (mode == ACCUM) {
                v0 = FloatVector.fromArray(S, c, o).add(v0);
                v1 = FloatVector.fromArray(S, c, o + VL).add(v1);
            }
            v0.intoArray(c, o);
            v1.intoArray(c, o + VL);
        }
    }

    /**
     * C tile = f(raw sums in tile) per mode, for edge tiles and the thin path: the same float
     * operations as {@link #applyFull} (so an element's value never depends on its position), on
     * whole vectors of a row and then scalar for its tail.
     */
    static void applyTile(float[] tile, int ldt, int rows, int cols, float alpha, float beta, int mode,
                          float[] c, int ci, int ldc) {
        // Whole vectors with the scalar arithmetic (separate multiplies and add, no FMA), so the
        // result is the same bit for bit; with a short k this copy is a large share of the GEMM.
        int full = cols - cols % VL;
        for (int r = 0; r < rows; r++) {
            int t = r * ldt, o = ci + r * ldc, j = 0;
            if (mode == OVERWRITE) {
                for (; j < full; j += VL) FloatVector.fromArray(S, tile, t + j).mul(alpha).intoArray(c, o + j);
                if (j < cols && cols >= VL) {
                    // the last vector overlaps the previous one, whose lanes it rewrites with the same values
                    FloatVector.fromArray(S, tile, t + cols - VL).mul(alpha).intoArray(c, o + cols - VL);
                    j = cols;
                }
                for (; j < cols; j++) c[o + j] = alpha * tile[t + j];
            } else if (mode == BETA) {
                for (; j < full; j += VL) {
                    FloatVector.fromArray(S, tile, t + j).mul(alpha).add(FloatVector.fromArray(S, c, o + j).mul(beta)).intoArray(c, o + j);
                }
                for (; j < cols; j++) c[o + j] = alpha * tile[t + j] + beta * c[o + j];
            } else {
                for (; j < full; j += VL) {
                    FloatVector.fromArray(S, c, o + j).add(FloatVector.fromArray(S, tile, t + j).mul(alpha)).intoArray(c, o + j);
                }
                for (; j < cols; j++) c[o + j] = c[o + j] + alpha * tile[t + j];
            }
        }
    }

    // ------------------------------------------------------------------ thin path (N <= 2 VL)

    /** Vectors per k in the thin path's packed B for this N (1 or 2). */
    static int thinVectors(int n) {
        return n <= VL ? 1 : 2;
    }

    private static void thin(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc,
                             boolean parallel, Scratch s, PackedB pb) {
        int nv = thinVectors(n), w = nv * VL;
        float[] bp;
        if (pb != null) {
            bp = pb.data;
        } else {
            s.b = Scratch.grow(s.b, (long) k * w);
            bp = s.b;
            GemmPacking.packThinB(transB, n, k, b, bOff, ldb, bp);
        }
        int ars = transA ? 1 : lda, aks = transA ? lda : 1;
        int groups = ceilDiv(m, THIN_ROWS);
        int tasks = parallel ? Math.min(groups, 4 * Parallel.threads()) : 1;
        int mode = beta == 0f ? OVERWRITE : BETA;
        forTasks(parallel, tasks, t -> {
            float[] tile = parallel ? SCRATCH.get().tile : s.tile;
            int g0 = (int) ((long) groups * t / tasks), g1 = (int) ((long) groups * (t + 1) / tasks);
            for (int g = g0; g < g1; g++) {
                int i = g * THIN_ROWS, end = Math.min(m, i + THIN_ROWS);
                while (i < end) {
                    int ai = aOff + i * ars;
                    if (THIN_NARROW) {
                        i += thinNarrow(nv, end - i, transA, k, a, ai, lda, ars, aks, bp, tile, alpha, beta, mode, n, c,
                                cOff + i * ldc, ldc);
                        continue;
                    }
                    int rows = end - i >= THIN_ROWS ? THIN_ROWS : end - i >= 6 ? 6 : 1;
                    if (nv == 1) {
                        if (rows == THIN_ROWS && !transA) GemmTiles.thin12x1Rows(k, a, ai, lda, bp, tile);
                        else if (rows == THIN_ROWS) GemmTiles.thin12x1(k, a, ai, ars, aks, bp, tile);
                        else if (rows == 6) GemmTiles.thin6x1(k, a, ai, ars, aks, bp, tile);
                        else GemmTiles.thin1x1(k, a, ai, ars, aks, bp, tile);
                    } else {
                        if (rows == THIN_ROWS && !transA) GemmTiles.thin12x2Rows(k, a, ai, lda, bp, tile);
                        else if (rows == THIN_ROWS) GemmTiles.thin12x2(k, a, ai, ars, aks, bp, tile);
                        else if (rows == 6) GemmTiles.thin6x2(k, a, ai, ars, aks, bp, tile);
                        else GemmTiles.thin1x2(k, a, ai, ars, aks, bp, tile);
                    }
                    applyTile(tile, w, rows, n, alpha, beta, mode, c, cOff + i * ldc, ldc);
                    i += rows;
                }
            }
        });
    }

    /** One 16-register thin tile (8, 4 or 1 rows of one B vector; 4 or 1 rows of two) at row ai; returns its rows. */
    private static int thinNarrow(int nv, int left, boolean transA, int k, float[] a, int ai, int lda, int ars, int aks,
                                  float[] bp, float[] tile, float alpha, float beta, int mode, int n, float[] c, int ci,
                                  int ldc) {
        int rows;
        if (nv == 1) {
            rows = left >= 8 ? 8 : left >= 4 ? 4 : 1;
            if (rows == 8 && !transA) GemmTiles.thin8x1Rows(k, a, ai, lda, bp, tile);
            else if (rows == 8) GemmTiles.thin8x1(k, a, ai, ars, aks, bp, tile);
            else if (rows == 4) GemmTiles.thin4x1(k, a, ai, ars, aks, bp, tile);
            else GemmTiles.thin1x1(k, a, ai, ars, aks, bp, tile);
        } else {
            rows = left >= 4 ? 4 : 1;
            if (rows == 4 && !transA) GemmTiles.thin4x2Rows(k, a, ai, lda, bp, tile);
            else if (rows == 4) GemmTiles.thin4x2(k, a, ai, ars, aks, bp, tile);
            else GemmTiles.thin1x2(k, a, ai, ars, aks, bp, tile);
        }
        applyTile(tile, nv * VL, rows, n, alpha, beta, mode, c, ci, ldc);
        return rows;
    }
}
