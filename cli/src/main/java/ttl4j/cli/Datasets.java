package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import ttl4j.data.Catalog;
import ttl4j.data.Dataset;
import ttl4j.data.Idx;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.data.store.DatasetStore;
import ttl4j.nn.Checkpoint;

/**
 * Loads a dataset for {@code ttl train} and {@code ttl eval}: a catalogue name through the
 * {@link DatasetStore} (fetched and verified), or any other name as a folder {@code DATA_DIR/NAME}
 * holding the four IDX files under their MNIST names, read without checksums (own data, tests).
 */
final class Datasets {
    private Datasets() {}

    static final String NAMES = String.join(", ", Catalog.names());

    static Dataset load(String dataDir, String name, Split split, Consumer<String> log) {
        DatasetStore store = DatasetStore.open(dataDir).withLog(log);
        boolean known = Catalog.names().contains(name);
        try {
            if (known) return store.load(name, split);
            Path d = store.dir().resolve(name);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || !Files.isDirectory(d)) {
                throw new Main.UserError("unknown dataset '" + name + "': expected " + NAMES
                        + ", or the name of a folder in " + store.dir() + " holding IDX files");
            }
            String prefix = split == Split.TRAIN ? "train" : "t10k";
            Path images = find(d, prefix + "-images-idx3-ubyte");
            Path labels = find(d, prefix + "-labels-idx1-ubyte");
            int classes = 1;
            for (byte b : Idx.readLabels(labels, 256)) classes = Math.max(classes, (b & 0xff) + 1);
            return Idx.readDataset(name + "-" + split.name().toLowerCase(Locale.ROOT), images, labels, classes, null);
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
    }

    /** The input preparation recorded in a checkpoint written by {@code ttl train} or {@code ttl compress}. */
    static Preprocessing preprocessing(Checkpoint ck) {
        String p = ck.metadata().get("preprocessing");
        if (p == null) throw new Main.UserError(ck.file() + ": no preprocessing in __metadata__ (not written by ttl train)");
        try {
            return Preprocessing.fromJson(p);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(ck.file() + ": " + e.getMessage());
        }
    }

    private static Path find(Path d, String file) {
        Path raw = d.resolve(file);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = d.resolve(file + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        throw new Main.UserError("dataset folder " + d + " has no " + file + " (or " + file + ".gz)");
    }
}
