package ttl4j.cli;

import java.util.Arrays;
import java.util.Locale;
import ttl4j.ttl.decomp.RankSpec;

/**
 * The rank rule of {@code ttl compress}, from its options: explicit ranks ({@code --ranks R:S},
 * {@code S,R} in the weight tensor's mode order, or {@code R} with {@code --out-rank}), an energy
 * fraction or a parameter budget, checked against the weight tensor {@code J_1..J_M x I_1..I_N}.
 * Every mistake is a one-line {@link Main.UserError} naming the option and the values.
 */
final class CompressionRanks {
    private CompressionRanks() {}

    /** Explicit ranks: the output modes' and the input modes'. */
    record Ranks(int[] out, int[] in) {}

    /**
     * The rank rule for a weight with output shape {@code outS} and input shape {@code in}: exactly one
     * of {@code ranks}, {@code energy} and {@code paramBudget} is set; {@code outRank} (may be null)
     * fixes the output ranks.
     */
    static RankSpec rankSpec(String ranks, Double energy, Double paramBudget, String outRank, int[] outS, int[] in) {
        int[] fixedOut = outRank != null ? dims("--out-rank", outRank) : null;
        if (fixedOut != null && fixedOut.length == 1 && outS.length > 1) fixedOut = fill(outS.length, fixedOut[0]);
        if (fixedOut != null && fixedOut.length != outS.length) {
            throw new Main.UserError("--out-rank " + outRank + " gives " + fixedOut.length + " ranks for " + outS.length
                    + " output modes (--out-shape " + text(outS) + ")");
        }
        if (ranks != null) {
            Ranks r = parseRanks(ranks, outS.length, in.length, fixedOut);
            checkRanks("output", r.out(), outS, "--out-shape");
            checkRanks("input", r.in(), in, "--in-shape");
            int[] all = new int[outS.length + in.length];
            System.arraycopy(r.out(), 0, all, 0, outS.length);
            System.arraycopy(r.in(), 0, all, outS.length, in.length);
            checkCombined(outS, in, all);
            return RankSpec.explicit(all);
        }
        RankSpec s;
        if (energy != null) {
            s = RankSpec.energy(energy);
        } else {
            double weights = (double) prod(in) * prod(outS);
            double f = paramBudget <= 1 ? paramBudget : paramBudget / weights;
            if (f > 1) {
                throw new Main.UserError(String.format(Locale.ROOT, "--param-budget %.0f is more than the dense layer's %.0f weights",
                        paramBudget, weights));
            }
            s = RankSpec.budget(f);
        }
        if (fixedOut != null) {
            checkRanks("output", fixedOut, outS, "--out-shape");
            for (int m = 0; m < fixedOut.length; m++) s = s.withFixed(m, fixedOut[m]);
        }
        return s;
    }

    /** {@code R:S}, {@code S,R} (tensor order) or {@code R} with the output ranks from --out-rank. */
    static Ranks parseRanks(String text, int nOut, int nIn, int[] fixedOut) {
        String t = text.trim();
        if (t.contains(",")) {
            if (fixedOut != null) throw new Main.UserError("--out-rank cannot be combined with --ranks " + text + " (it gives every rank)");
            int[] all = parseList("--ranks", t, ",");
            if (all.length != nOut + nIn) {
                throw new Main.UserError("--ranks " + text + " gives " + all.length + " ranks; the weight tensor has " + (nOut + nIn)
                        + " modes (" + nOut + " output, then " + nIn + " input)");
            }
            return new Ranks(Arrays.copyOfRange(all, 0, nOut), Arrays.copyOfRange(all, nOut, all.length));
        }
        String[] parts = t.split(":", -1);
        if (parts.length > 2) throw new Main.UserError("--ranks " + text + ": expected R:S, e.g. 5x5:10");
        int[] in = parseList("--ranks", parts[0], "[xX]");
        int[] out;
        if (parts.length == 2) {
            if (fixedOut != null) throw new Main.UserError("--out-rank cannot be combined with --ranks " + text + " (it gives the output ranks)");
            out = parseList("--ranks", parts[1], "[xX]");
        } else if (fixedOut != null) {
            out = fixedOut;
        } else {
            throw new Main.UserError("--ranks " + text + " gives no output rank: write R:S (e.g. 5x5:10) or add --out-rank S");
        }
        if (in.length == 1 && nIn > 1) in = fill(nIn, in[0]);
        if (out.length == 1 && nOut > 1) out = fill(nOut, out[0]);
        if (in.length != nIn) {
            throw new Main.UserError("--ranks " + text + " gives " + in.length + " input ranks for " + nIn + " input modes");
        }
        if (out.length != nOut) {
            throw new Main.UserError("--ranks " + text + " gives " + out.length + " output ranks for " + nOut + " output modes");
        }
        return new Ranks(out, in);
    }

    private static void checkRanks(String what, int[] r, int[] shape, String option) {
        for (int i = 0; i < r.length; i++) {
            if (r[i] > shape[i]) {
                throw new Main.UserError(what + " rank " + r[i] + " of mode " + (i + 1) + " is larger than its dimension " + shape[i]
                        + " (" + option + " " + text(shape) + ")");
            }
        }
    }

    /** A rank may not exceed the product of the other dimensions either (that unfolding has no more columns). */
    private static void checkCombined(int[] outS, int[] in, int[] all) {
        int[] shape = new int[outS.length + in.length];
        System.arraycopy(outS, 0, shape, 0, outS.length);
        System.arraycopy(in, 0, shape, outS.length, in.length);
        long total = prod(shape);
        for (int k = 0; k < shape.length; k++) {
            long others = total / shape[k];
            if (all[k] > others) {
                String which = k < outS.length ? "output rank " + all[k] + " of mode " + (k + 1) : "input rank " + all[k] + " of mode " + (k - outS.length + 1);
                throw new Main.UserError(which + " is larger than the product " + others + " of the other dimensions of the "
                        + text(shape) + " weight tensor");
            }
        }
    }

    private static int[] fill(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] parseList(String option, String s, String sep) {
        String t = s.trim();
        if (t.isEmpty()) throw new Main.UserError(option + ": empty rank list in '" + s + "'");
        String[] f = t.split(sep);
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            try {
                d[i] = Integer.parseInt(f[i].trim());
            } catch (NumberFormatException e) {
                throw new Main.UserError(option + ": '" + f[i].trim() + "' in '" + s + "' is not a number (e.g. 5x5:10 or 10,5,5)");
            }
            if (d[i] < 1) throw new Main.UserError(option + ": ranks must be >= 1, got " + d[i] + " in '" + s + "'");
        }
        return d;
    }

    /** Sizes joined by x ({@code --in-shape 28x28}). */
    static int[] dims(String option, String s) {
        String t = s.trim();
        String[] f = t.split("[xX*,]");
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            try {
                d[i] = Integer.parseInt(f[i].trim());
            } catch (NumberFormatException e) {
                throw new Main.UserError(option + " '" + s + "' must be sizes joined by x, e.g. 28x28");
            }
            if (d[i] < 1) throw new Main.UserError(option + " '" + s + "' has a size below 1");
        }
        return d;
    }

    static long prod(int[] d) {
        long p = 1;
        for (int x : d) p *= x;
        return p;
    }

    /** Shapes written as the ttl spec writes them: {@code 28x28}. */
    static String text(int[] d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length; i++) sb.append(i > 0 ? "x" : "").append(d[i]);
        return sb.toString();
    }
}
