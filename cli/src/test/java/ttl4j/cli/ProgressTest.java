package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ttl4j.nn.TrainingCallback.StepInfo;

class ProgressTest {
    private static StepInfo step(int epoch, int step) {
        return new StepInfo(epoch, step, 469, 469L * (epoch - 1) + step + 1, 0.1234, 0.9612, 128, 123_456, 0.003);
    }

    @Test
    void theStatusLineFitsTheTerminalDroppingFieldsInOrder() {
        for (int columns : new int[] {200, 100, 80, 60, 40, 20}) {
            Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), true, 20, 0, columns);
            for (int i = 0; i < 30; i++) p.onStep(step(1, i));
            String line = p.statusLine(step(1, 30), System.nanoTime());
            assertTrue(line.length() <= columns - 1, columns + ": " + line.length() + " " + line);
            assertTrue(line.startsWith("epoch 1/20"), line);
            if (columns >= 40) assertTrue(line.contains("ema loss 0.1234") && line.contains("ETA "), columns + ": " + line);
            if (columns >= 100) assertTrue(line.contains("samples/s") && line.contains("[="), line);
            if (columns == 80) assertTrue(line.contains("[") && !line.contains("samples/s"), "80 columns drop the rate first: " + line);
        }
    }

    @Test
    void theTimeLeftIgnoresTheWarmUpStepsAndUsesRecentOnes() throws InterruptedException {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), true, 2, 0, 120);
        for (int i = 0; i < Progress.WARMUP_STEPS; i++) p.onStep(step(1, i));
        assertTrue(p.statusLine(step(1, 9), System.nanoTime()).contains("ETA --:--"), "no estimate from warm-up steps");
        for (int i = Progress.WARMUP_STEPS; i < Progress.WARMUP_STEPS + 5; i++) {
            Thread.sleep(2);
            p.onStep(step(1, i));
        }
        double left = p.secondsLeft(step(1, 14), System.nanoTime());
        // 469 * 2 - 15 steps left at a few milliseconds each: seconds, not the minutes a slow first step would predict.
        assertTrue(left > 0.5 && left < 60, "seconds left " + left);
    }

    @Test
    void aLogGetsPlainLinesNeverCarriageReturns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 3, 100, 80);
        for (int i = 0; i < 469; i++) p.onStep(step(1, i));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), out);
        assertEquals(4, out.lines().count(), out);
        assertTrue(out.lines().allMatch(l -> l.contains("ema loss")), out);
    }
}
