package ttl4j.cli;

import java.io.IOException;
import java.util.function.Consumer;
import ttl4j.data.Catalog;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.data.store.DatasetStore;
import ttl4j.nn.Checkpoint;

/**
 * Datasets for {@code ttl train}, {@code ttl eval} and the other commands: what a name means is the
 * {@link DatasetStore}'s rule (a catalogue name, fetched and verified, or a folder of IDX files);
 * here its errors become one-line user errors.
 */
final class Datasets {
    private Datasets() {}

    static final String NAMES = String.join(", ", Catalog.names());

    static Dataset load(String dataDir, String name, Split split, Consumer<String> log) {
        try {
            return DatasetStore.open(dataDir).withLog(log).load(name, split);
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
}
