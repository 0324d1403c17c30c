package ttl4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Distillation options of the commands that train (a picocli mixin). */
final class DistillOptions {
    static final double DEFAULT_ALPHA = 0.5, DEFAULT_TEMPERATURE = 4;

    @Option(names = "--teacher", paramLabel = "CHECKPOINT",
            description = "Distil from this trained network (a .safetensors file from ttl train or ttl compress): the loss becomes "
                    + "(1-a) cross-entropy + a T^2 KL(softmax(teacher/T) || softmax(student/T)), the teacher's logits computed "
                    + "on each batch (evaluation mode, never updated). It must have been trained on the same dataset with the "
                    + "same input preparation.")
    Path teacher;

    @Option(names = "--distill-alpha", paramLabel = "A", description = "Weight a of the teacher term, in [0, 1] (default: 0.5).")
    Double alpha;

    @Option(names = "--distill-temperature", paramLabel = "T", description = "Temperature T of both softmaxes in the teacher term (default: 4).")
    Double temperature;

    /** The teacher, or null without --teacher; --distill-* without --teacher is a mistake. */
    Teacher open() {
        if (teacher == null) {
            if (!given().isEmpty()) throw new Main.UserError(String.join(", ", given()) + " needs --teacher");
            return null;
        }
        return Teacher.open(teacher, alpha != null ? alpha : DEFAULT_ALPHA, temperature != null ? temperature : DEFAULT_TEMPERATURE);
    }

    List<String> given() {
        List<String> g = new ArrayList<>();
        if (alpha != null) g.add("--distill-alpha");
        if (temperature != null) g.add("--distill-temperature");
        return g;
    }
}
