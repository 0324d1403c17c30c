package ttl4j.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import ttl4j.data.Catalog.FileSpec;
import ttl4j.data.DataFiles;

/**
 * Puts files into one dataset folder so that an interrupted or corrupted transfer never leaves a
 * file that looks valid: the content goes to a temporary {@code .part} file beside the target, is
 * fsynced, its SHA-256 (of the uncompressed content) checked, and only then renamed into place.
 * Also owns the scratch folders package clients work in, and removes what killed fetches left.
 */
final class Installer {
    /** Package clients whose scratch folders ({@code .<client>-<digits>}) live in a dataset folder. */
    private static final List<String> CLIENTS = List.of("npm", "deb");

    private final Path target;
    private final Consumer<String> log;

    Installer(Path target, Consumer<String> log) {
        this.target = target;
        this.log = log;
    }

    /**
     * Copies {@code content} into a temporary file, fsyncs it, checks the SHA-256 of its
     * (uncompressed) content and only then renames it to {@code <name>} or {@code <name>.gz} (by its
     * first bytes), removing the other spelling. Anything that fails removes the temporary file.
     *
     * @param source what the content came from, for messages
     */
    void install(FileSpec f, InputStream content, String source) throws IOException {
        Path tmp = Files.createTempFile(target, "." + f.name() + ".", ".part");
        boolean done = false;
        try {
            long n = 0;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
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
            VerificationMarks.record(target, dest, h);
            log.accept("  " + dest.getFileName() + " (" + Files.size(dest) + " bytes) verified");
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** A new scratch folder for {@code client} (one of {@link #CLIENTS}) inside the target; the caller deletes it. */
    Path scratchDir(String client) throws IOException {
        if (!CLIENTS.contains(client)) throw new IllegalArgumentException("no scratch folder kind '" + client + "'");
        return Files.createTempDirectory(target, "." + client + "-");
    }

    /**
     * Removes what killed fetches left (temporary files and scratch folders). Only old ones: a fetch
     * running right now in another process keeps its own.
     */
    static void removeStale(Path dir) {
        long cutoff = System.currentTimeMillis() - Duration.ofHours(6).toMillis();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean ours = n.endsWith(".part") || CLIENTS.stream().anyMatch(c -> n.startsWith("." + c + "-"));
                if (ours && Files.getLastModifiedTime(p).toMillis() < cutoff) deleteTree(p);
            }
        } catch (IOException ignored) {
            // leftovers never look like data; removing them is housekeeping
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

    /** Temporary files are created private; data files are as readable as any other download. */
    static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
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
}
