package ttl4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import ttl4j.data.Preprocessing;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.DistillationLoss;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;

/**
 * A trained network whose logits a student is distilled from ({@code --teacher}): the model of a
 * {@code ttl train} or {@code ttl compress} checkpoint, with the input preparation it was trained
 * with. The student must see the same inputs (shape and preparation), so one batch feeds both, and
 * give as many logits. Its metadata keys record the distillation in the student's checkpoints.
 */
record Teacher(Path file, Sequential model, Preprocessing prep, int[] inputShape, DistillationLoss loss) {
    static final String KEY_FILE = "distill.teacher", KEY_ALPHA = "distill.alpha", KEY_TEMPERATURE = "distill.temperature";

    static Teacher open(Path file, double alpha, double temperature) {
        DistillationLoss loss;
        try {
            loss = new DistillationLoss(alpha, temperature);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--distill-" + (e.getMessage().contains("alpha") ? "alpha" : "temperature") + ": " + e.getMessage());
        }
        // The dataset it names is not needed: the student's batches feed it, and attach checks that they fit.
        LoadedCheckpoint lc = LoadedCheckpoint.open(file, "(the student's)");
        return new Teacher(file, lc.model(), lc.prep(), lc.inputShape(), loss);
    }

    /** The teacher a checkpoint written with one records (null when it has none). */
    static Teacher recordedIn(Checkpoint ck) {
        Map<String, String> m = ck.metadata();
        String f = m.get(KEY_FILE);
        if (f == null) return null;
        try {
            return open(Path.of(f), Double.parseDouble(m.getOrDefault(KEY_ALPHA, "0.5")),
                    Double.parseDouble(m.getOrDefault(KEY_TEMPERATURE, "4")));
        } catch (NumberFormatException e) {
            throw new Main.UserError(ck.file() + ": bad distillation settings in __metadata__ (" + e.getMessage() + ")");
        }
    }

    /** Checks that the student sees the teacher's inputs and gives as many logits, then trains {@code trainer} against it. */
    void attach(Trainer trainer, Preprocessing studentPrep, int[] studentInputShape) {
        if (!Arrays.equals(inputShape, studentInputShape)) {
            throw new Main.UserError("--teacher " + file + " takes inputs of shape " + Arrays.toString(inputShape)
                    + ", the network being trained " + Arrays.toString(studentInputShape));
        }
        if (!prep.toJson().equals(studentPrep.toJson())) {
            throw new Main.UserError("--teacher " + file + " was trained on inputs prepared as " + prep.toJson()
                    + ", the network being trained sees " + studentPrep.toJson() + " (use the same dataset and --normalize)");
        }
        int[] to = model.outputShape(inputShape), so = trainer.model().outputShape(studentInputShape);
        if (!Arrays.equals(to, so)) {
            throw new Main.UserError("--teacher " + file + " gives " + Arrays.toString(to) + " logits per sample, the network being trained "
                    + Arrays.toString(so));
        }
        trainer.distillFrom(model, loss);
    }

    Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FILE, file.toString());
        m.put(KEY_ALPHA, Double.toString(loss.alpha()));
        m.put(KEY_TEMPERATURE, Double.toString(loss.temperature()));
        return m;
    }

    /** For headers: {@code distilled from FILE (alpha 0.5, T 4)}. */
    String describe() {
        return String.format(Locale.ROOT, "distilled from %s (alpha %s, T %s)", file, fmt(loss.alpha()), fmt(loss.temperature()));
    }

    static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
