package ttl4j.engine.conv;

/**
 * The arithmetic of the Winograd transforms: a small constant matrix times a few long rows,
 * {@code D (R, n) = M (R, I) S (I, n)}, the n columns being independent tiles. Every tile
 * transform of {@link WinogradConv} (input, filter and output, and their transposes) is two of
 * these, one along each tile axis. Implemented by {@link ScalarWinogradTransforms} (the
 * specification and fallback) and by the Vector API in {@code ttl4j.engine.simd}; both give the
 * same bits: each element is the product with the first non-zero {@code M[r, i]}, then
 * {@code fma}-accumulated over the other non-zero ones in increasing i (0 when there are none).
 * Public only so the vector implementation in the simd package can implement it; not an API.
 */
public interface WinogradTransforms {
    /**
     * {@code dst[dOff + r dStride + j] = sum_i mat[r rowsIn + i] src[sOff + i sStride + j]} for
     * r in [0, rowsOut), j in [0, n); zero coefficients are skipped; at most 6 inputs (rowsIn).
     * dst must not overlap src.
     */
    void combine(int rowsOut, int rowsIn, float[] mat, float[] src, int sOff, int sStride, float[] dst, int dOff,
                 int dStride, int n);

    /**
     * {@code dst[dOff + j] = src[sOff + idx[iOff + j]]} for j in [0, n): the window gathers of the
     * transforms, from zero-padded strips (so every index is inside src). dst must not overlap src.
     */
    void gather(float[] src, int sOff, int[] idx, int iOff, float[] dst, int dOff, int n);

    /** {@code dst[dOff + j] = src[sOff + idx[iOff + j]] + add} for j in [0, n) (the output tiles with their bias). */
    void gatherAdd(float[] src, int sOff, int[] idx, int iOff, float add, float[] dst, int dOff, int n);

    /**
     * One zero-padded strip row: {@code dst[dOff + pad + j] = src[sOff + j]} for j in [0, width),
     * the rest of {@code dst[dOff, dOff + dWidth)} zero ({@code pad + width <= dWidth}). It may also
     * write zeros past the row, up to 64 floats from dOff but inside dst (where the next row of
     * strips goes: strips are written in order). dst must not overlap src.
     */
    void padRow(float[] src, int sOff, int width, int pad, float[] dst, int dOff, int dWidth);

    /**
     * One row of tile windows read straight from image rows: for i in [0, count) and j in [0, n),
     * with tile row {@code rr = j / tilesW} and column {@code col = (j % tilesW) m + col0 + i},
     * {@code dst[dOff + i dStride + j] = src[rows[rr] + col]}, or 0 where {@code rows[rr] < 0} (a
     * row outside the image) or col is outside [0, width) (the padding). dst must not overlap src.
     */
    void windowRow(float[] src, int[] rows, int tilesW, int m, int count, int col0, int width, float[] dst, int dOff,
                   int dStride, int n);

    /**
     * The transpose of {@link #windowRow} for one tile row, added into dst in this order: for r in
     * [0, rowCount) with {@code rows[r] >= 0}, i in [0, count), j in [0, tilesW) whose column
     * {@code col = j m + col0 + i} is inside [0, width):
     * {@code dst[rows[r] + col] += src[sOff + (r count + i) sStride + j]}. Nothing outside those
     * columns is written. dst must not overlap src.
     */
    void windowsAdd(float[] src, int sOff, int sStride, int[] rows, int rowCount, int tilesW, int m, int count, int col0,
                    int width, float[] dst);

    /**
     * One output row from its tiles' columns: for j in [0, tilesW) and i in [0, m) with
     * {@code col = j m + i < width}, {@code dst[dOff + col] = src[sOff + i sStride + j]}, plus
     * {@code addend} when {@code add}. Nothing past width is written. dst must not overlap src.
     */
    void windowsStore(float[] src, int sOff, int sStride, int tilesW, int m, int width, boolean add, float addend, float[] dst,
                      int dOff);

    /**
     * Whether {@link #windowRow} (and {@link #windowsAdd}, {@link #windowsStore}) runs at full speed for tiles of width m, tilesW to a tile row, and
     * m or m + 2 columns (the vector form needs each tile row to be whole vectors' worth of tiles); where it does not,
     * it is still exact, but the zero-padded strips and {@link #gather} are faster.
     */
    boolean windowsFast(int tilesW, int m);

    /** A short name for reports. */
    String name();
}
