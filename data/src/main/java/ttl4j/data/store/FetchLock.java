package ttl4j.data.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import ttl4j.data.DataStoreException;

/**
 * One fetch at a time into a dataset folder: a lock within this process (file locks are held per
 * process) and an operating-system lock on the folder's {@code .fetch.lock} across processes. A
 * second fetch waits, then finds the files the first one installed. The system releases the lock
 * of a process that dies.
 */
final class FetchLock implements AutoCloseable {
    static final String FILE = ".fetch.lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private FetchLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    static FetchLock acquire(Path dir, String dataset, Consumer<String> log) throws IOException {
        ReentrantLock local = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                log.accept(dataset + ": another fetch into " + dir + " is running; waiting for it");
                l = ch.lock();
            }
            return new FetchLock(local, ch, l);
        } catch (IOException | OverlappingFileLockException e) {
            if (ch != null) ch.close();
            local.unlock();
            throw new DataStoreException("dataset " + dataset + ": cannot lock " + dir.resolve(FILE) + " (" + e + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
