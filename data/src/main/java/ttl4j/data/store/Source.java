package ttl4j.data.store;

import java.io.IOException;
import java.util.List;
import ttl4j.data.Catalog.FileSpec;

/** A place the files of a dataset can come from besides the data directory itself. */
interface Source {
    /** What the source is, as the log and error messages name it. */
    String describe();

    /**
     * Installs (verified, atomically, through {@code into}) whichever of {@code wanted} it can;
     * throws with the reason when it fails. Files it does not provide are simply not installed.
     */
    void fetch(List<FileSpec> wanted, Installer into) throws IOException;
}
