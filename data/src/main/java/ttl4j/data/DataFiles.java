package ttl4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** Opening data files that may be gzip-compressed, judged by their first bytes rather than their names. */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * Deflate cannot compress better than about 1032:1, so a gzip file claiming more uncompressed
     * bytes than this many per compressed byte is lying, and we refuse before allocating.
     */
    static final long MAX_GZIP_RATIO = 1100;

    /**
     * The file called {@code name} in {@code dir}, raw or gzip: {@code name} first, then
     * {@code name.gz}; null when neither is a regular file. Every reader of a data directory looks
     * files up through here, so the raw-or-.gz rule lives in one place.
     */
    public static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        return null;
    }

    /** True when the file starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** An opened data file: the (decompressed) content and an upper bound on its length. */
    static final class Opened implements AutoCloseable {
        final InputStream in;
        final boolean gzip;
        /** Exact content length for raw files; a bound (ratio times compressed size) for gzip. */
        final long maxLength;

        Opened(InputStream in, boolean gzip, long maxLength) {
            this.in = in;
            this.gzip = gzip;
            this.maxLength = maxLength;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static Opened open(Path file) throws IOException {
        long size = Files.size(file);
        boolean gz = isGzip(file);
        InputStream raw = Files.newInputStream(file);
        if (!gz) return new Opened(new BufferedInputStream(raw, 1 << 16), false, size);
        try {
            return new Opened(new GZIPInputStream(raw, 1 << 16), true, Math.max(1, size) * MAX_GZIP_RATIO);
        } catch (IOException e) {
            raw.close();
            throw new DataFormatException(file.toString(), 0, "starts with the gzip magic bytes but is not a valid gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** SHA-256 (lower-case hex) of the file's content, uncompressed when the file is gzip. */
    public static String sha256OfContent(Path file) throws IOException {
        MessageDigest md = sha256();
        try (Opened o = open(file); InputStream in = new DigestInputStream(o.in, md)) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digest only
            }
        } catch (EOFException e) {
            throw new DataFormatException(file.toString(), -1, "gzip content ends early (" + e.getMessage() + ")", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Reads exactly {@code len} bytes into {@code dst} or throws naming the file and the offset where
     * the content ended; gzip corruption surfaces as the same kind of error.
     */
    static void readFully(InputStream in, byte[] dst, int off, int len, String file, long startOffset, String what)
            throws DataFormatException {
        int got = 0;
        try {
            while (got < len) {
                int r = in.read(dst, off + got, len - got);
                if (r < 0) break;
                got += r;
            }
        } catch (IOException e) {
            throw new DataFormatException(file, startOffset + got, "cannot read " + what + ": " + e.getMessage(), e);
        }
        if (got < len) {
            throw new DataFormatException(file, startOffset + got, "truncated: expected " + len + " bytes of " + what
                    + " from offset " + startOffset + ", found only " + got);
        }
    }

    /** First allocation when the real length is not known in advance. */
    private static final int GROW_START = 1 << 22;

    /**
     * Reads exactly {@code len} bytes, growing the array as data actually arrives, so a header that lies
     * about the size of a compressed payload costs at most twice the real data, never an OutOfMemoryError.
     */
    static byte[] readGrowing(InputStream in, int len, String file, long startOffset, String what)
            throws DataFormatException {
        byte[] buf = new byte[Math.min(len, GROW_START)];
        int got = 0;
        try {
            while (got < len) {
                if (got == buf.length) buf = java.util.Arrays.copyOf(buf, (int) Math.min(len, 2L * buf.length));
                int r = in.read(buf, got, buf.length - got);
                if (r < 0) break;
                got += r;
            }
        } catch (IOException e) {
            throw new DataFormatException(file, startOffset + got, "cannot read " + what + ": " + e.getMessage(), e);
        }
        if (got < len) {
            throw new DataFormatException(file, startOffset + got, "truncated: expected " + len + " bytes of " + what
                    + " from offset " + startOffset + ", found only " + got);
        }
        return buf;
    }

    /** Throws when the stream has anything left after the declared content. */
    static void expectEnd(InputStream in, String file, long offset, String declared) throws DataFormatException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            throw new DataFormatException(file, offset, "cannot read past the declared content: " + e.getMessage(), e);
        }
        if (b >= 0) {
            throw new DataFormatException(file, offset, "trailing bytes: expected the end of the file after " + declared
                    + ", found more data");
        }
    }
}
