package ttl4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small learnable IDX dataset written in the MNIST file layout: each class lights its own band of rows. */
final class TinyData {
    static final int SIDE = 8, CLASSES = 3;

    private TinyData() {}

    /** Writes {@code dataDir/name/{train,t10k}-{images-idx3,labels-idx1}-ubyte}. */
    static void write(Path dataDir, String name, int train, int test) throws IOException {
        write(dataDir, name, train, test, SIDE);
    }

    /** As {@link #write(Path, String, int, int)} with {@code side x side} images (28 for MNIST-shaped models). */
    static void write(Path dataDir, String name, int train, int test, int side) throws IOException {
        write(dataDir, name, train, test, side, new int[0]);
    }

    /** As {@link #write(Path, String, int, int, int)} with the image rows {@code blankRows} 0 in every image. */
    static void write(Path dataDir, String name, int train, int test, int side, int[] blankRows) throws IOException {
        Path d = Files.createDirectories(dataDir.resolve(name));
        split(d, "train", train, 11, side, blankRows);
        split(d, "t10k", test, 12, side, blankRows);
    }

    private static void split(Path d, String prefix, int n, long seed, int side, int[] blankRows) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] img = new byte[n * side * side];
        byte[] lab = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(CLASSES);
            lab[i] = (byte) c;
            for (int y = 0; y < side; y++) {
                boolean lit = y * CLASSES / side == c;
                for (int x = 0; x < side; x++) img[i * side * side + y * side + x] = (byte) ((lit ? 120 : 0) + r.nextInt(120));
            }
        }
        for (int i = 0; i < n; i++) for (int y : blankRows) java.util.Arrays.fill(img, i * side * side + y * side, i * side * side + (y + 1) * side, (byte) 0);
        Files.write(d.resolve(prefix + "-images-idx3-ubyte"), idx(0x803, new int[] {n, side, side}, img));
        Files.write(d.resolve(prefix + "-labels-idx1-ubyte"), idx(0x801, new int[] {n}, lab));
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int x : dims) b.putInt(x);
        return b.put(data).array();
    }
}
