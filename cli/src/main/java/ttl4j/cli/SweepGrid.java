package ttl4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rank grid of {@code ttl sweep --ranks}: settings separated by commas, each in
 * {@code ttl compress --ranks R:S} syntax (input ranks joined by x, a colon, output ranks joined by
 * x), where any rank may be a range {@code A..B} (every value from A to B) or {@code A..B/K} (A, A+K,
 * A+2K, .. and B itself, so both ends are always in). A setting with ranges stands for every
 * combination of its values, the last rank varying fastest: {@code 2..14/4x2..14/4:10} is 16
 * settings. One input rank ({@code 5:10}) means that rank for every input mode, as in
 * {@code ttl compress}, so {@code 2..14/2:10} sweeps square ranks. Duplicates are dropped, the
 * first kept; the tensor-order form {@code S,R} of {@code ttl compress} is not accepted (the comma
 * separates settings). Every mistake is a one-line {@link Main.UserError}.
 */
final class SweepGrid {
    private SweepGrid() {}

    /** More settings than this is almost certainly a range without its step. */
    static final int MAX_SETTINGS = 1000;

    /** The settings of {@code grid}, each as {@code ttl compress --ranks} text such as {@code 5x5:10}. */
    static List<String> expand(String grid) {
        if (grid == null || grid.isBlank()) throw new Main.UserError("--ranks: empty grid (e.g. 5x5:10,3x3:5 or 2..14/4x2..14/4:10)");
        Set<String> out = new LinkedHashSet<>();
        for (String raw : grid.split(",", -1)) {
            String setting = raw.trim();
            if (setting.isEmpty()) throw new Main.UserError("--ranks '" + grid + "': empty setting between commas");
            String[] sides = setting.split(":", -1);
            if (sides.length != 2) {
                throw new Main.UserError("--ranks: setting '" + setting + "' must be input ranks:output ranks, e.g. 5x5:10 or 2..8x2..8:5..20/5");
            }
            List<int[]> axes = new ArrayList<>();
            int inModes = axes(setting, sides[0], axes);
            axes(setting, sides[1], axes);
            long count = 1;
            for (int[] a : axes) count *= a.length;
            if (out.size() + count > MAX_SETTINGS) {
                throw new Main.UserError("--ranks '" + grid + "' gives more than " + MAX_SETTINGS + " settings (" + setting + " alone gives "
                        + count + "); give the ranges a step, e.g. 2..14/4");
            }
            int[] idx = new int[axes.size()];
            for (long k = 0; k < count; k++) {
                StringBuilder sb = new StringBuilder();
                for (int m = 0; m < axes.size(); m++) {
                    sb.append(m == 0 ? "" : m == inModes ? ":" : "x").append(axes.get(m)[idx[m]]);
                }
                out.add(sb.toString());
                for (int m = axes.size() - 1; m >= 0; m--) {
                    if (++idx[m] < axes.get(m).length) break;
                    idx[m] = 0;
                }
            }
        }
        return List.copyOf(out);
    }

    /** Appends the values of each rank of one side ({@code 2..14/4x5}); returns how many ranks it has. */
    private static int axes(String setting, String side, List<int[]> axes) {
        String t = side.trim();
        if (t.isEmpty()) throw new Main.UserError("--ranks: setting '" + setting + "' has no ranks on one side of the ':'");
        String[] terms = t.split("[xX]", -1);
        for (String term : terms) axes.add(values(setting, term.trim()));
        return terms.length;
    }

    /** {@code N}, {@code A..B} or {@code A..B/K}. */
    static int[] values(String setting, String term) {
        if (term.isEmpty()) throw new Main.UserError("--ranks: setting '" + setting + "' has an empty rank (two x in a row?)");
        int dots = term.indexOf("..");
        if (dots < 0) {
            if (term.contains("/")) throw new Main.UserError("--ranks: '" + term + "' in '" + setting + "': a step needs a range, e.g. 2..14/4");
            return new int[] {number(setting, term, term)};
        }
        String hiText = term.substring(dots + 2);
        int slash = hiText.indexOf('/');
        int step = 1;
        if (slash >= 0) {
            step = number(setting, term, hiText.substring(slash + 1));
            hiText = hiText.substring(0, slash);
        }
        int lo = number(setting, term, term.substring(0, dots)), hi = number(setting, term, hiText);
        if (lo > hi) throw new Main.UserError("--ranks: range '" + term + "' in '" + setting + "' runs backwards (" + lo + " > " + hi + ")");
        List<Integer> v = new ArrayList<>();
        for (long x = lo; x <= hi; x += step) v.add((int) x);
        if (v.get(v.size() - 1) != hi) v.add(hi);
        return v.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int number(String setting, String term, String text) {
        String s = text.trim();
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new Main.UserError("--ranks: '" + s + "' in '" + term + "' of setting '" + setting
                    + "' is not a number (a rank is N, A..B or A..B/K, e.g. 2..14/4)");
        }
        if (n < 1) throw new Main.UserError("--ranks: ranks and steps must be >= 1, got " + n + " in '" + term + "' of setting '" + setting + "'");
        return n;
    }
}
