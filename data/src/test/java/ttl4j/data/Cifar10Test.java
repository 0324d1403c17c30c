package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Cifar10Test {
    @TempDir
    Path dir;

    private Path file(String name, byte[] raw, boolean gz) throws IOException {
        return TestFiles.write(dir, name, gz ? TestFiles.gzip(raw) : raw);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripOneAndSeveralFiles(boolean gz) throws IOException {
        byte[] a = TestFiles.cifar(5, 1);
        byte[] b = TestFiles.cifar(5, 2);
        Path pa = file("a.bin", a, gz);
        Path pb = file("b.bin", b, gz);
        for (int expected : new int[] {0, 5}) {
            Dataset ds = Cifar10.read("c", List.of(pa, pb), expected);
            assertEquals(10, ds.size());
            assertArrayEquals(new int[] {3, 32, 32}, ds.recordShape());
            assertEquals("airplane", ds.classNames().get(0));
            for (int r = 0; r < 10; r++) {
                byte[] src = r < 5 ? a : b;
                int off = (r % 5) * Cifar10.RECORD;
                assertEquals(src[off] & 0xff, ds.label(r));
                assertArrayEquals(Arrays.copyOfRange(src, off + 1, off + Cifar10.RECORD),
                        Arrays.copyOfRange(ds.images(), r * 3072, (r + 1) * 3072));
            }
        }
        assertEquals(5, Cifar10.readBatch(pa, 0).size());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedRecord(boolean gz) throws IOException {
        byte[] a = TestFiles.cifar(3, 1);
        Path p = file("t.bin", Arrays.copyOf(a, 2 * Cifar10.RECORD + 100), gz);
        for (int expected : new int[] {0, 3}) {
            DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.readBatch(p, expected));
            assertTrue(e.getMessage().startsWith(p + ", offset "), e.getMessage());
            assertTrue(e.getMessage().contains("record 2"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void wrongRecordCountOrTrailingBytes(boolean gz) throws IOException {
        Path p = file("n.bin", TestFiles.cifar(4, 1), gz);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.readBatch(p, 3));
        assertEquals(3L * Cifar10.RECORD, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(gz ? "trailing bytes" : "expected 3 records"), e.getMessage());
        Path q = file("s.bin", TestFiles.cifar(2, 1), gz);
        DataFormatException f = assertThrows(DataFormatException.class, () -> Cifar10.readBatch(q, 3));
        assertEquals(2L * Cifar10.RECORD, f.offset(), f.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void labelOutOfRange(boolean gz) throws IOException {
        byte[] a = TestFiles.cifar(4, 1);
        a[2 * Cifar10.RECORD] = 10;
        Path p = file("l.bin", a, gz);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.readBatch(p, 0));
        assertEquals(2L * Cifar10.RECORD, e.offset());
        assertTrue(e.getMessage().contains("record 2") && e.getMessage().contains("expected 0..9, found 10"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void emptyFile(boolean gz) throws IOException {
        Path p = file("e.bin", new byte[0], gz);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.readBatch(p, 0));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
