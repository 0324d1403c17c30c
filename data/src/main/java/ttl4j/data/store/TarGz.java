package ttl4j.data.store;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import ttl4j.data.DataFormatException;

/**
 * A minimal reader of (optionally gzip-compressed) ustar archives, enough for npm tarballs: regular
 * files with ustar prefixes, PAX and GNU long-name headers, 512-byte blocks.
 */
final class TarGz implements AutoCloseable {
    private final InputStream in;
    private final String archive;
    private long remaining;
    private long padding;
    private long position;

    TarGz(InputStream raw, String archive) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
        b.mark(2);
        boolean gz = b.read() == 0x1f && b.read() == 0x8b;
        b.reset();
        this.in = gz ? new GZIPInputStream(b, 1 << 16) : b;
        this.archive = archive;
    }

    /** One entry: its path and size; its content is read through {@link #content()} before the next call. */
    record Entry(String name, long size, boolean regularFile) {
    }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        while (true) {
            byte[] h = new byte[512];
            int got = in.readNBytes(h, 0, 512);
            if (got == 0) return null;
            if (got < 512) throw new DataFormatException(archive, position + got, "tar header truncated: expected 512 bytes, found " + got);
            long headerAt = position;
            position += 512;
            if (allZero(h)) return null;
            String name = str(h, 0, 100);
            long size = octal(h, 124, 12, headerAt);
            char type = (char) h[156];
            String magic = str(h, 257, 6);
            if (magic.startsWith("ustar")) {
                String prefix = str(h, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
            }
            long pad = (512 - size % 512) % 512;
            if (type == 'L' || type == 'x') {
                if (size > 1 << 20) throw new DataFormatException(archive, headerAt, "extended header of " + size + " bytes is too large");
                byte[] body = in.readNBytes((int) size);
                if (body.length < size) throw new DataFormatException(archive, position + body.length, "tar entry truncated");
                position += size;
                skip(pad);
                if (type == 'L') {
                    longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                } else {
                    String path = paxPath(body);
                    if (path != null) longName = path;
                }
                continue;
            }
            if (longName != null) name = longName;
            remaining = size;
            padding = pad;
            return new Entry(name, size, type == '0' || type == '\0');
        }
    }

    /** The current entry's content (stops at its end; closing it does not close the archive). */
    InputStream content() {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                if (remaining <= 0) return -1;
                int b = in.read();
                if (b >= 0) {
                    remaining--;
                    position++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) return -1;
                int r = in.read(b, off, (int) Math.min(len, remaining));
                if (r > 0) {
                    remaining -= r;
                    position += r;
                }
                return r;
            }

            @Override
            public void close() {
                // the archive stays open
            }
        };
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) throw new DataFormatException(archive, position, "tar archive ends inside an entry");
                s = 1;
            }
            left -= s;
            position += s;
        }
    }

    private long octal(byte[] h, int off, int len, long headerAt) throws DataFormatException {
        long v = 0;
        int end = off + len;
        int i = off;
        while (i < end && (h[i] == ' ' || h[i] == 0)) i++;
        for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) v = v * 8 + (h[i] - '0');
        if (v < 0 || (i < end && h[i] != ' ' && h[i] != 0)) {
            throw new DataFormatException(archive, headerAt + off, "bad tar size field");
        }
        return v;
    }

    private static String paxPath(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        for (String line : s.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) return line.substring(sp + 6);
        }
        return null;
    }

    private static boolean allZero(byte[] h) {
        for (byte b : h) if (b != 0) return false;
        return true;
    }

    private static String str(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
