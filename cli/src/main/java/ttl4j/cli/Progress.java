package ttl4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import ttl4j.nn.TrainingCallback;

/**
 * Training progress for people and for logs. On a terminal: one status line redrawn in place
 * (carriage return) at most ten times a second, fitted to the terminal's width (fields dropped in a
 * fixed order when it is narrow, so the line never wraps), with a bar, the loss and accuracy
 * smoothed over recent steps (labelled "ema"), samples per second and the time left, estimated
 * from the steps of the last few seconds once the first ones (JIT warm-up) are past. Otherwise: a
 * plain line every {@code logEvery} steps (0: none) and one per epoch, so a log file stays readable.
 */
final class Progress implements TrainingCallback {
    private static final long REDRAW_NANOS = 100_000_000L;
    /** Steps of a run not used for the time left: the JIT compiles the kernels during the first ones. */
    static final int WARMUP_STEPS = 10;
    /** The time left is estimated from the steps of about this long a window. */
    private static final long WINDOW_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int epochs;
    private final int logEvery;
    private final int columns;
    private long lastDraw;
    private int lastWidth;
    private double emaLoss = Double.NaN, emaAcc = Double.NaN;
    private String evalLabel = "test";
    private long stepsSeen;
    /** Times of recent steps (a ring) for the rate behind the time left. */
    private final long[] times = new long[256];
    private int timesStart, timesCount;

    Progress(PrintStream out, boolean terminal, int epochs, int logEvery) {
        this(out, terminal, epochs, logEvery, terminalColumns());
    }

    Progress(PrintStream out, boolean terminal, int epochs, int logEvery, int columns) {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
        this.logEvery = logEvery;
        this.columns = Math.max(20, columns);
    }

    /** The terminal's width: {@code $COLUMNS} (the launcher exports it when stdout is a terminal), else 80. */
    static int terminalColumns() {
        String c = System.getenv("COLUMNS");
        try {
            if (c != null && !c.isBlank()) return Integer.parseInt(c.trim());
        } catch (NumberFormatException ignored) {
            // fall through
        }
        return 80;
    }

    /** The name of the split the epoch lines' evaluation is on ({@code test}, or {@code val} with a validation split). */
    void evalLabel(String label) {
        this.evalLabel = label;
    }

    @Override
    public void onStep(StepInfo s) {
        // Smoothed because one batch's loss jumps around too much to read.
        emaLoss = Double.isNaN(emaLoss) ? s.loss() : 0.95 * emaLoss + 0.05 * s.loss();
        emaAcc = Double.isNaN(emaAcc) ? s.accuracy() : 0.95 * emaAcc + 0.05 * s.accuracy();
        long now = System.nanoTime();
        if (++stepsSeen > WARMUP_STEPS) recordTime(now);
        boolean last = s.step() + 1 == s.steps();
        if (terminal) {
            if (!last && now - lastDraw < REDRAW_NANOS) return;
            lastDraw = now;
            draw(s, now);
        } else if (logEvery > 0 && (s.step() + 1) % logEvery == 0 && !last) {
            out.printf(Locale.ROOT, "epoch %d/%d step %d/%d ema loss %.4f acc %.2f%% %.0f samples/s lr %.3g ETA %s%n", s.epoch(), epochs,
                    s.step() + 1, s.steps(), emaLoss, 100 * emaAcc, s.samplesPerSecond(), s.lr(), duration(secondsLeft(s, now)));
            out.flush();
        }
    }

    private void recordTime(long now) {
        if (timesCount == times.length) {
            timesStart = (timesStart + 1) % times.length;
            timesCount--;
        }
        times[(timesStart + timesCount++) % times.length] = now;
        // Keep about a window's worth (but at least two steps).
        while (timesCount > 2 && now - times[timesStart] > WINDOW_NANOS) {
            timesStart = (timesStart + 1) % times.length;
            timesCount--;
        }
    }

    /** Seconds left at the rate of the recent steps; NaN while the warm-up steps run. */
    double secondsLeft(StepInfo s, long now) {
        if (timesCount < 2) return Double.NaN;
        double perStep = (double) (times[(timesStart + timesCount - 1) % times.length] - times[timesStart]) / (timesCount - 1) / 1e9;
        long remainingSteps = (long) (epochs - s.epoch()) * s.steps() + (s.steps() - s.step() - 1);
        return remainingSteps * perStep;
    }

    /**
     * The status line for a terminal {@code columns} wide: everything when it fits, else without
     * (in this order) the samples per second, the bar, the accuracy, the step counts.
     */
    String statusLine(StepInfo s, long now) {
        String epoch = String.format(Locale.ROOT, "epoch %d/%d", s.epoch(), epochs);
        String steps = String.format(Locale.ROOT, "%d/%d", s.step() + 1, s.steps());
        String loss = String.format(Locale.ROOT, "ema loss %.4f", emaLoss);
        String acc = String.format(Locale.ROOT, "acc %5.2f%%", 100 * emaAcc);
        String rate = String.format(Locale.ROOT, "%,.0f samples/s", s.samplesPerSecond());
        String eta = "ETA " + duration(secondsLeft(s, now));
        int max = columns - 1; // the last column would wrap on some terminals
        boolean withRate = true, withBar = true, withAcc = true, withSteps = true;
        for (int attempt = 0; ; attempt++) {
            StringBuilder b = new StringBuilder(epoch);
            int fixed = b.length() + (withSteps ? 1 + steps.length() : 0) + 1 + loss.length() + (withAcc ? 1 + acc.length() : 0)
                    + (withRate ? 1 + rate.length() : 0) + 1 + eta.length();
            int barWidth = withBar ? Math.min(24, max - fixed - 3) : 0;
            if (withBar && barWidth < 8) {
                // No room for a readable bar: drop the rate first, then the bar.
                if (withRate) {
                    withRate = false;
                    continue;
                }
                withBar = false;
                barWidth = 0;
            }
            if (withBar) {
                int filled = (int) ((long) barWidth * (s.step() + 1) / s.steps());
                b.append(" [");
                for (int i = 0; i < barWidth; i++) b.append(i < filled ? '=' : i == filled ? '>' : ' ');
                b.append(']');
            }
            if (withSteps) b.append(' ').append(steps);
            b.append(' ').append(loss);
            if (withAcc) b.append(' ').append(acc);
            if (withRate) b.append(' ').append(rate);
            b.append(' ').append(eta);
            if (b.length() <= max || attempt >= 5) return b.length() <= max ? b.toString() : b.substring(0, max);
            if (withRate) withRate = false;
            else if (withBar) withBar = false;
            else if (withAcc) withAcc = false;
            else withSteps = false;
        }
    }

    private void draw(StepInfo s, long now) {
        String line = statusLine(s, now);
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        lastWidth = line.length();
        out.flush();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        if (terminal && lastWidth > 0) out.print("\r" + " ".repeat(lastWidth) + "\r");
        lastWidth = 0;
        String test = Double.isNaN(m.evalAccuracy()) ? ""
                : String.format(Locale.ROOT, " %s loss %.4f acc %.2f%%", evalLabel, m.evalLoss(), 100 * m.evalAccuracy());
        out.printf(Locale.ROOT, "epoch %d/%d train loss %.4f acc %.2f%%%s %.1f s %.0f samples/s lr %.3g%n", m.epoch(), epochs,
                m.trainLoss(), 100 * m.trainAccuracy(), test, m.seconds(), m.samplesPerSecond(), m.lr());
        out.flush();
    }

    /** Clears a half-drawn status line (before an error message or after an interruption). */
    void clear() {
        if (terminal && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
            lastWidth = 0;
        }
    }

    /**
     * Whether stdout is a terminal. From JDK 22 a console may exist with redirected streams, so its
     * {@code isTerminal()} (looked up reflectively: the code is compiled for 17) has the last word.
     */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "--:--";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
