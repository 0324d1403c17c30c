package ttl4j.data;

import java.util.List;

/**
 * An in-memory labelled image dataset kept as bytes: {@code images} holds N records of
 * {@code channels x height x width} unsigned bytes each (channel planes first, as in the IDX and
 * CIFAR files), {@code labels} one unsigned byte per record. Floats are made per batch
 * ({@link BatchConverter}), because CIFAR-10 as floats would take 600 MB.
 */
public final class Dataset {
    private final String name;
    private final byte[] images;
    private final byte[] labels;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final List<String> classNames;

    /**
     * @param classNames names of the classes, or null when unknown (then numbered)
     */
    public Dataset(String name, byte[] images, byte[] labels, int channels, int height, int width, int numClasses,
                   List<String> classNames) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("dataset " + name + ": bad record shape " + channels + "x" + height + "x" + width);
        }
        long features = (long) channels * height * width;
        if (labels.length * features != images.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + labels.length + " labels need " + labels.length * features
                    + " image bytes (" + channels + "x" + height + "x" + width + " each), found " + images.length);
        }
        if (numClasses <= 0 || numClasses > 256) {
            throw new IllegalArgumentException("dataset " + name + ": class count " + numClasses + " not in 1..256");
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= numClasses) {
                throw new IllegalArgumentException("dataset " + name + ": label " + (labels[i] & 0xff) + " of record " + i
                        + " not in 0.." + (numClasses - 1));
            }
        }
        if (classNames != null && classNames.size() != numClasses) {
            throw new IllegalArgumentException("dataset " + name + ": " + classNames.size() + " class names for " + numClasses + " classes");
        }
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.size = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
    }

    public String name() {
        return name;
    }

    /** Number of records. */
    public int size() {
        return size;
    }

    /** Bytes per record: channels x height x width. */
    public int features() {
        return channels * height * width;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Shape of one record, {channels, height, width}. */
    public int[] recordShape() {
        return new int[] {channels, height, width};
    }

    public int numClasses() {
        return numClasses;
    }

    /** Class names, or "0".."K-1" when the dataset has none. */
    public List<String> classNames() {
        if (classNames != null) return classNames;
        String[] s = new String[numClasses];
        for (int i = 0; i < numClasses; i++) s[i] = Integer.toString(i);
        return List.of(s);
    }

    /** The backing image bytes (N x features, unsigned); shared, not copied. */
    public byte[] images() {
        return images;
    }

    /** The backing label bytes (unsigned); shared, not copied. */
    public byte[] labels() {
        return labels;
    }

    /** Label of record i. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** Pixel value (0..255) of record i at feature index f. */
    public int pixel(int i, int f) {
        return images[i * features() + f] & 0xff;
    }

    /** Labels as ints (a copy). */
    public int[] labelsAsInts() {
        int[] r = new int[size];
        for (int i = 0; i < size; i++) r[i] = labels[i] & 0xff;
        return r;
    }

    /** Number of records of each class. */
    public int[] classCounts() {
        int[] c = new int[numClasses];
        for (byte b : labels) c[b & 0xff]++;
        return c;
    }

    @Override
    public String toString() {
        return name + " (" + size + " x " + channels + "x" + height + "x" + width + ", " + numClasses + " classes)";
    }
}
