package ttl4j.nn;

/** A model spec that does not parse or build; names the 1-based column and the offending token. */
public final class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int column;
    private final String token;

    public SpecException(String spec, int column, String token, String problem) {
        super("model spec \"" + spec + "\" at column " + column + " (\"" + token + "\"): " + problem);
        this.column = column;
        this.token = token;
    }

    /** 1-based column of the token in the spec. */
    public int column() {
        return column;
    }

    public String token() {
        return token;
    }
}
