package ttl4j.data.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.data.Catalog.DatasetSpec;
import ttl4j.data.Catalog.FileSpec;
import ttl4j.data.Catalog.Format;
import ttl4j.data.DataFiles;
import ttl4j.data.DataStoreException;
import ttl4j.data.Dataset;
import ttl4j.data.Split;
import ttl4j.data.TestFiles;

/** The store against a mirror on loopback serving small generated IDX files. */
class DatasetStoreTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    /** Paths whose transfer stops half-way. */
    private final List<String> interrupted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, byte[]> raw = new HashMap<>();
    /** Paths whose transfer stops half-way and then hangs with the connection open, until the test ends. */
    private final List<String> stalled = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private DatasetSpec spec;

    @BeforeEach
    void start() throws IOException {
        raw.put("train-images-idx3-ubyte", TestFiles.images(30, 4, 4, 1));
        raw.put("train-labels-idx1-ubyte", TestFiles.labels(30, 10, 2));
        raw.put("t10k-images-idx3-ubyte", TestFiles.images(10, 4, 4, 3));
        raw.put("t10k-labels-idx1-ubyte", TestFiles.labels(10, 10, 4));
        spec = new DatasetSpec("tiny", Format.IDX, 1, 4, 4, 10, null,
                List.of(fs("train-images-idx3-ubyte"), fs("train-labels-idx1-ubyte")),
                List.of(fs("t10k-images-idx3-ubyte"), fs("t10k-labels-idx1-ubyte")), null, null, null, null, null);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private FileSpec fs(String name) {
        byte[] b = raw.get(name);
        return new FileSpec(name, b.length, TestFiles.sha256(b));
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        byte[] body = served.get(path);
        try (ex) {
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            if (stalled.contains(path)) {
                out.write(body, 0, body.length / 2);
                out.flush();
                try {
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (interrupted.contains(path)) {
                out.write(body, 0, body.length / 2);
                out.flush();
                // Closing short of the declared length drops the connection: the client sees an early end.
                return;
            }
            out.write(body);
        } catch (IOException expectedWhenInterrupted) {
            // the server side of an interrupted transfer
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/m/";
    }

    private DatasetStore store(List<String> log) {
        return new DatasetStore(dir).withCatalog(List.of(spec)).withPackageClients(false)
                .withMirror("tiny", base()).withLog(log::add).withTimeout(Duration.ofSeconds(20));
    }

    private void serveAllGzip() {
        raw.forEach((n, b) -> served.put("/m/" + n + ".gz", TestFiles.gzip(b)));
    }

    private List<String> filesIn(Path d) throws IOException {
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fetchesFromMirrorVerifiesAndLoads() throws IOException {
        serveAllGzip();
        List<String> log = new ArrayList<>();
        DatasetStore st = store(log);
        assertFalse(st.status("tiny").complete());
        DatasetStore.Status s = st.fetch("tiny");
        assertTrue(s.complete() && s.verified(), s.toString());
        assertEquals(List.of(".fetch.lock", ".verified", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), filesIn(dir.resolve("tiny")));
        Dataset train = st.load("tiny", Split.TRAIN);
        assertEquals(30, train.size());
        assertArrayEquals(Arrays.copyOfRange(raw.get("train-images-idx3-ubyte"), 16, 16 + 30 * 16), train.images());
        assertEquals(10, st.load("tiny", Split.TEST).size());
        // Present and verified now: no more requests.
        int before = requests.size();
        st.fetch("tiny");
        st.load("tiny", Split.TRAIN);
        assertEquals(before, requests.size());
        assertTrue(st.verify("tiny").stream().allMatch(DatasetStore.Check::ok));
    }

    @Test
    void leftoversOfKilledFetchesAreIgnoredThenRemoved() throws IOException {
        Path d = Files.createDirectories(dir.resolve("tiny"));
        Path old = Files.write(d.resolve(".train-images-idx3-ubyte.123.part"), new byte[] {0, 0, 8, 3});
        Path fresh = Files.write(d.resolve(".train-labels-idx1-ubyte.456.part"), new byte[] {0, 0, 8, 1});
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
        DatasetStore st = store(new ArrayList<>());
        assertTrue(st.status("tiny").files().stream().noneMatch(DatasetStore.FileStatus::present));
        serveAllGzip();
        st.fetch("tiny");
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(fresh), "a temporary file of a fetch that may still be running is left alone");
    }

    @Test
    void fallsBackToUncompressedFiles() throws IOException {
        raw.forEach((n, b) -> served.put("/m/" + n, b));
        DatasetStore st = store(new ArrayList<>());
        st.fetch("tiny");
        assertEquals(List.of(".fetch.lock", ".verified", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte"), filesIn(dir.resolve("tiny")));
        assertTrue(requests.contains("/m/train-images-idx3-ubyte.gz"), requests.toString());
    }

    @Test
    void checksumMismatchLeavesNoFile() throws IOException {
        serveAllGzip();
        byte[] bad = raw.get("train-images-idx3-ubyte").clone();
        bad[100] ^= 1;
        served.put("/m/train-images-idx3-ubyte.gz", TestFiles.gzip(bad));
        DatasetStore st = store(new ArrayList<>());
        DataStoreException e = assertThrows(DataStoreException.class, () -> st.fetch("tiny"));
        String m = e.getMessage();
        for (String s : new String[] {"dataset tiny", "train-images-idx3-ubyte", "mirror " + base(), "checksum mismatch",
                "expected SHA-256 " + spec.train().get(0).sha256(), "To install by hand", dir.resolve("tiny").toString()}) {
            assertTrue(m.contains(s), "'" + s + "' not in: " + m);
        }
        List<String> files = filesIn(dir.resolve("tiny"));
        assertFalse(files.stream().anyMatch(f -> f.startsWith("train-images") || f.endsWith(".part")), files.toString());
        // The good files were kept; a second fetch after the mirror is fixed fetches only the missing one.
        assertTrue(files.contains("train-labels-idx1-ubyte.gz"), files.toString());
        serveAllGzip();
        requests.clear();
        st.fetch("tiny");
        assertEquals(List.of("/m/train-images-idx3-ubyte.gz"), requests);
    }

    @Test
    void concurrentFetchesIntoOneFolderFetchEachFileOnce() throws Exception {
        serveAllGzip();
        DatasetStore st = store(Collections.synchronizedList(new ArrayList<>()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<DatasetStore.Status>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) fs.add(pool.submit(() -> st.fetch("tiny")));
            for (var f : fs) assertTrue(f.get().verified());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4, requests.size(), requests.toString());
        assertEquals(30, st.load("tiny", Split.TRAIN).size());
    }

    @Test
    void aMirrorThatStallsAfterItsHeadersTimesOut() throws IOException {
        serveAllGzip();
        stalled.add("/m/train-images-idx3-ubyte.gz");
        DatasetStore st = store(new ArrayList<>()).withTimeout(Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        DataStoreException e = assertThrows(DataStoreException.class, () -> st.fetch("tiny"));
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(seconds < 30, "took " + seconds + " s");
        String m = e.getMessage();
        assertTrue(m.contains("train-images-idx3-ubyte from " + base()) && m.contains("the server stopped sending: no data for 1 s"), m);
        List<String> files = filesIn(dir.resolve("tiny"));
        assertFalse(files.stream().anyMatch(f -> f.startsWith("train-images") || f.endsWith(".part")), files.toString());
    }

    @Test
    void aFailedVerifyInvalidatesTheMarkSoLoadingRefusesTheFile() throws IOException {
        serveAllGzip();
        DatasetStore st = store(new ArrayList<>());
        st.fetch("tiny");
        Path f = DataFiles.find(dir.resolve("tiny"), "train-labels-idx1-ubyte");
        // Same size and modification time, different content: the mark alone cannot tell.
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(f);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 12] ^= 0x55;
        Files.write(f, b);
        Files.setLastModifiedTime(f, mtime);
        assertTrue(st.status("tiny").verified(), "unchanged size and time look verified until checked");
        assertFalse(st.verify("tiny").stream().allMatch(DatasetStore.Check::ok));
        assertFalse(st.status("tiny").verified(), "a failed verify must drop the mark");
        DataStoreException e = assertThrows(DataStoreException.class, () -> st.load("tiny", Split.TRAIN));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void interruptedTransferLeavesNoFile() throws IOException {
        serveAllGzip();
        interrupted.add("/m/t10k-images-idx3-ubyte.gz");
        DatasetStore st = store(new ArrayList<>());
        DataStoreException e = assertThrows(DataStoreException.class, () -> st.fetch("tiny"));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte from " + base() + "t10k-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("transfer interrupted after"), e.getMessage());
        List<String> files = filesIn(dir.resolve("tiny"));
        assertFalse(files.stream().anyMatch(f -> f.startsWith("t10k-images") || f.endsWith(".part")), files.toString());
        assertNull(DataFiles.find(dir.resolve("tiny"), spec.test().get(0).name()));
    }

    @Test
    void directoryComesFirstAndBadFilesAreReplaced() throws IOException {
        Path d = Files.createDirectories(dir.resolve("tiny"));
        raw.forEach((n, b) -> {
            try {
                Files.write(d.resolve(n), b);
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        DatasetStore st = store(new ArrayList<>());
        DatasetStore.Status s = st.status("tiny");
        assertTrue(s.complete());
        assertFalse(s.verified(), "never hashed yet");
        assertEquals(30, st.load("tiny", Split.TRAIN).size());
        assertTrue(st.status("tiny").files().get(0).verified());
        assertTrue(requests.isEmpty());
        // A wrong file in the directory: verify says so, load refuses, fetch replaces it.
        byte[] bad = raw.get("t10k-labels-idx1-ubyte").clone();
        bad[9] = (byte) ((bad[9] + 1) % 10);
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), bad);
        assertFalse(st.verify("tiny").get(3).ok());
        DataStoreException e = assertThrows(DataStoreException.class, () -> st.load("tiny", Split.TEST));
        assertTrue(e.getMessage().contains("ttl data fetch tiny"), e.getMessage());
        serveAllGzip();
        st.fetch("tiny");
        assertTrue(st.verify("tiny").stream().allMatch(DatasetStore.Check::ok));
        assertEquals(List.of("/m/t10k-labels-idx1-ubyte.gz"), requests);
        assertFalse(Files.exists(d.resolve("t10k-labels-idx1-ubyte")), "the bad raw file is gone");
    }

    @Test
    void noSourceSaysWhatWasTriedAndHowToPlaceFiles() {
        DatasetStore st = new DatasetStore(dir).withCatalog(List.of(spec)).withPackageClients(false);
        DataStoreException e = assertThrows(DataStoreException.class, () -> st.fetch("tiny"));
        assertTrue(e.getMessage().contains("no mirror configured (set TTL4J_MIRROR_TINY"), e.getMessage());
        assertTrue(e.getMessage().contains("put train-images-idx3-ubyte, train-labels-idx1-ubyte"), e.getMessage());
        DatasetStore down = st.withMirror("tiny", "http://127.0.0.1:1/");
        DataStoreException f = assertThrows(DataStoreException.class, () -> down.fetch("tiny"));
        assertTrue(f.getMessage().contains("mirror http://127.0.0.1:1/"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> st.spec("nope"));
    }

    @Test
    void aFolderOfIdxFilesIsADataset() throws IOException {
        // Under the MNIST names, raw or .gz mixed; no catalogue entry, no checksums, classes from the labels.
        Path d = Files.createDirectories(dir.resolve("own"));
        byte[] labels = TestFiles.labels(30, 4, 2);
        TestFiles.write(d, "train-images-idx3-ubyte.gz", TestFiles.gzip(raw.get("train-images-idx3-ubyte")));
        TestFiles.write(d, "train-labels-idx1-ubyte", labels);
        DatasetStore st = store(new ArrayList<>());
        Dataset train = st.load("own", Split.TRAIN);
        assertEquals("own-train", train.name());
        assertEquals(30, train.size());
        int top = 0;
        for (int i = 8; i < labels.length; i++) top = Math.max(top, labels[i] & 0xff);
        assertEquals(top + 1, train.numClasses());
        DataStoreException missing = assertThrows(DataStoreException.class, () -> st.load("own", Split.TEST));
        for (String s : new String[] {d.toString(), "has no t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz)",
                "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"}) {
            assertTrue(missing.getMessage().contains(s), "'" + s + "' not in: " + missing.getMessage());
        }
        for (String bad : new String[] {"nothere", "../own", "own/../own", ""}) {
            DataStoreException e = assertThrows(DataStoreException.class, () -> st.load(bad, Split.TRAIN), bad);
            assertTrue(e.getMessage().startsWith("unknown dataset '" + bad + "': expected tiny, or the name of a folder in "
                    + dir.toAbsolutePath().normalize() + " holding IDX files"), e.getMessage());
        }
        assertTrue(requests.isEmpty(), "a folder dataset is never fetched");
    }

    @Test
    void dataDirectoryOptionWins() {
        assertEquals(Path.of("/some/where"), DatasetStore.resolveDir("/some/where"));
        Path def = DatasetStore.resolveDir(null);
        if (System.getenv(DatasetStore.ENV_DIR) == null) assertTrue(def.endsWith(Path.of(".cache", "ttl4j")), def.toString());
    }

    /** A ustar archive of {@code entries} (name to content), as tar writes it. */
    static byte[] tar(Map<String, byte[]> entries) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] h = new byte[512];
            byte[] name = e.getKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, h, 0, name.length);
            put(h, 100, String.format("%07o", 0644));
            put(h, 108, String.format("%07o", 0));
            put(h, 116, String.format("%07o", 0));
            put(h, 124, String.format("%011o", e.getValue().length));
            put(h, 136, String.format("%011o", 0));
            h[156] = '0';
            put(h, 257, "ustar");
            h[263] = '0';
            h[264] = '0';
            java.util.Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            out.writeBytes(h);
            out.writeBytes(e.getValue());
            out.writeBytes(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private DatasetSpec cifarLike(Map<String, byte[]> files) {
        return new DatasetSpec("tinycifar", Format.CIFAR10, 3, 32, 32, 10, null,
                List.of(new FileSpec("data_batch_1.bin", files.get("data_batch_1.bin").length, TestFiles.sha256(files.get("data_batch_1.bin")))),
                List.of(new FileSpec("test_batch.bin", files.get("test_batch.bin").length, TestFiles.sha256(files.get("test_batch.bin")))),
                null, null, null, null, null);
    }

    @Test
    void theOfficialCifarArchiveIsStreamedVerifiedAndInstalledFileByFile() throws IOException {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("data_batch_1.bin", TestFiles.images(2, 3073, 1, 5));
        files.put("test_batch.bin", TestFiles.images(1, 3073, 1, 6));
        DatasetSpec c = cifarLike(files);
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        files.forEach((n, b) -> entries.put("cifar-10-batches-bin/" + n, b));
        byte[] archive = TestFiles.gzip(tar(entries));
        served.put("/m/cifar-10-binary.tar.gz", archive);

        // A base URL: the files are not served one by one, the archive is.
        DatasetStore st = new DatasetStore(dir).withCatalog(List.of(c)).withPackageClients(false).withMirror("tinycifar", base())
                .withLog(m -> { }).withTimeout(Duration.ofSeconds(20));
        assertTrue(st.fetch("tinycifar").verified());
        assertTrue(requests.contains("/m/cifar-10-binary.tar.gz"), requests.toString());
        assertArrayEquals(files.get("test_batch.bin"), Files.readAllBytes(DataFiles.find(dir.resolve("tinycifar"), "test_batch.bin")));

        // The archive's own URL, truncated, then corrupted: refused, nothing half-written left.
        for (byte[] bad : new byte[][] {Arrays.copyOf(archive, archive.length * 2 / 3), flipped(archive, archive.length / 2)}) {
            Path d2 = Files.createTempDirectory(dir, "again");
            served.put("/m/cifar-10-binary.tar.gz", bad);
            DatasetStore s2 = new DatasetStore(d2).withCatalog(List.of(c)).withPackageClients(false)
                    .withMirror("tinycifar", base() + "cifar-10-binary.tar.gz").withLog(m -> { }).withTimeout(Duration.ofSeconds(20));
            DataStoreException e = assertThrows(DataStoreException.class, () -> s2.fetch("tinycifar"));
            assertTrue(e.getMessage().contains("cifar-10-binary.tar.gz"), e.getMessage());
            List<String> left = filesIn(d2.resolve("tinycifar"));
            assertFalse(left.stream().anyMatch(f -> f.endsWith(".part")), left.toString());
        }

        // A folder on this machine as the mirror.
        Path folder = Files.createDirectories(dir.resolve("elsewhere"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) Files.write(folder.resolve(f.getKey() + ".gz"), TestFiles.gzip(f.getValue()));
        Path d3 = Files.createTempDirectory(dir, "local");
        DatasetStore s3 = new DatasetStore(d3).withCatalog(List.of(c)).withPackageClients(false)
                .withMirror("tinycifar", folder.toString()).withLog(m -> { });
        assertTrue(s3.fetch("tinycifar").verified());
    }

    private static byte[] flipped(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x10;
        return c;
    }
}
