package ttl4j.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ttl4j.data.Catalog.FileSpec;
import ttl4j.data.DataFiles;

/** A folder on this machine holding the files raw or {@code .gz} (an installed package, an unpacked one). */
final class LocalFolderSource implements Source {
    private final Path folder;
    private final String what;

    /** {@code what} names the folder's origin in messages, e.g. "installed Debian package ...". */
    LocalFolderSource(Path folder, String what) {
        this.folder = folder;
        this.what = what;
    }

    @Override
    public String describe() {
        return what + " (" + folder + ")";
    }

    @Override
    public void fetch(List<FileSpec> wanted, Installer into) throws IOException {
        List<String> absent = new ArrayList<>();
        for (FileSpec f : wanted) {
            Path p = DataFiles.find(folder, f.name());
            if (p == null) {
                absent.add(f.name());
                continue;
            }
            try (InputStream in = Files.newInputStream(p)) {
                into.install(f, in, describe());
            }
        }
        if (!absent.isEmpty()) throw new IOException("no " + String.join(", ", absent) + " in " + folder);
    }
}
