package ttl4j.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A download body that fails instead of hanging when the sender stops sending: a reader thread
 * moves the body through a small queue, and a read that waits longer than {@code stall} for the
 * next bytes throws. An HTTP client's request timeout ends when the headers arrive, so without
 * this a mirror that stalls after its headers blocks a fetch for ever.
 */
final class StallGuard extends InputStream {
    private static final byte[] END = new byte[0];

    private final InputStream in;
    private final Duration stall;
    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(4);
    private final Thread reader;
    private byte[] current = END;
    private int pos;
    private long received;
    private boolean ended;

    StallGuard(InputStream in, Duration stall, String what) {
        this.in = in;
        this.stall = stall;
        this.reader = new Thread(this::pump, "ttl-download " + what);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) >= 0) {
                if (r > 0) chunks.put(Arrays.copyOf(buf, r));
            }
            chunks.put(END);
        } catch (IOException e) {
            chunks.offer(e);
        } catch (InterruptedException e) {
            // closed by the consumer
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int r = read(one, 0, 1);
        return r < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos == current.length && !next()) return -1;
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        received += n;
        return n;
    }

    /** Waits for the next chunk; false at the end of the body. */
    private boolean next() throws IOException {
        if (ended) return false;
        Object o;
        try {
            o = chunks.poll(stall.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (o == null) {
            close();
            throw new IOException("the server stopped sending: no data for " + describe(stall) + " after " + received + " bytes");
        }
        if (o instanceof IOException e) throw e;
        current = (byte[]) o;
        pos = 0;
        if (current.length == 0) {
            ended = true;
            return false;
        }
        return true;
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public void close() throws IOException {
        reader.interrupt();
        in.close();
    }
}
