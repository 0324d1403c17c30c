package ttl4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Small generated files in the real formats. */
public final class TestFiles {
    private TestFiles() {
    }

    public static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    public static byte[] images(int n, int rows, int cols, long seed) {
        byte[] data = new byte[n * rows * cols];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < data.length; i++) data[i] = (byte) r.nextInt(256);
        return idx(Idx.MAGIC_IMAGES, new int[] {n, rows, cols}, data);
    }

    public static byte[] labels(int n, int classes, long seed) {
        byte[] data = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) data[i] = (byte) r.nextInt(classes);
        return idx(Idx.MAGIC_LABELS, new int[] {n}, data);
    }

    public static byte[] cifar(int records, long seed) {
        byte[] b = new byte[records * Cifar10.RECORD];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < records; i++) {
            b[i * Cifar10.RECORD] = (byte) r.nextInt(10);
            for (int k = 1; k < Cifar10.RECORD; k++) b[i * Cifar10.RECORD + k] = (byte) r.nextInt(256);
        }
        return b;
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
                g.write(raw);
            }
            return bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir, String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
