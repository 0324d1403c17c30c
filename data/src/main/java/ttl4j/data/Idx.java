package ttl4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST, raw or gzip (told apart by the first bytes).
 * Layout: a big-endian magic {@code 0x0000 08 D} (unsigned bytes, D dimensions), D big-endian int32
 * dimensions, then the product of the dimensions in bytes. Header sizes are checked against the real
 * length (or, for gzip, against what deflate could possibly hold) before anything is allocated.
 */
public final class Idx {
    private Idx() {
    }

    /** Magic of an unsigned-byte IDX file with one dimension (labels). */
    public static final int MAGIC_LABELS = 0x00000801;
    /** Magic of an unsigned-byte IDX file with three dimensions (images: count, rows, columns). */
    public static final int MAGIC_IMAGES = 0x00000803;

    /** Largest array the JVM reliably allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    /** The content of an IDX file: its dimensions and its bytes. */
    public record Content(int[] dims, byte[] data) {
    }

    /** Reads a labels file (magic 0x00000801) and checks every label is below {@code numClasses}. */
    public static byte[] readLabels(Path file, int numClasses) throws IOException {
        Content c = read(file, MAGIC_LABELS);
        byte[] labels = c.data();
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i] & 0xff;
            if (v >= numClasses) {
                throw new DataFormatException(file.toString(), 8L + i, "label of record " + i + " out of range: expected 0.."
                        + (numClasses - 1) + ", found " + v);
            }
        }
        return labels;
    }

    /** Reads an images file (magic 0x00000803); dims are {count, rows, columns}. */
    public static Content readImages(Path file) throws IOException {
        return read(file, MAGIC_IMAGES);
    }

    /**
     * Reads images and labels into a dataset, checking that the counts agree.
     *
     * @param numClasses the number of classes, or 0 to take the largest label plus one
     * @param classNames class names or null
     */
    public static Dataset readDataset(String name, Path images, Path labels, int numClasses, List<String> classNames)
            throws IOException {
        Content img = readImages(images);
        byte[] lab = readLabels(labels, numClasses > 0 ? numClasses : 256);
        if (numClasses <= 0) {
            numClasses = 1;
            for (byte v : lab) numClasses = Math.max(numClasses, (v & 0xff) + 1);
        }
        if (img.dims()[0] != lab.length) {
            throw new DataFormatException(labels.toString(), 4, "label count does not match the images: expected "
                    + img.dims()[0] + " (as in " + images + "), found " + lab.length);
        }
        return new Dataset(name, img.data(), lab, 1, img.dims()[1], img.dims()[2], numClasses, classNames);
    }

    /** Reads an unsigned-byte IDX file whose magic must equal {@code expectedMagic}. */
    public static Content read(Path file, int expectedMagic) throws IOException {
        String name = file.toString();
        try (DataFiles.Opened o = DataFiles.open(file)) {
            return read(o.in, name, o.gzip, o.maxLength, expectedMagic);
        }
    }

    private static Content read(InputStream in, String name, boolean gzip, long maxLength, int expectedMagic)
            throws IOException {
        byte[] head = new byte[4];
        DataFiles.readFully(in, head, 0, 4, name, 0, "IDX magic number");
        int magic = be32(head, 0);
        if (magic != expectedMagic) {
            throw new DataFormatException(name, 0, "bad magic: expected " + hex(expectedMagic) + " (" + describe(expectedMagic)
                    + "), found " + hex(magic) + (magic >>> 8 == 8 ? " (" + describe(magic) + ")" : ""));
        }
        int ndims = expectedMagic & 0xff;
        byte[] dimBytes = new byte[4 * ndims];
        DataFiles.readFully(in, dimBytes, 0, dimBytes.length, name, 4, ndims + " big-endian dimensions");
        int[] dims = new int[ndims];
        long total = 1;
        for (int d = 0; d < ndims; d++) {
            dims[d] = be32(dimBytes, 4 * d);
            // A zero count is a valid (empty) file; zero or negative rows/columns are not.
            if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                throw new DataFormatException(name, 4 + 4L * d, "bad dimension " + d + ": expected a positive size, found " + dims[d]);
            }
            total *= dims[d];
            if (total > MAX_ARRAY) {
                throw new DataFormatException(name, 4 + 4L * d, "header declares more than " + MAX_ARRAY
                        + " bytes of data (dimensions " + dimsString(dimBytes, d + 1) + "), more than a Java array can hold");
            }
        }
        long header = 4 + 4L * ndims;
        String declared = "the " + total + " data bytes declared by the header (" + dimsString(dimBytes, ndims) + ")";
        if (!gzip) {
            if (header + total > maxLength) {
                throw new DataFormatException(name, maxLength, "truncated: expected " + (header + total) + " bytes (" + header
                        + " header + " + declared.substring(4) + "), file has " + maxLength);
            }
            if (header + total < maxLength) {
                throw new DataFormatException(name, header + total, "trailing bytes: expected the file to end after "
                        + declared + ", file has " + (maxLength - header - total) + " more bytes");
            }
        } else if (header + total > maxLength) {
            throw new DataFormatException(name, 4, "header declares " + (header + total)
                    + " bytes, more than this gzip file can hold (at most " + maxLength + ")");
        }
        byte[] data;
        if (gzip) {
            data = DataFiles.readGrowing(in, (int) total, name, header, "data");
            DataFiles.expectEnd(in, name, header + total, declared);
        } else {
            data = new byte[(int) total];
            DataFiles.readFully(in, data, 0, data.length, name, header, "data");
        }
        return new Content(dims, data);
    }

    static int be32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    private static String describe(int magic) {
        return "unsigned-byte IDX with " + (magic & 0xff) + (magic == MAGIC_LABELS ? " dimension, labels" : magic == MAGIC_IMAGES
                ? " dimensions, images" : " dimensions");
    }

    private static String dimsString(byte[] dimBytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < n; d++) {
            if (d > 0) sb.append(" x ");
            sb.append(be32(dimBytes, 4 * d));
        }
        return sb.toString();
    }
}
