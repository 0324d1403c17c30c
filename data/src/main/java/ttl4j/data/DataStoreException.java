package ttl4j.data;

import java.io.IOException;

/** A dataset could not be found, obtained or verified; the message says which dataset, which source and why. */
public final class DataStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataStoreException(String message) {
        super(message);
    }

    public DataStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
