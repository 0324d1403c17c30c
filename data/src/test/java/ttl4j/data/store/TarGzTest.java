package ttl4j.data.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ttl4j.data.TestFiles;

class TarGzTest {
    @Test
    void tarReaderFindsEntries() throws IOException {
        byte[] labels = TestFiles.labels(10, 10, 4);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
        tarEntry(tar, "package/data/x", labels);
        tar.write(new byte[1024]);
        try (TarGz t = new TarGz(new ByteArrayInputStream(TestFiles.gzip(tar.toByteArray())), "t.tgz")) {
            TarGz.Entry a = t.next();
            assertEquals("package/package.json", a.name());
            TarGz.Entry b = t.next();
            assertEquals("package/data/x", b.name());
            assertArrayEquals(labels, t.content().readAllBytes());
            assertNull(t.next());
        }
    }

    private static void tarEntry(ByteArrayOutputStream out, String name, byte[] body) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o ", body.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = '0';
        byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        out.writeBytes(h);
        out.writeBytes(body);
        out.writeBytes(new byte[(512 - body.length % 512) % 512]);
    }
}
