package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] raw, boolean gz) throws IOException {
        // The names never say .gz: compression must be detected from the content.
        return TestFiles.write(dir, name, gz ? TestFiles.gzip(raw) : raw);
    }

    private DataFormatException fails(Path p, int magic) {
        return assertThrows(DataFormatException.class, () -> Idx.read(p, magic));
    }

    private static void assertMessage(DataFormatException e, Path p, long offset, String... parts) {
        assertEquals(p.toString(), e.file());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(p + ", offset " + offset + ": "), e.getMessage());
        for (String s : parts) assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTrip(boolean gz) throws IOException {
        byte[] img = TestFiles.images(7, 5, 3, 1);
        byte[] lab = TestFiles.labels(7, 10, 2);
        Path pi = file("images", img, gz);
        Path pl = file("labels", lab, gz);
        Idx.Content c = Idx.readImages(pi);
        assertArrayEquals(new int[] {7, 5, 3}, c.dims());
        assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), c.data());
        Dataset ds = Idx.readDataset("t", pi, pl, 10, null);
        assertEquals(7, ds.size());
        assertEquals(15, ds.features());
        assertArrayEquals(new int[] {1, 5, 3}, ds.recordShape());
        for (int i = 0; i < 7; i++) assertEquals(lab[8 + i], (byte) ds.label(i));
    }

    @Test
    void emptyFileIsAllowed() throws IOException {
        Path p = file("e", TestFiles.idx(Idx.MAGIC_IMAGES, new int[] {0, 28, 28}, new byte[0]), false);
        assertEquals(0, Idx.readImages(p).data().length);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void badMagic(boolean gz) throws IOException {
        Path p = file("x", TestFiles.labels(3, 10, 1), gz);
        assertMessage(fails(p, Idx.MAGIC_IMAGES), p, 0, "bad magic", "expected 0x00000803", "found 0x00000801");
        Path q = file("y", new byte[] {0x50, 0x4b, 3, 4, 0, 0, 0, 0}, gz);
        assertMessage(fails(q, Idx.MAGIC_LABELS), q, 0, "expected 0x00000801", "found 0x504b0304");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedData(boolean gz) throws IOException {
        byte[] img = TestFiles.images(4, 3, 3, 1);
        Path p = file("t", Arrays.copyOf(img, img.length - 5), gz);
        DataFormatException e = fails(p, Idx.MAGIC_IMAGES);
        assertMessage(e, p, img.length - 5, "truncated", "expected");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedHeader(boolean gz) throws IOException {
        Path p = file("h", Arrays.copyOf(TestFiles.images(1, 2, 2, 1), 10), gz);
        assertMessage(fails(p, Idx.MAGIC_IMAGES), p, 10, "truncated", "dimensions");
        Path q = file("m", new byte[] {0, 0}, gz);
        assertMessage(fails(q, Idx.MAGIC_IMAGES), q, 2, "truncated", "magic");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trailingBytes(boolean gz) throws IOException {
        byte[] img = TestFiles.images(2, 3, 3, 1);
        byte[] longer = Arrays.copyOf(img, img.length + 3);
        Path p = file("tr", longer, gz);
        assertMessage(fails(p, Idx.MAGIC_IMAGES), p, img.length, "trailing bytes");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hugeDeclaredSizesAreRefusedBeforeAllocating(boolean gz) throws IOException {
        // 2^31-1 images of 28x28: beyond any array.
        ByteBuffer b = ByteBuffer.allocate(16 + 10).putInt(Idx.MAGIC_IMAGES).putInt(Integer.MAX_VALUE).putInt(28).putInt(28);
        Path p = file("huge", b.array(), gz);
        DataFormatException e = fails(p, Idx.MAGIC_IMAGES);
        assertTrue(e.getMessage().contains("more than a Java array can hold"), e.getMessage());
        // 1 GB declared in a tiny file: refused from the real length, without allocating the gigabyte.
        ByteBuffer c = ByteBuffer.allocate(16 + 10).putInt(Idx.MAGIC_IMAGES).putInt(1 << 20).putInt(32).putInt(32);
        Path q = file("big", c.array(), gz);
        long before = usedHeap();
        DataFormatException f = fails(q, Idx.MAGIC_IMAGES);
        assertTrue(f.getMessage().contains(gz ? "more than this gzip file can hold" : "truncated"), f.getMessage());
        assertTrue(usedHeap() - before < 200L << 20, "the reader allocated from the unchecked header");
        // Declared sizes a gzip file could hold but does not have: caught as truncation, allocating only what arrived.
        byte[] noise = new byte[1000];
        new java.util.SplittableRandom(1).nextBytes(noise);
        ByteBuffer g = ByteBuffer.allocate(16 + 1000).putInt(Idx.MAGIC_IMAGES).putInt(1000).putInt(28).putInt(28).put(noise);
        Path r = file("lie", g.array(), gz);
        assertMessage(fails(r, Idx.MAGIC_IMAGES), r, 1016, "truncated", "784");
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void badDimensions() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).putInt(Idx.MAGIC_IMAGES).putInt(3).putInt(0).putInt(28);
        Path p = file("z", b.array(), false);
        assertMessage(fails(p, Idx.MAGIC_IMAGES), p, 8, "bad dimension 1", "found 0");
        ByteBuffer c = ByteBuffer.allocate(16).putInt(Idx.MAGIC_IMAGES).putInt(-5).putInt(28).putInt(28);
        Path q = file("n", c.array(), false);
        assertMessage(fails(q, Idx.MAGIC_IMAGES), q, 4, "bad dimension 0", "found -5");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void labelOutOfRange(boolean gz) throws IOException {
        byte[] lab = TestFiles.labels(6, 10, 3);
        lab[8 + 4] = 10;
        Path p = file("l", lab, gz);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Idx.readLabels(p, 10));
        assertMessage(e, p, 12, "record 4", "expected 0..9, found 10");
        lab[8 + 4] = (byte) 200;
        Path q = file("l2", lab, gz);
        assertMessage(assertThrows(DataFormatException.class, () -> Idx.readLabels(q, 10)), q, 12, "found 200");
        // with a larger class count the same file is fine
        assertEquals(200, Idx.readLabels(q, 256)[4] & 0xff);
    }

    @Test
    void countMismatchBetweenImagesAndLabels() throws IOException {
        Path pi = file("i", TestFiles.images(5, 2, 2, 1), false);
        Path pl = file("l", TestFiles.labels(4, 10, 1), false);
        IOException e = assertThrows(IOException.class, () -> Idx.readDataset("t", pi, pl, 10, null));
        assertTrue(e.getMessage().contains("expected 5") && e.getMessage().contains("found 4"), e.getMessage());
    }

    @Test
    void corruptGzipNamesTheFile() throws IOException {
        byte[] gz = TestFiles.gzip(TestFiles.images(20, 8, 8, 1));
        for (int i = 20; i < gz.length - 8; i += 7) gz[i] ^= 0x5a;
        Path p = TestFiles.write(dir, "corrupt", gz);
        DataFormatException e = fails(p, Idx.MAGIC_IMAGES);
        assertTrue(e.getMessage().startsWith(p + ", offset "), e.getMessage());
    }
}
