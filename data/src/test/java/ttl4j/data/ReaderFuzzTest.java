package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Mutation fuzzing of the dataset readers: valid IDX and CIFAR-10 files (raw and gzip) with bytes
 * flipped, set, cut off or appended, and files of random bytes. The only outcomes allowed are a
 * parsed value consistent with itself or the reader's {@link DataFormatException} (an
 * {@link IOException}) naming the file; anything else (an unchecked exception, an allocation from
 * an unchecked size ending in {@link OutOfMemoryError}) fails. Cases per property: {@code
 * -Dfuzz.tries} ({@code mvn -Pfuzz test}: 100,000).
 */
class ReaderFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("ttl4j-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A change to a file: flip, set or cut at a position given as a fraction of its length, or append. */
    record Mutation(int kind, double where, int value) {
        byte[] apply(byte[] b) {
            if (b.length == 0) return kind == 3 ? new byte[] {(byte) value} : b;
            int at = Math.min(b.length - 1, (int) (where * b.length));
            return switch (kind) {
                case 0 -> flip(b, at, 1 << (value & 7));
                case 1 -> set(b, at, value);
                case 2 -> Arrays.copyOf(b, at);
                default -> {
                    byte[] c = Arrays.copyOf(b, b.length + 1 + (value & 15));
                    Arrays.fill(c, b.length, c.length, (byte) value);
                    yield c;
                }
            };
        }

        private static byte[] flip(byte[] b, int at, int mask) {
            byte[] c = b.clone();
            c[at] ^= (byte) mask;
            return c;
        }

        private static byte[] set(byte[] b, int at, int v) {
            byte[] c = b.clone();
            c[at] = (byte) v;
            return c;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        // Mostly in the header, where sizes and magic numbers live; sometimes anywhere.
        Arbitrary<Double> where = Arbitraries.oneOf(Arbitraries.doubles().between(0, 0.05).ofScale(6), Arbitraries.doubles().between(0, 1).ofScale(6));
        Arbitrary<Mutation> m = Combinators.combine(Arbitraries.integers().between(0, 3), where, Arbitraries.integers().between(0, 255))
                .as(Mutation::new);
        return m.list().ofMinSize(1).ofMaxSize(4);
    }

    private static byte[] mutate(byte[] valid, List<Mutation> ms) {
        byte[] b = valid;
        for (Mutation m : ms) b = m.apply(b);
        return b;
    }

    private static Path write(String name, byte[] content, boolean gzip) {
        try {
            return Files.write(DIR.resolve(name + (gzip ? ".gz" : "")), gzip ? TestFiles.gzip(content) : content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a read: it returns, or throws an IOException whose message names the file. */
    private static <T> T readOrRefuse(Path f, IoCall<T> read) {
        try {
            return read.call();
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f.getFileName().toString()), "message names the file: " + e);
            return null;
        }
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    @Property
    void idxImages(@ForAll("mutations") List<Mutation> ms, @ForAll boolean gzipAfter, @ForAll boolean mutateCompressed) {
        byte[] valid = TestFiles.images(5, 4, 3, 1);
        byte[] content = mutateCompressed ? mutate(TestFiles.gzip(valid), ms) : mutate(valid, ms);
        Path f = write("images-idx3-ubyte", content, gzipAfter && !mutateCompressed);
        Idx.Content c = readOrRefuse(f, () -> Idx.readImages(f));
        if (c != null) {
            assertEquals(3, c.dims().length);
            assertEquals((long) c.dims()[0] * c.dims()[1] * c.dims()[2], c.data().length);
        }
    }

    @Property
    void idxLabels(@ForAll("mutations") List<Mutation> ms, @ForAll boolean gzip) {
        byte[] valid = TestFiles.labels(12, 10, 2);
        Path f = write("labels-idx1-ubyte", mutate(valid, ms), gzip);
        byte[] labels = readOrRefuse(f, () -> Idx.readLabels(f, 10));
        if (labels != null) for (byte l : labels) assertTrue((l & 0xff) < 10);
    }

    @Property
    void cifarBatches(@ForAll("mutations") List<Mutation> ms, @ForAll boolean gzip) {
        byte[] valid = new byte[3 * Cifar10.RECORD];
        for (int i = 0; i < valid.length; i++) valid[i] = (byte) (i % Cifar10.RECORD == 0 ? i % 10 : i * 31);
        Path f = write("data_batch_1.bin", mutate(valid, ms), gzip);
        Dataset d = readOrRefuse(f, () -> Cifar10.readBatch(f, 3));
        if (d != null) {
            assertEquals(3, d.size());
            for (byte l : d.labels()) assertTrue((l & 0xff) < 10);
        }
    }

    @Property
    void randomBytesAreNeverMistakenForData(@ForAll byte[] junk, @ForAll boolean gzip) {
        Path f = write("junk-idx3-ubyte", junk, gzip);
        Idx.Content c = readOrRefuse(f, () -> Idx.readImages(f));
        if (c != null) assertEquals((long) c.dims()[0] * c.dims()[1] * c.dims()[2], c.data().length);
        Path g = write("junk.bin", junk, gzip);
        readOrRefuse(g, () -> Cifar10.readBatch(g, 1));
    }
}
