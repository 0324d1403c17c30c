package ttl4j.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The engine's fixed thread pool. Kernels split their work into tasks that each own a block of
 * the output, so every output element is computed by exactly one task in a fixed order and
 * results are bitwise identical whatever the thread count or scheduling.
 *
 * <p>The pool has {@code threads() - 1} daemon workers; the calling thread takes tasks too.
 * A call made from inside a task runs its tasks sequentially on that thread (no nested fan-out).
 */
public final class Parallel {
    private Parallel() {}

    private static int threads = defaultThreads();
    private static ExecutorService pool;
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private static int defaultThreads() {
        String v = System.getProperty("ttl4j.threads");
        if (v != null) {
            try {
                int t = Integer.parseInt(v.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("system property ttl4j.threads=" + v + ": expected a positive integer");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Number of threads kernels may use (the caller included). */
    public static synchronized int threads() {
        return threads;
    }

    /** Sets the number of threads (at least 1); the pool is rebuilt lazily. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n == threads) return;
        threads = n;
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null && threads > 1) {
            AtomicInteger id = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "ttl4j-worker-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, tasks) and returns when all have finished.
     * An exception thrown by a task is rethrown here (after the other tasks finish).
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        int t;
        ExecutorService p;
        synchronized (Parallel.class) {
            t = threads;
            p = t > 1 && tasks > 1 && !IN_TASK.get() ? pool() : null;
        }
        if (p == null) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            boolean outer = IN_TASK.get();
            IN_TASK.set(Boolean.TRUE);
            try {
                for (int i; (i = next.getAndIncrement()) < tasks; ) body.accept(i);
            } finally {
                IN_TASK.set(outer);
            }
        };
        int helpers = Math.min(t, tasks) - 1;
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) futures[h] = p.submit(worker);
        Throwable failure = null;
        try {
            worker.run();
        } catch (Throwable e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException) throw (RuntimeException) failure;
        if (failure instanceof Error) throw (Error) failure;
        if (failure != null) throw new IllegalStateException("parallel task failed", failure);
    }
}
