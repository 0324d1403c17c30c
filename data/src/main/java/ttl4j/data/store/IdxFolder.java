package ttl4j.data.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import ttl4j.data.Catalog;
import ttl4j.data.Catalog.FileSpec;
import ttl4j.data.DataFiles;
import ttl4j.data.DataStoreException;
import ttl4j.data.Dataset;
import ttl4j.data.Idx;
import ttl4j.data.Split;

/**
 * A dataset of one's own: a folder of the data directory holding the four IDX files under their
 * MNIST names ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}), raw or {@code .gz}. There is no
 * checksum to hold them to; the class count is the largest label plus one.
 */
final class IdxFolder {
    /** Folder names accepted: a plain name, so no name can reach outside the data directory. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private IdxFolder() {
    }

    /** The folder of dataset {@code name} in {@code dataDir}, or null when the name is not a plain folder name. */
    static Path folder(Path dataDir, String name) {
        return NAME.matcher(name).matches() ? dataDir.resolve(name) : null;
    }

    /** Reads one split of the folder; a missing file is reported with the names the folder must hold. */
    static Dataset read(Path folder, String name, Split split) throws IOException {
        List<FileSpec> files = Catalog.MNIST.split(split);
        Path images = find(folder, files.get(0));
        Path labels = find(folder, files.get(1));
        return Idx.readDataset(name + "-" + split.name().toLowerCase(Locale.ROOT), images, labels, 0, null);
    }

    private static Path find(Path folder, FileSpec f) throws DataStoreException {
        Path p = DataFiles.find(folder, f.name());
        if (p != null) return p;
        throw new DataStoreException("dataset folder " + folder + " has no " + f.name() + " (or " + f.name() + ".gz); it needs "
                + String.join(", ", Catalog.MNIST.files().stream().map(FileSpec::name).toList()) + ", raw or .gz");
    }
}
