package ttl4j.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Optimiser and learning-rate options of the commands that train (a picocli mixin); unset options take {@link TrainRecipe}'s defaults. */
final class RecipeOptions {

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, adam or adamw (default: adam).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default: 0.003 for adam/adamw, 0.05 for sgd).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum (default: 0.9).")
    Double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    Boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "X",
            description = "Weight decay (default: 0 for adam, 0.01 for adamw (decoupled), 1e-4 for sgd).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "KIND",
            description = "Learning-rate schedule: constant, step (x0.1 every third of the run) or cosine (to 0 at the end) "
                    + "(default: cosine).")
    String schedule;

    @Option(names = "--warmup-epochs", paramLabel = "X",
            description = "Linear learning-rate warm-up over the first X epochs (fractions allowed), cosine schedule only "
                    + "(default: 0).")
    Double warmupEpochs;

    /** The recipe these options describe, with the given input preparation (null: the default). */
    TrainRecipe recipe(String normalize) {
        return new TrainRecipe(optimizer, lr, momentum, nesterov, weightDecay, schedule, warmupEpochs, normalize);
    }

    /** The options the user gave, by name (for commands that refuse them in some modes). */
    List<String> given() {
        List<String> g = new ArrayList<>();
        if (optimizer != null) g.add("--optimizer");
        if (lr != null) g.add("--lr");
        if (momentum != null) g.add("--momentum");
        if (nesterov != null) g.add("--nesterov");
        if (weightDecay != null) g.add("--weight-decay");
        if (schedule != null) g.add("--schedule");
        if (warmupEpochs != null) g.add("--warmup-epochs");
        return g;
    }
}
