package ttl4j.nn;

import java.util.List;
import java.util.Map;

/**
 * The arguments of one layer in a model spec: positional ones ({@code dense(300)}) and named ones
 * ({@code dense(300,init=glorot)}), as raw strings (nested parentheses kept, so a factory may
 * parse its own syntax). The accessors throw {@link SpecException}s pointing at the layer.
 */
public final class LayerArgs {
    private final String spec, layer;
    private final int column;
    private final List<String> positional;
    private final Map<String, String> named;

    LayerArgs(String spec, String layer, int column, List<String> positional, Map<String, String> named) {
        this.spec = spec;
        this.layer = layer;
        this.column = column;
        this.positional = List.copyOf(positional);
        this.named = Map.copyOf(named);
    }

    /** The layer's name as written in the spec. */
    public String name() {
        return layer;
    }

    public List<String> positional() {
        return positional;
    }

    public Map<String, String> named() {
        return named;
    }

    /** Throws unless there are between {@code min} and {@code max} positional arguments and only the given names. */
    public void expect(int min, int max, String... names) {
        if (positional.size() < min || positional.size() > max) {
            throw error(layer + " takes " + (min == max ? Integer.toString(min) : min + " to " + max)
                    + " positional argument" + (max == 1 ? "" : "s") + ", got " + positional.size());
        }
        for (String k : named.keySet()) {
            if (!List.of(names).contains(k)) {
                throw error(layer + " has no argument \"" + k + "\"" + (names.length > 0 ? "; known: " + String.join(", ", names) : ""));
            }
        }
    }

    public int intAt(int i, int min) {
        String s = positional.get(i).trim();
        try {
            int v = Integer.parseInt(s);
            if (v < min) throw error(layer + " argument " + (i + 1) + " must be >= " + min + ", got " + v);
            return v;
        } catch (NumberFormatException e) {
            throw error(layer + " argument " + (i + 1) + " must be an integer, got \"" + s + "\"");
        }
    }

    public double doubleAt(int i) {
        String s = positional.get(i).trim();
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error(layer + " argument " + (i + 1) + " must be a number, got \"" + s + "\"");
        }
    }

    public String get(String name, String dflt) {
        return named.getOrDefault(name, dflt);
    }

    /** A {@link SpecException} at this layer's position. */
    public SpecException error(String problem) {
        return new SpecException(spec, column, layer, problem);
    }
}
