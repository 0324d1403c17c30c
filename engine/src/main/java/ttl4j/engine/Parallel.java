package ttl4j.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The engine's fixed thread pool. Kernels split their work into tasks that each own a block of
 * the output, so every output element is computed by exactly one task in a fixed order and
 * results are bitwise identical whatever the thread count or scheduling.
 *
 * <p>The pool has {@code threads() - 1} daemon workers; the calling thread takes tasks too.
 * A call made from inside a task runs its tasks sequentially on that thread (no nested fan-out),
 * and so does a call made while another thread is using the pool.
 *
 * <p>Many calls are short (a GEMM of a training step takes well under a millisecond), so a call
 * must cost far less than a submit-and-wake executor round trip, which is as long as such a GEMM:
 * workers spin for {@link Tuning#PARALLEL_SPIN_NANOS} on the published job before parking, the
 * tasks are handed out by one shared counter, and the caller spins (then parks) on a completion
 * counter. Nothing but one small job record is allocated per call.
 *
 * <p>Memory visibility: the caller writes everything a task reads before the volatile write that
 * publishes the job, and a worker reads the job through that volatile field, so it sees those
 * writes. A participant records a failure and writes its outputs before adding its finished
 * tasks to the job's {@code done} counter; the caller returns only after reading that counter at
 * {@code tasks}, so every output and failure is visible to it. Parking cannot lose a wake-up:
 * each sleeper sets its volatile {@code sleeping} flag and then re-reads the condition it waits
 * for, while each waker first makes the condition true and then reads the flag (volatile
 * accesses are sequentially consistent, so at least one side sees the other's write), and an
 * unpark given before the park is remembered as the thread's permit.
 */
public final class Parallel {
    private Parallel() {}

    private static volatile int threads = defaultThreads();
    private static volatile Pool pool;
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /** Calls handed to the pool so far. */
    private static final AtomicLong JOBS_PUBLISHED = new AtomicLong();

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
    public static int threads() {
        return threads;
    }

    /**
     * How many {@link #forEach} calls have been handed to the pool's workers since start (calls run
     * on the caller's thread alone do not count): lets tests check which kernels split their work.
     */
    public static long jobsPublished() {
        return JOBS_PUBLISHED.get();
    }

    /**
     * Sets the number of threads (at least 1). The old workers finish the job they are in and
     * exit; a new pool is built on the next call.
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n == threads) return;
        threads = n;
        Pool old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static Pool pool() {
        Pool p = pool;
        if (p != null) return p;
        synchronized (Parallel.class) {
            if (pool == null && threads > 1) pool = new Pool(threads - 1);
            return pool;
        }
    }

    /**
     * Whether a product of {@code madds} multiply-adds over {@code floats} floats of operands and
     * result is worth splitting: more than one thread, at least {@link Tuning#PARALLEL_MIN_MADDS}
     * (the hand-off), and at least {@link Tuning#PARALLEL_MIN_MADDS_PER_FLOAT} per float of the data
     * that is likely to sit in the caller's cache (moving it to another core). Depends on the shape
     * and the thread count only, never on timing.
     */
    public static boolean worthSplitting(long madds, long floats) {
        if (threads <= 1 || madds < Tuning.PARALLEL_MIN_MADDS) return false;
        long cached = Math.min(floats, Tuning.PARALLEL_CACHED_FLOATS);
        return madds >= Tuning.PARALLEL_MIN_MADDS_PER_FLOAT * cached;
    }

    /**
     * Whether a memory-bound pass over {@code elements} elements (elementwise kernels, reductions,
     * copies) is worth splitting: more than one thread and at least {@link Tuning#PARALLEL_MIN_ELEMENTS}.
     */
    public static boolean worthSplittingElements(long elements) {
        return threads > 1 && elements >= Tuning.PARALLEL_MIN_ELEMENTS;
    }

    /** A body run on the indices [lo, hi) of a block; blocks never share outputs. */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    /** A body run on the rows [o0, o1) and columns [q0, q1) of a block of an output grid. */
    @FunctionalInterface
    public interface Block {
        void run(int o0, int o1, int q0, int q1);
    }

    /**
     * Runs {@code body} over [0, n) cut into at most {@code maxTasks} blocks of equal length (the
     * last one shorter), each starting at a multiple of {@code align} (whole register tiles, whole
     * cache lines), one task per block; on the caller's thread in one block when {@code split} is
     * false, there is one thread or one block. Every index is in exactly one block, so a body whose
     * outputs depend only on the index gives the same results for any split.
     */
    public static void forRanges(int n, int align, int maxTasks, boolean split, Range body) {
        if (n <= 0) return;
        if (!split || threads <= 1 || maxTasks <= 1 || n <= align) {
            body.run(0, n);
            return;
        }
        int block = roundUp(ceilDiv(n, maxTasks), align);
        int tasks = ceilDiv(n, block);
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        forEach(tasks, t -> body.run(t * block, (int) Math.min(n, (long) (t + 1) * block)));
    }

    /** {@link #forRanges(int, int, int, boolean, Range)} with no alignment and a few blocks per thread (to even out uneven progress). */
    public static void forRanges(int n, boolean split, Range body) {
        forRanges(n, 1, 4 * threads, split, body);
    }

    /**
     * Runs {@code body} over an {@code outer x inner} grid of outputs that each cost {@code cost}
     * elements of memory-bound work: on the caller's thread when that is too little to split
     * ({@link #worthSplittingElements}), else by blocks of whole rows when there are enough of them,
     * otherwise also by column blocks starting at multiples of {@code align}.
     */
    public static void forGrid(int outer, int inner, long cost, int align, Block body) {
        if (outer == 0 || inner == 0) return;
        if (!worthSplittingElements((long) outer * inner * cost)) {
            body.run(0, outer, 0, inner);
            return;
        }
        int want = 4 * threads;
        if (outer >= want || inner <= align) {
            forRanges(outer, 1, want, true, (a, b) -> body.run(a, b, 0, inner));
            return;
        }
        int colBlocks = Math.min(ceilDiv(inner, align), ceilDiv(want, outer));
        int cb = roundUp(ceilDiv(inner, colBlocks), align);
        int nc = ceilDiv(inner, cb);
        forEach(outer * nc, t -> {
            int o = t / nc, c = t % nc;
            body.run(o, o + 1, c * cb, Math.min(inner, (c + 1) * cb));
        });
    }

    private static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }

    private static int roundUp(int a, int m) {
        return ceilDiv(a, m) * m;
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, tasks) and returns when all have finished.
     * An exception thrown by a task is rethrown here (after the other tasks finish); when several
     * tasks fail, the first recorded failure is thrown.
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        Pool p = tasks > 1 && threads > 1 && !(Thread.currentThread() instanceof Worker) && !IN_TASK.get()
                ? pool() : null;
        if (p == null || !p.lock.tryLock()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        Job job = new Job(tasks, body, Thread.currentThread());
        IN_TASK.set(Boolean.TRUE);
        try {
            JOBS_PUBLISHED.incrementAndGet();
            p.publish(job);
            job.work();
            job.awaitDone();
        } finally {
            IN_TASK.set(Boolean.FALSE);
            p.lock.unlock();
        }
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException) throw (RuntimeException) failure;
        if (failure instanceof Error) throw (Error) failure;
        if (failure != null) throw new IllegalStateException("parallel task failed", failure);
    }

    /** One call's tasks: handed out by {@code next}, counted back in {@code done}. */
    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean callerSleeping;

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        /** Takes tasks until none are left; a failing task still counts as done. */
        void work() {
            int ran = 0;
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    body.accept(i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                ran++;
            }
            if (ran > 0 && done.addAndGet(ran) == tasks && callerSleeping) LockSupport.unpark(caller);
        }

        void awaitDone() {
            long spinUntil = System.nanoTime() + Tuning.PARALLEL_SPIN_NANOS;
            while (done.get() < tasks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                callerSleeping = true;
                while (done.get() < tasks) LockSupport.park(this);
                callerSleeping = false;
            }
        }
    }

    private static final class Worker extends Thread {
        final Pool pool;
        volatile boolean sleeping;

        Worker(Pool pool, int id) {
            super("ttl4j-worker-" + id);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            while (true) {
                Job job = pool.awaitNext(this, last);
                if (job == null) return;
                last = job;
                job.work();
            }
        }
    }

    private static final class Pool {
        private static final AtomicInteger IDS = new AtomicInteger();
        final ReentrantLock lock = new ReentrantLock();
        final Worker[] workers;
        volatile Job current;
        volatile boolean shut;

        Pool(int n) {
            workers = new Worker[n];
            for (int i = 0; i < n; i++) workers[i] = new Worker(this, IDS.incrementAndGet());
            for (Worker w : workers) w.start();
        }

        void publish(Job job) {
            current = job;
            for (Worker w : workers) if (w.sleeping) LockSupport.unpark(w);
        }

        void shutdown() {
            shut = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }

        /** The next job after {@code last}, or null once the pool is shut down. */
        Job awaitNext(Worker w, Job last) {
            long spinUntil = System.nanoTime() + Tuning.PARALLEL_SPIN_NANOS;
            while (true) {
                Job j = current;
                if (j != last) return j;
                if (shut) return null;
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                w.sleeping = true;
                while (current == last && !shut) LockSupport.park(this);
                w.sleeping = false;
            }
        }
    }
}
