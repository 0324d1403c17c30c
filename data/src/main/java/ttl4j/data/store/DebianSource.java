package ttl4j.data.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import ttl4j.data.Catalog.FileSpec;

/**
 * A Debian package holding the files (Fashion-MNIST: {@code dataset-fashion-mnist}), fetched with
 * {@code apt-get download} and unpacked with {@code dpkg -x} into a scratch folder, so no root is
 * needed. A system that has the package installed is read in place instead ({@link LocalFolderSource}).
 */
final class DebianSource implements Source {
    private final String pkg;
    private final String folder;
    private final ProcessRunner runner;

    /** {@code folder}: where the files sit inside the package, e.g. {@code usr/share/datasets/fashion-mnist/}. */
    DebianSource(String pkg, String folder, ProcessRunner runner) {
        this.pkg = pkg;
        this.folder = folder;
        this.runner = runner;
    }

    @Override
    public String describe() {
        return "Debian package " + pkg + " (apt-get download + dpkg -x)";
    }

    @Override
    public void fetch(List<FileSpec> wanted, Installer into) throws IOException {
        Path tmp = into.scratchDir("deb");
        try {
            runner.run(List.of("apt-get", "download", pkg), tmp, "apt-get");
            Path deb = ProcessRunner.producedFile(tmp, ".deb", "apt-get download");
            Path x = tmp.resolve("x");
            runner.run(List.of("dpkg", "-x", deb.toString(), x.toString()), tmp, "dpkg");
            new LocalFolderSource(x.resolve(folder), describe()).fetch(wanted, into);
        } finally {
            Installer.deleteTree(tmp);
        }
    }
}
