package ttl4j.engine.simd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the register tiles of the vector kernels, {@code GemmTiles.java}, {@code SliceTiles.java}
 * and {@code ContractionTiles.java} in {@code ttl4j.engine.simd}, from one template per family,
 * parameterised by the tile's rows and vector columns. The tiles are written out in full, one
 * named local per accumulator and per shared operand, as the hand-written tiles were: that is the
 * form whose compiled code keeps every accumulator in a register, and writing it by hand for each
 * shape is what this generator replaces.
 *
 * <p>Run it from the repository root as a single-file program (it needs nothing but the JDK):
 * <pre>
 * java engine/src/test/java/ttl4j/engine/simd/TileGenerator.java
 * </pre>
 * which rewrites the three files in {@code engine/src/main/java/ttl4j/engine/simd/} (or in the
 * folder given as the only argument). {@code GeneratedTilesTest} runs it in memory and fails when
 * a committed file differs from its output.
 *
 * <p>The constraints that shaped the hand-written tiles hold for every generated one:
 * <ul>
 * <li>Methods stay small: C1 gives up on a large one ("out of virtual registers") and on JDK 17 a
 * kernel can then stay interpreted for seconds. So the GEMM tiles only write raw sums to a small
 * L1-resident tile, and alpha, beta and C are applied by their caller.
 * <li>No helper takes a vector argument: an un-inlined call would box every accumulator. The slice
 * tiles therefore store their accumulators themselves (directly into Y for a full tile with beta
 * 0, else into a scratch tile that a scalar helper writes back).
 * <li>One flat loop per tile: with the accumulators live across two nested loops, JDK 17's compiler
 * kept them boxed (the contraction tile ran far slower), so the contraction walks p and the
 * vectors of a row in one loop.
 * <li>The summation order is part of the result: each accumulator sums its products with fused
 * multiply-adds from zero in increasing k (i for the slices; p, then the vectors of a row, for the
 * contraction), one broadcast or loaded row feeding a whole row or column of the tile. The templates
 * emit the loads, broadcasts, FMAs and stores of the hand-written tiles they replaced in the same
 * order, so the bytecode is the same instruction for instruction (up to the numbering of locals) and
 * results are bitwise unchanged.
 * </ul>
 */
public final class TileGenerator {
    private TileGenerator() {}

    /** Where the generated files live, relative to the repository root. */
    static final String DIR = "engine/src/main/java/ttl4j/engine/simd";
    /** How to regenerate, as the generated files and the test say it. */
    static final String COMMAND = "java engine/src/test/java/ttl4j/engine/simd/TileGenerator.java";
    private static final int WIDTH = 120;

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Path.of(DIR);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no folder " + dir.toAbsolutePath()
                    + ": run from the repository root or give the folder of ttl4j.engine.simd as the argument");
        }
        for (Map.Entry<String, String> e : sources().entrySet()) {
            Path f = dir.resolve(e.getKey());
            String old = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
            boolean same = e.getValue().equals(old);
            if (!same) Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
            System.out.println((same ? "unchanged " : "wrote     ") + f);
        }
    }

    /** File name to content, for every generated file. */
    public static Map<String, String> sources() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("GemmTiles.java", gemmTiles());
        files.put("SliceTiles.java", sliceTiles());
        files.put("ContractionTiles.java", contractionTiles());
        return files;
    }

    // ------------------------------------------------------------------ GEMM: A x packed B into a raw-sum tile

    /** How a GEMM tile reads A. */
    enum ASource {
        /** Packed k-major, one float per tile row per k ({@code ap[ai + p * rows + r]}), K block kc. */
        PACKED,
        /** In place, row stride ars and k stride aks (op(A) either way round). */
        STRIDED,
        /** In place, row-major (k stride 1), so the JIT hoists the bounds checks. */
        ROWS,
        /** In place (row stride ars, k stride aks) against a packed B sliver of the blocked path, K block kc. */
        SLIVER,
        /** In place, row-major, against a packed B sliver of the blocked path, K block kc. */
        SLIVER_ROWS
    }

    private static String gemmTiles() {
        Src s = header("GemmTiles", List.of("jdk.incubator.vector.FloatVector", "jdk.incubator.vector.VectorSpecies"));
        s.line("/**");
        s.line(" * The GEMM's register tiles ({@code VectorGemm}): rows of op(A) times packed op(B) into raw sums, tile");
        s.line(" * row r vector j at {@code (r * vectors + j) * VL}. The blocked path's micro-kernels read a packed A sliver");
        s.line(" * (or, over a single B sliver, A in place) and a B sliver of {@link #NR} floats per k; the thin path's read");
        s.line(" * A in place and one or two packed B vectors per k. Raw sums go to a small L1-resident tile and alpha, beta and C are applied by the");
        s.line(" * caller: keeping these methods small matters, since C1 gives up on a larger one (\"out of virtual");
        s.line(" * registers\") and on JDK 17 the kernel can then stay interpreted for seconds.");
        s.line(" */");
        s.line("final class GemmTiles {");
        s.line("    private GemmTiles() {}");
        s.line("");
        s.line("    static final VectorSpecies<Float> S = Species.F;");
        s.line("    static final int VL = Species.VL;");
        s.line("    /** Floats per k of a four-vector packed B sliver, for 32 vector registers (6 x 4 accumulators fit). */");
        s.line("    static final int NR4 = 4 * VL;");
        s.line("    /** Floats per k of a two-vector packed B sliver, for 16 vector registers (AVX2: 4 x 2 accumulators). */");
        s.line("    static final int NR2 = 2 * VL;");
        s.line("    /** Floats per k of a packed B sliver of the blocked path: as wide as the register file allows. */");
        s.line("    static final int NR = Species.REGISTERS >= 32 ? NR4 : NR2;");
        gemm(s, "packed6x4", ASource.PACKED, 6, 4);
        gemm(s, "packed5x4", ASource.PACKED, 5, 4);
        gemm(s, "packed4x2", ASource.PACKED, 4, 2);
        // the blocked path's tile over a single B sliver, A read where it is (each element is used once)
        gemm(s, "inPlace6x4Rows", ASource.SLIVER_ROWS, 6, 4);
        gemm(s, "inPlace6x4", ASource.SLIVER, 6, 4);
        gemm(s, "thin12x1Rows", ASource.ROWS, 12, 1);
        gemm(s, "thin12x1", ASource.STRIDED, 12, 1);
        gemm(s, "thin6x1", ASource.STRIDED, 6, 1);
        gemm(s, "thin1x1", ASource.STRIDED, 1, 1);
        gemm(s, "thin12x2Rows", ASource.ROWS, 12, 2);
        gemm(s, "thin12x2", ASource.STRIDED, 12, 2);
        gemm(s, "thin6x2", ASource.STRIDED, 6, 2);
        gemm(s, "thin1x2", ASource.STRIDED, 1, 2);
        // the thin tiles for 16 registers: at most 8 accumulators and their operands
        gemm(s, "thin8x1Rows", ASource.ROWS, 8, 1);
        gemm(s, "thin8x1", ASource.STRIDED, 8, 1);
        gemm(s, "thin4x1", ASource.STRIDED, 4, 1);
        gemm(s, "thin4x2Rows", ASource.ROWS, 4, 2);
        gemm(s, "thin4x2", ASource.STRIDED, 4, 2);
        s.line("}");
        return s.toString();
    }

    /** One GEMM tile: rows x vecs accumulators c{r}_{j}, one broadcast of A per row feeding the row's vecs FMAs. */
    static void gemm(Src s, String name, ASource src, int rows, int vecs) {
        boolean sliver = src == ASource.PACKED || src == ASource.SLIVER || src == ASource.SLIVER_ROWS;
        if (sliver && vecs != 4 && vecs != 2) throw new IllegalArgumentException("packed B slivers are 4 or 2 vectors wide");
        s.line("");
        String plural = vecs == 1 ? "vector" : "vectors";
        switch (src) {
            case PACKED -> {
                s.line("    /** The " + rows + " x (" + vecs + " vectors) micro-kernel over kc packed k steps; raw sums to tile (" + rows
                        + " x NR" + vecs + ", row-major). */");
                s.line("    static void " + name + "(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {");
            }
            case STRIDED -> {
                s.line("    /** " + rows + (rows == 1 ? " row" : " rows") + " of op(A) in place (row stride ars, k stride aks) times "
                        + vecs + " packed B " + plural + " per k; raw sums to tile. */");
                s.line("    static void " + name + "(int k, float[] a, int ai, int ars, int aks, float[] bp, float[] tile) {");
            }
            case ROWS -> {
                s.line("    /** " + rows + " rows of row-major A (k stride 1, so the JIT hoists the bounds checks) times "
                        + vecs + " packed B " + plural + " per k. */");
                s.line("    static void " + name + "(int k, float[] a, int ai, int lda, float[] bp, float[] tile) {");
            }
            case SLIVER -> {
                s.line("    /** " + rows + " rows of op(A) in place (row stride ars, k stride aks) times a packed B sliver (NR" + vecs
                        + " floats per k from bi) over kc k steps; raw sums to tile. */");
                s.line("    static void " + name + "(int kc, float[] a, int ai, int ars, int aks, float[] bp, int bi, float[] tile) {");
            }
            case SLIVER_ROWS -> {
                s.line("    /** " + rows + " rows of row-major A in place times a packed B sliver (NR" + vecs
                        + " floats per k from bi) over kc k steps; raw sums to tile. */");
                s.line("    static void " + name + "(int kc, float[] a, int ai, int lda, float[] bp, int bi, float[] tile) {");
            }
        }
        String in = "        ";
        s.declare(in, "FloatVector", accumulators("c", rows, vecs, "FloatVector.zero(S)"), vecs);
        boolean strided = src == ASource.STRIDED || src == ASource.SLIVER;
        String rowStride = strided ? "ars" : "lda";
        if (src != ASource.PACKED && rows > 1) {
            List<String> offs = new ArrayList<>();
            for (int r = 1; r < rows; r++) offs.add("a" + r + " = " + (r == 1 ? "ai" : "a" + (r - 1)) + " + " + rowStride);
            s.declare(in, "int", offs, 0);
        }
        String count = sliver ? "kc" : "k";
        s.line(in + "for (int p = 0; p < " + count + "; p++) {");
        String body = in + "    ";
        String bBase;
        if (src == ASource.PACKED) {
            s.line(body + "int bo = bi + p * NR" + vecs + ", ao = ai + p * " + rows + ";");
            bBase = "bo";
        } else if (sliver) {
            s.line(body + "int bo = bi + p * NR" + vecs + ";");
            bBase = "bo";
        } else {
            bBase = vecs == 1 ? "p * VL" : "p * " + vecs + " * VL";
        }
        for (int j = 0; j < vecs; j++) {
            s.line(body + "FloatVector b" + j + " = FloatVector.fromArray(S, bp, " + plus(bBase, vl(j)) + ");");
        }
        if (strided) s.line(body + "int q = p * aks;");
        for (int r = 0; r < rows; r++) {
            String elem = switch (src) {
                case PACKED -> "ap[" + plus("ao", r == 0 ? "" : String.valueOf(r)) + "]";
                case STRIDED, SLIVER -> "a[" + (r == 0 ? "ai" : "a" + r) + " + q]";
                case ROWS, SLIVER_ROWS -> "a[" + (r == 0 ? "ai" : "a" + r) + " + p]";
            };
            String broadcast = "FloatVector.broadcast(S, " + elem + ")";
            if (vecs == 1) {
                // a broadcast that feeds a single FMA is not kept in a variable
                s.line(body + acc("c", r, 0) + " = b0.fma(" + broadcast + ", " + acc("c", r, 0) + ");");
                continue;
            }
            List<String> fmas = new ArrayList<>();
            for (int j = 0; j < vecs; j++) fmas.add(acc("c", r, j) + " = b" + j + ".fma(x, " + acc("c", r, j) + ");");
            s.broadcastRow(body, (r == 0 ? "FloatVector " : "") + "x = " + broadcast + ";", fmas);
        }
        s.line(in + "}");
        s.line(in + "// raw sums only, alpha, beta and C being the caller's: C1 gives up on a larger method");
        List<String> stores = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < vecs; j++) stores.add(acc("c", r, j) + ".intoArray(tile, " + vl(r * vecs + j) + ");");
        }
        s.statements(in, stores, vecs);
        s.line("    }");
    }

    // ------------------------------------------------------------------ slices: U block x column vectors of T into Y

    private static String sliceTiles() {
        Src s = header("SliceTiles", List.of("jdk.incubator.vector.FloatVector", "jdk.incubator.vector.VectorSpecies"));
        s.line("/**");
        s.line(" * The register tiles of the middle-mode slice product ({@code VectorModeProduct}): rows kb.. of Y for four");
        s.line(" * column vectors c.. taken from consecutive slices of T in place, over all i, with U packed k-interleaved");
        s.line(" * so that each i broadcasts consecutive floats. No helper takes a vector argument, since an un-inlined");
        s.line(" * call would box every accumulator: a full tile with beta 0 stores alpha times its sums straight into Y,");
        s.line(" * the others through a scratch tile (row r, vector j at {@code (r * 4 + j) * VL}) that");
        s.line(" * {@code VectorModeProduct.writeEdge} writes back in scalar code.");
        s.line(" */");
        s.line("final class SliceTiles {");
        s.line("    private SliceTiles() {}");
        s.line("");
        s.line("    static final VectorSpecies<Float> S = Species.F;");
        s.line("    static final int VL = Species.VL;");
        slice(s, 4, 4);
        slice(s, 5, 4);
        s.line("}");
        return s.toString();
    }

    /** One slice tile: rows (of U and Y) x vecs (column vectors of T and Y) accumulators a{r}_{j}. */
    static void slice(Src s, int rows, int vecs) {
        // writeEdge reads the scratch tile with four vectors per row and the edge buffer holds 5 x 4 vectors
        if (vecs != 4 || rows > 5) throw new IllegalArgumentException("slice tiles are at most 5 rows by exactly 4 vectors");
        String name = "tile" + rows + "x" + vecs;
        s.line("");
        s.line("    /**");
        s.line("     * Rows kb..kb+rows-1 (rows <= " + rows + ") of Y for column vectors c..c+nv-1 (nv <= " + vecs + "), "
                + rows + " x " + vecs + " vectors over all i;");
        s.line("     * missing column vectors repeat the last one (tj) and missing rows read U's zero padding.");
        s.line("     */");
        List<String> ts = new ArrayList<>();
        for (int j = 0; j < vecs; j++) ts.add("int t" + j);
        String head = "    static void " + name + "(";
        String cont = " ".repeat(head.length());
        s.line(head + "int in, int q, float[] up, int ui, float[] t, " + String.join(", ", ts) + ",");
        s.line(cont + "int rows, int nv, float alpha, float beta, float[] y, int yOff, int c, int qv, int k,");
        s.line(cont + "int kb, float[] tile) {");
        String in = "        ";
        s.declare(in, "FloatVector", accumulators("a", rows, vecs, "FloatVector.zero(S)"), vecs);
        s.line(in + "for (int i = 0, to = 0; i < in; i++, to += q, ui += " + rows + ") {");
        String body = in + "    ";
        for (int j = 0; j < vecs; j++) s.line(body + "FloatVector b" + j + " = FloatVector.fromArray(S, t, t" + j + " + to);");
        for (int r = 0; r < rows; r++) {
            List<String> fmas = new ArrayList<>();
            for (int j = 0; j < vecs; j++) fmas.add(acc("a", r, j) + " = w.fma(b" + j + ", " + acc("a", r, j) + ");");
            s.broadcastRow(body, (r == 0 ? "FloatVector " : "") + "w = FloatVector.broadcast(S, up["
                    + plus("ui", r == 0 ? "" : String.valueOf(r)) + "]);", fmas);
        }
        s.line(in + "}");
        s.line(in + "// No helper takes a vector argument: an un-inlined call would box every accumulator.");
        s.line(in + "if (beta == 0f && rows == " + rows + " && nv == " + vecs + ") {");
        List<String> ys = new ArrayList<>();
        for (int j = 0; j < vecs; j++) {
            ys.add("y" + j + " = VectorModeProduct.yBase(" + plus("c", j == 0 ? "" : String.valueOf(j)) + ", qv, k, q, yOff) + kb * q");
        }
        s.declare(body, "int", ys, 0);
        List<String> direct = new ArrayList<>(), edge = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            String row = r == 0 ? "" : r == 1 ? "q" : r + " * q";
            for (int j = 0; j < vecs; j++) {
                direct.add(acc("a", r, j) + ".mul(alpha).intoArray(y, " + plus("y" + j, row) + ");");
                edge.add(acc("a", r, j) + ".mul(alpha).intoArray(tile, " + vl(r * vecs + j) + ");");
            }
        }
        s.statements(body, direct, vecs);
        s.line(body + "return;");
        s.line(in + "}");
        s.line(in + "// edge tiles and beta != 0: through the scratch tile, row r vector j at (r * " + vecs + " + j) * VL");
        s.statements(in, edge, vecs);
        s.line(in + "VectorModeProduct.writeEdge(tile, rows, nv, beta, y, yOff, c, qv, k, q, kb);");
        s.line("    }");
    }

    // ------------------------------------------------------------------ contraction: rows of X times rows of Y, per lane

    private static String contractionTiles() {
        Src s = header("ContractionTiles", List.of("jdk.incubator.vector.FloatVector", "jdk.incubator.vector.IntVector",
                "jdk.incubator.vector.VectorSpecies"));
        s.line("/**");
        s.line(" * The register tiles of the contraction ({@code VectorContraction}): rows ib.. of X times rows kb.. of Y,");
        s.line(" * lane by lane, accumulated over every p and every vector of a row, into");
        s.line(" * {@code lanes[(r * yRows + j) * VL + l]}; rows past ni or nk repeat the last real one (their results are");
        s.line(" * not read). The p and row-vector loops are one flat loop: with the accumulators live across two nested");
        s.line(" * loops, JDK 17's compiler kept them boxed and the kernel ran far slower. On a row's last vector,");
        s.line(" * which starts at Q - VL, the lanes already counted are cleared in X with an AND on their bits.");
        s.line(" */");
        s.line("final class ContractionTiles {");
        s.line("    private ContractionTiles() {}");
        s.line("");
        s.line("    static final VectorSpecies<Float> S = Species.F;");
        s.line("    static final int VL = Species.VL;");
        contraction(s, 4, 4);
        contraction(s, 4, 5);
        s.line("}");
        return s.toString();
    }

    /** One contraction tile: xRows x yRows accumulators a{r}_{j}, one loaded row of Y feeding a column of the tile. */
    static void contraction(Src s, int xRows, int yRows) {
        String name = "tile" + xRows + "x" + yRows;
        s.line("");
        s.line("    /** " + xRows + " rows of X by " + yRows + " rows of Y (see the class comment). */");
        String head = "    static void " + name + "(";
        s.line(head + "int p, int in, int q, int k, int qv, int skip, IntVector keep, int ib, int ni,");
        s.line(" ".repeat(head.length()) + "int kb, int nk, float[] x, int xOff, float[] y, int yOff, float[] lanes) {");
        String in = "        ";
        s.declare(in, "int", rowOffsets("xr", "ib", "ni", xRows), 0);
        s.declare(in, "int", rowOffsets("yr", "kb", "nk", yRows), 0);
        s.declare(in, "FloatVector", accumulators("a", xRows, yRows, "FloatVector.zero(S)"), yRows);
        s.line(in + "int xStride = in * q, yStride = k * q;");
        s.line(in + "// one flat loop over p and the row's vectors: nested loops left the accumulators boxed on JDK 17");
        s.line(in + "for (int t = 0, total = p * qv, v = 0, xs = xOff, ys = yOff; t < total; t++) {");
        String body = in + "    ";
        s.line(body + "int o = Math.min(v * VL, q - VL);");
        for (int r = 0; r < xRows; r++) s.line(body + "FloatVector x" + r + " = FloatVector.fromArray(S, x, xs + xr" + r + " + o);");
        s.line(body + "if (skip > 0 && v == qv - 1) {");
        for (int r = 0; r < xRows; r++) s.line(body + "    x" + r + " = x" + r + ".reinterpretAsInts().and(keep).reinterpretAsFloats();");
        s.line(body + "}");
        for (int j = 0; j < yRows; j++) {
            List<String> fmas = new ArrayList<>();
            for (int r = 0; r < xRows; r++) fmas.add(acc("a", r, j) + " = x" + r + ".fma(w, " + acc("a", r, j) + ");");
            s.broadcastRow(body, (j == 0 ? "FloatVector " : "") + "w = FloatVector.fromArray(S, y, ys + yr" + j + " + o);", fmas);
        }
        s.line(body + "if (++v == qv) {");
        s.line(body + "    v = 0;");
        s.line(body + "    xs += xStride;");
        s.line(body + "    ys += yStride;");
        s.line(body + "}");
        s.line(in + "}");
        List<String> stores = new ArrayList<>();
        for (int r = 0; r < xRows; r++) {
            for (int j = 0; j < yRows; j++) stores.add(acc("a", r, j) + ".intoArray(lanes, " + vl(r * yRows + j) + ");");
        }
        s.statements(in, stores, yRows);
        s.line("    }");
    }

    /** {@code xr0 = ib * q, xr1 = (ib + Math.min(1, ni - 1)) * q, ...}: rows past n repeat the last real one. */
    private static List<String> rowOffsets(String var, String first, String n, int rows) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            out.add(var + r + " = " + (r == 0 ? first + " * q" : "(" + first + " + Math.min(" + r + ", " + n + " - 1)) * q"));
        }
        return out;
    }

    // ------------------------------------------------------------------ text helpers

    private static Src header(String cls, List<String> imports) {
        Src s = new Src();
        s.line("// Generated by ttl4j.engine.simd.TileGenerator from its templates; do not edit by hand.");
        s.line("// Change the generator and run, from the repository root:");
        s.line("//   " + COMMAND);
        s.line("// (GeneratedTilesTest fails when this file differs from the generator's output.)");
        s.line("package ttl4j.engine.simd;");
        s.line("");
        for (String i : imports) s.line("import " + i + ";");
        s.line("");
        return s;
    }

    /** Accumulator names in row-major order, the first initialised to init and the rest copying it. */
    private static List<String> accumulators(String letter, int rows, int cols, String init) {
        List<String> out = new ArrayList<>();
        String first = acc(letter, 0, 0);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) out.add(acc(letter, r, j) + " = " + (r == 0 && j == 0 ? init : first));
        }
        return out;
    }

    private static String acc(String letter, int r, int j) {
        return letter + r + "_" + j;
    }

    /** {@code j * VL} as it reads best. */
    private static String vl(int j) {
        return j == 0 ? "0" : j == 1 ? "VL" : j + " * VL";
    }

    private static String plus(String a, String b) {
        return b.isEmpty() || b.equals("0") ? a : a + " + " + b;
    }

    /** Java source being written, wrapping declarations and runs of statements at {@link #WIDTH} columns. */
    static final class Src {
        private final StringBuilder b = new StringBuilder();

        void line(String text) {
            b.append(text.stripTrailing()).append('\n');
        }

        /**
         * {@code type x = ..., y = ...;}, each group of items (a tile row, or all of them when group is
         * below 3) on as many lines, each its own declaration, as the widest group needs.
         */
        void declare(String indent, String type, List<String> items, int group) {
            for (List<String> run : runs(indent.length() + type.length() + 2, items, group, 2)) {
                line(indent + type + " " + String.join(", ", run) + ";");
            }
        }

        /** Statements side by side, grouped as for {@link #declare}. */
        void statements(String indent, List<String> items, int group) {
            for (List<String> run : runs(indent.length(), items, group, 1)) line(indent + String.join(" ", run));
        }

        /** A shared operand (a broadcast or a loaded row) and the FMAs it feeds: one line if they fit, else two. */
        void broadcastRow(String indent, String operand, List<String> fmas) {
            List<String> all = new ArrayList<>();
            all.add(operand);
            all.addAll(fmas);
            if (balanced(indent.length(), all, 1, 1).size() == 1) {
                line(indent + String.join(" ", all));
            } else {
                line(indent + operand);
                statements(indent, fmas, 0);
            }
        }

        private static List<List<String>> runs(int start, List<String> items, int group, int sep) {
            int size = group < 3 ? items.size() : group;
            List<List<String>> groups = new ArrayList<>();
            for (int i = 0; i < items.size(); i += size) groups.add(items.subList(i, Math.min(items.size(), i + size)));
            int lines = 1;
            for (List<String> g : groups) lines = Math.max(lines, balanced(start, g, sep, 1).size());
            List<List<String>> out = new ArrayList<>();
            for (List<String> g : groups) out.addAll(balanced(start, g, sep, Math.min(lines, g.size())));
            return out;
        }

        /** The items in the fewest runs, at least minLines, of equal length (the last shorter) that fit the width. */
        private static List<List<String>> balanced(int start, List<String> items, int sep, int minLines) {
            for (int lines = minLines; ; lines++) {
                int per = (items.size() + lines - 1) / lines;
                List<List<String>> runs = new ArrayList<>();
                boolean fits = true;
                for (int i = 0; i < items.size(); i += per) {
                    List<String> run = items.subList(i, Math.min(items.size(), i + per));
                    int len = start + (run.size() - 1) * sep;
                    for (String item : run) len += item.length();
                    fits &= len <= WIDTH || run.size() == 1;
                    runs.add(run);
                }
                if (fits) return runs;
            }
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
