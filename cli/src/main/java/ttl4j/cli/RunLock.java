package ttl4j.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive use of a run directory: an operating-system lock on its {@code .lock} file, held while
 * a process writes the run and released by the system when the process dies (so a killed run never
 * leaves the directory locked). A second run into the same directory is refused at once.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir} (created if needed) or throws a user error saying who holds it. */
    static RunLock acquire(Path dir) {
        TrainingRun.ensureWritable(dir);
        Path f = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new Main.UserError("another ttl run is writing to " + dir + " (it holds " + f
                        + "); wait for it to end or choose another output directory");
            }
            return new RunLock(ch, l);
        } catch (IOException e) {
            try {
                if (ch != null) ch.close();
            } catch (IOException ignored) {
                // the error below says what failed
            }
            throw new Main.UserError("cannot lock output directory " + dir + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Removes the temporary files that writes killed half-way left in {@code dir} (hidden
     * {@code .<name>.<random>.tmp} files and {@code <name>.tmp}); call with the lock held, so no
     * write of another process is in progress.
     */
    static void removeLeftovers(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // housekeeping only
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the system releases the lock when the process ends anyway
        }
    }
}
