package ttl4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import ttl4j.nn.TrainingCallback;

/**
 * Training progress for people and for logs. On a terminal: one status line redrawn in place
 * (carriage return) at most ten times a second, with a bar, loss and accuracy (smoothed over
 * recent steps), samples per second and the time left. Otherwise: a plain line every
 * {@code logEvery} steps (0: none) and one per epoch, so a log file stays readable.
 */
final class Progress implements TrainingCallback {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int epochs;
    private final int logEvery;
    private long lastDraw;
    private int lastWidth;
    private double emaLoss = Double.NaN, emaAcc = Double.NaN;

    Progress(PrintStream out, boolean terminal, int epochs, int logEvery) {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
        this.logEvery = logEvery;
    }

    @Override
    public void onStep(StepInfo s) {
        // Smoothed because one batch's loss jumps around too much to read.
        emaLoss = Double.isNaN(emaLoss) ? s.loss() : 0.95 * emaLoss + 0.05 * s.loss();
        emaAcc = Double.isNaN(emaAcc) ? s.accuracy() : 0.95 * emaAcc + 0.05 * s.accuracy();
        boolean last = s.step() + 1 == s.steps();
        if (terminal) {
            long now = System.nanoTime();
            if (!last && now - lastDraw < REDRAW_NANOS) return;
            lastDraw = now;
            draw(s);
        } else if (logEvery > 0 && (s.step() + 1) % logEvery == 0 && !last) {
            out.printf(Locale.ROOT, "epoch %d/%d step %d/%d loss %.4f acc %.2f%% %.0f samples/s lr %.3g%n", s.epoch(), epochs,
                    s.step() + 1, s.steps(), emaLoss, 100 * emaAcc, s.samplesPerSecond(), s.lr());
            out.flush();
        }
    }

    private void draw(StepInfo s) {
        int width = 24;
        int filled = (int) ((long) width * (s.step() + 1) / s.steps());
        StringBuilder bar = new StringBuilder(width);
        for (int i = 0; i < width; i++) bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        long remainingSteps = (long) (epochs - s.epoch()) * s.steps() + (s.steps() - s.step() - 1);
        double perStep = s.samplesPerSecond() > 0 ? s.batchSize() / s.samplesPerSecond() : Double.NaN;
        String line = String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d loss %.4f acc %5.2f%% %,.0f samples/s ETA %s",
                s.epoch(), epochs, bar, s.step() + 1, s.steps(), emaLoss, 100 * emaAcc, s.samplesPerSecond(),
                duration(remainingSteps * perStep));
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        lastWidth = line.length();
        out.flush();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        if (terminal) out.print("\r" + " ".repeat(lastWidth) + "\r");
        lastWidth = 0;
        String test = Double.isNaN(m.evalAccuracy()) ? ""
                : String.format(Locale.ROOT, " test loss %.4f acc %.2f%%", m.evalLoss(), 100 * m.evalAccuracy());
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
