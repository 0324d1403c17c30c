package ttl4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelPoolTest {

    private interface Body {
        void run() throws Exception;
    }

    private static void withThreads(int n, Body body) throws Exception {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(n);
            body.run();
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void manyRapidCallsRunEveryTaskExactlyOnce() throws Exception {
        for (int threads : new int[] {1, 2, 3}) {
            withThreads(threads, () -> {
                for (int call = 0; call < 3000; call++) {
                    int tasks = 1 + call % 7;
                    AtomicIntegerArray hits = new AtomicIntegerArray(tasks);
                    int[] plain = new int[tasks]; // written by tasks, read here: checks visibility on return
                    Parallel.forEach(tasks, i -> {
                        hits.incrementAndGet(i);
                        plain[i] = i + 1;
                    });
                    for (int i = 0; i < tasks; i++) {
                        assertEquals(1, hits.get(i), "call " + call + " task " + i + " threads " + threads);
                        assertEquals(i + 1, plain[i], "call " + call + " task " + i + " threads " + threads);
                    }
                }
            });
        }
    }

    @Test
    void failuresReachTheCallerAfterAllTasksRan() throws Exception {
        for (int threads : new int[] {1, 2, 3}) {
            withThreads(threads, () -> {
                for (int rep = 0; rep < 200; rep++) {
                    AtomicInteger ran = new AtomicInteger();
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(16, i -> {
                        ran.incrementAndGet();
                        if (i == 5) throw new IllegalStateException("task 5 failed");
                    }));
                    assertEquals("task 5 failed", e.getMessage());
                    if (threads > 1) assertEquals(16, ran.get(), "every task runs despite a failure");
                    // the pool stays usable after a failure
                    AtomicInteger after = new AtomicInteger();
                    Parallel.forEach(4, i -> after.incrementAndGet());
                    assertEquals(4, after.get());
                }
                AssertionError err = assertThrows(AssertionError.class, () -> Parallel.forEach(3, i -> {
                    if (i == 2) throw new AssertionError("boom");
                }));
                assertEquals("boom", err.getMessage());
            });
        }
    }

    @Test
    void nestedCallsRunInlineOnTheTaskThread() throws Exception {
        for (int threads : new int[] {1, 2, 3}) {
            withThreads(threads, () -> {
                AtomicIntegerArray hits = new AtomicIntegerArray(8 * 5);
                AtomicInteger foreign = new AtomicInteger();
                Parallel.forEach(8, i -> {
                    Thread outer = Thread.currentThread();
                    Parallel.forEach(5, j -> {
                        if (Thread.currentThread() != outer) foreign.incrementAndGet();
                        hits.incrementAndGet(i * 5 + j);
                    });
                });
                assertEquals(0, foreign.get(), "nested tasks must stay on the outer task's thread");
                for (int i = 0; i < 40; i++) assertEquals(1, hits.get(i), "nested task " + i);
            });
        }
    }

    @Test
    void setThreadsWhileIdleAndFromInsideATask() throws Exception {
        int before = Parallel.threads();
        try {
            for (int round = 0; round < 50; round++) {
                int n = 1 + round % 3;
                Parallel.setThreads(n);
                assertEquals(n, Parallel.threads());
                AtomicIntegerArray hits = new AtomicIntegerArray(9);
                Parallel.forEach(9, hits::incrementAndGet);
                for (int i = 0; i < 9; i++) assertEquals(1, hits.get(i));
            }
            // changing the count while a call is in flight must not lose or repeat tasks
            Parallel.setThreads(2);
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            Parallel.forEach(64, i -> {
                if (i == 3) Parallel.setThreads(3);
                hits.incrementAndGet(i);
            });
            for (int i = 0; i < 64; i++) assertEquals(1, hits.get(i));
            assertEquals(3, Parallel.threads());
            AtomicIntegerArray again = new AtomicIntegerArray(64);
            Parallel.forEach(64, again::incrementAndGet);
            for (int i = 0; i < 64; i++) assertEquals(1, again.get(i));
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void usesMoreThanOneThreadAndConcurrentCallersBothComplete() throws Exception {
        withThreads(2, () -> {
            // one task blocks until another task has run elsewhere: only possible with a real worker
            CountDownLatch other = new CountDownLatch(1);
            AtomicReference<Thread> first = new AtomicReference<>();
            Parallel.forEach(2, i -> {
                if (first.compareAndSet(null, Thread.currentThread())) {
                    try {
                        assertTrue(other.await(10, java.util.concurrent.TimeUnit.SECONDS), "second task never ran");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    other.countDown();
                }
            });
            // two application threads calling at once: both get all their tasks run
            AtomicIntegerArray a = new AtomicIntegerArray(2000), b = new AtomicIntegerArray(2000);
            Thread t = new Thread(() -> {
                for (int r = 0; r < 200; r++) {
                    int rr = r;
                    Parallel.forEach(10, i -> a.incrementAndGet(rr * 10 + i));
                }
            });
            t.start();
            for (int r = 0; r < 200; r++) {
                int rr = r;
                Parallel.forEach(10, i -> b.incrementAndGet(rr * 10 + i));
            }
            t.join();
            for (int i = 0; i < 2000; i++) {
                assertEquals(1, a.get(i), "a " + i);
                assertEquals(1, b.get(i), "b " + i);
            }
        });
    }
}
