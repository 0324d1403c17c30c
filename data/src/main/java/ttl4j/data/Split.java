package ttl4j.data;

import java.util.Locale;

/** Train or test part of a dataset. */
public enum Split {
    TRAIN, TEST;

    /** "train" or "test", any case. */
    public static Split parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "test" -> TEST;
            default -> throw new IllegalArgumentException("unknown split '" + s + "': expected train or test");
        };
    }
}
