package ttl4j.data;

import java.io.IOException;

/**
 * A data file that does not have the format it claims: the message names the file, the byte offset
 * (of the uncompressed content for gzip files) and what was expected versus found.
 */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    public DataFormatException(String file, long offset, String problem) {
        super(file + ", offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public DataFormatException(String file, long offset, String problem, Throwable cause) {
        super(file + ", offset " + offset + ": " + problem, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The file (as given to the reader). */
    public String file() {
        return file;
    }

    /** Byte offset of the problem; for gzip files, in the uncompressed content. */
    public long offset() {
        return offset;
    }
}
