package ttl4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Reader of the CIFAR-10 binary batches, raw or gzip: records of 1 label byte (0..9) followed by
 * 3072 pixel bytes (a 32x32 R plane, then G, then B), 10,000 records per batch file.
 */
public final class Cifar10 {
    private Cifar10() {
    }

    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    public static final int RECORD = 1 + PIXELS;
    public static final int RECORDS_PER_BATCH = 10_000;
    public static final int CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /**
     * Reads batch files into one dataset.
     *
     * @param recordsPerFile the exact number of records each file must hold, or 0 to accept any
     *                       positive whole number of records
     */
    public static Dataset read(String name, List<Path> files, int recordsPerFile) throws IOException {
        if (files.isEmpty()) throw new IllegalArgumentException("no CIFAR-10 batch files given");
        if (recordsPerFile > 0) {
            long n = (long) recordsPerFile * files.size();
            if (n * PIXELS > Idx.MAX_ARRAY) {
                throw new IllegalArgumentException(files.size() + " files of " + recordsPerFile + " records exceed a Java array");
            }
            byte[] images = new byte[(int) n * PIXELS];
            byte[] labels = new byte[(int) n];
            for (int f = 0; f < files.size(); f++) {
                readInto(files.get(f), recordsPerFile, images, labels, f * recordsPerFile);
            }
            return new Dataset(name, images, labels, CHANNELS, SIDE, SIDE, CLASSES, CLASS_NAMES);
        }
        // Unknown counts: read each file on its own, then join.
        byte[][] imgs = new byte[files.size()][];
        byte[][] labs = new byte[files.size()][];
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            Dataset d = readBatch(files.get(f), 0);
            imgs[f] = d.images();
            labs[f] = d.labels();
            total += labs[f].length;
        }
        if (total * PIXELS > Idx.MAX_ARRAY) throw new IllegalArgumentException(total + " CIFAR-10 records exceed a Java array");
        byte[] images = new byte[(int) total * PIXELS];
        byte[] labels = new byte[(int) total];
        int at = 0;
        for (int f = 0; f < files.size(); f++) {
            System.arraycopy(imgs[f], 0, images, at * PIXELS, imgs[f].length);
            System.arraycopy(labs[f], 0, labels, at, labs[f].length);
            at += labs[f].length;
        }
        return new Dataset(name, images, labels, CHANNELS, SIDE, SIDE, CLASSES, CLASS_NAMES);
    }

    /** Reads one batch file; {@code expectedRecords} as in {@link #read}. */
    public static Dataset readBatch(Path file, int expectedRecords) throws IOException {
        String name = file.toString();
        int records;
        if (expectedRecords > 0) {
            records = expectedRecords;
        } else {
            try (DataFiles.Opened o = DataFiles.open(file)) {
                if (o.gzip) {
                    return fromGrowing(file, o.in, o.maxLength);
                }
                records = checkRawLength(name, o.maxLength, 0);
            }
        }
        byte[] images = new byte[records * PIXELS];
        byte[] labels = new byte[records];
        readInto(file, records, images, labels, 0);
        return new Dataset(file.getFileName().toString(), images, labels, CHANNELS, SIDE, SIDE, CLASSES, CLASS_NAMES);
    }

    private static int checkRawLength(String name, long length, int expectedRecords) throws DataFormatException {
        if (length == 0) throw new DataFormatException(name, 0, "empty file: expected CIFAR-10 records of " + RECORD + " bytes");
        if (length % RECORD != 0) {
            long whole = length / RECORD;
            throw new DataFormatException(name, whole * RECORD, "length " + length + " is not a multiple of the record size "
                    + RECORD + ": record " + whole + " is cut short after " + (length % RECORD) + " bytes");
        }
        long n = length / RECORD;
        if (expectedRecords > 0 && n != expectedRecords) {
            throw new DataFormatException(name, Math.min(n, expectedRecords) * RECORD, "expected " + expectedRecords + " records ("
                    + (long) expectedRecords * RECORD + " bytes), found " + n + " (" + length + " bytes)");
        }
        if (n * PIXELS > Idx.MAX_ARRAY) throw new DataFormatException(name, 0, n + " records exceed a Java array");
        return (int) n;
    }

    private static void readInto(Path file, int records, byte[] images, byte[] labels, int firstRecord) throws IOException {
        String name = file.toString();
        try (DataFiles.Opened o = DataFiles.open(file)) {
            if (!o.gzip) checkRawLength(name, o.maxLength, records);
            byte[] rec = new byte[RECORD];
            for (int r = 0; r < records; r++) {
                long off = (long) r * RECORD;
                readRecord(o.in, rec, name, r, off, records);
                int label = rec[0] & 0xff;
                if (label >= CLASSES) {
                    throw new DataFormatException(name, off, "label of record " + r + " out of range: expected 0..9, found " + label);
                }
                labels[firstRecord + r] = rec[0];
                System.arraycopy(rec, 1, images, (firstRecord + r) * PIXELS, PIXELS);
            }
            if (o.gzip) {
                DataFiles.expectEnd(o.in, name, (long) records * RECORD, records + " records of " + RECORD + " bytes");
            }
        }
    }

    private static void readRecord(InputStream in, byte[] rec, String name, int r, long off, int records)
            throws DataFormatException {
        int got = 0;
        try {
            while (got < RECORD) {
                int n = in.read(rec, got, RECORD - got);
                if (n < 0) break;
                got += n;
            }
        } catch (IOException e) {
            throw new DataFormatException(name, off + got, "cannot read record " + r + ": " + e.getMessage(), e);
        }
        if (got < RECORD) {
            throw new DataFormatException(name, off + got, "truncated in record " + r + ": expected " + (records > 0 ? records
                    + " records of " + RECORD + " bytes" : "whole records of " + RECORD + " bytes") + ", content ends "
                    + got + " bytes into this record");
        }
    }

    /** A gzip batch of unknown record count: read whole records until the end, growing as data arrives. */
    private static Dataset fromGrowing(Path file, InputStream in, long maxLength) throws IOException {
        String name = file.toString();
        byte[] images = new byte[Math.min(PIXELS * 1024, (int) Math.min(Idx.MAX_ARRAY, maxLength))];
        byte[] labels = new byte[1024];
        byte[] rec = new byte[RECORD];
        int n = 0;
        while (true) {
            long off = (long) n * RECORD;
            int got = 0;
            try {
                while (got < RECORD) {
                    int r = in.read(rec, got, RECORD - got);
                    if (r < 0) break;
                    got += r;
                }
            } catch (IOException e) {
                throw new DataFormatException(name, off + got, "cannot read record " + n + ": " + e.getMessage(), e);
            }
            if (got == 0) break;
            if (got < RECORD) {
                throw new DataFormatException(name, off + got, "truncated in record " + n + ": expected whole records of "
                        + RECORD + " bytes, content ends " + got + " bytes into this record");
            }
            int label = rec[0] & 0xff;
            if (label >= CLASSES) {
                throw new DataFormatException(name, off, "label of record " + n + " out of range: expected 0..9, found " + label);
            }
            if ((long) (n + 1) * PIXELS > Idx.MAX_ARRAY) throw new DataFormatException(name, off, "too many records for a Java array");
            if (n == labels.length) labels = java.util.Arrays.copyOf(labels, 2 * n);
            if ((n + 1) * PIXELS > images.length) {
                images = java.util.Arrays.copyOf(images, (int) Math.min(Idx.MAX_ARRAY, 2L * images.length + PIXELS));
            }
            labels[n] = rec[0];
            System.arraycopy(rec, 1, images, n * PIXELS, PIXELS);
            n++;
        }
        if (n == 0) throw new DataFormatException(name, 0, "empty content: expected CIFAR-10 records of " + RECORD + " bytes");
        return new Dataset(file.getFileName().toString(), java.util.Arrays.copyOf(images, n * PIXELS),
                java.util.Arrays.copyOf(labels, n), CHANNELS, SIDE, SIDE, CLASSES, CLASS_NAMES);
    }
}
