package ttl4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.Optimizer;

/**
 * The optimiser and learning-rate options shared by {@code ttl train} and {@code ttl compress}
 * (fine-tuning), with their defaults: SGD momentum 0.9, lr 0.05 (adam/adamw 0.001), weight decay
 * 1e-4 (adam 0, adamw 0.01 decoupled), cosine schedule.
 */
final class OptimizerOptions {

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, adam or adamw (default: sgd; adam when fine-tuning in ttl compress).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default: 0.05 for sgd; for adam/adamw 0.001, or 0.003 when fine-tuning in ttl compress).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum (default: 0.9).")
    Double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    Boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "X",
            description = "L2 weight decay (default: 1e-4 for sgd, 0 for adam, 0.01 for adamw (decoupled)).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "KIND",
            description = "Learning-rate schedule: constant, step (x0.1 every third of the run) or cosine (to 0 at the end) "
                    + "(default: cosine).")
    String schedule;

    /** The options given on the command line (for "cannot be combined with" messages). */
    List<String> given() {
        List<String> g = new ArrayList<>();
        if (optimizer != null) g.add("--optimizer");
        if (lr != null) g.add("--lr");
        if (momentum != null) g.add("--momentum");
        if (nesterov != null) g.add("--nesterov");
        if (weightDecay != null) g.add("--weight-decay");
        if (schedule != null) g.add("--schedule");
        return g;
    }

    private String name() {
        return optimizer == null ? "sgd" : optimizer.toLowerCase(Locale.ROOT);
    }

    Optimizer optimizer() {
        String name = name();
        Map<String, String> h = new LinkedHashMap<>();
        switch (name) {
            case "sgd" -> {
                h.put("momentum", Double.toString(momentum != null ? momentum : 0.9));
                h.put("nesterov", Boolean.toString(nesterov != null && nesterov));
                h.put("weight_decay", Double.toString(weightDecay != null ? weightDecay : 1e-4));
            }
            case "adam", "adamw" -> {
                if (momentum != null || nesterov != null) throw new Main.UserError("--momentum and --nesterov apply to sgd only");
                h.put("weight_decay", Double.toString(weightDecay != null ? weightDecay : name.equals("adam") ? 0 : 0.01));
            }
            default -> throw new Main.UserError("unknown optimizer '" + optimizer + "': expected sgd, adam or adamw");
        }
        if (weightDecay != null && !(weightDecay >= 0)) throw new Main.UserError("--weight-decay must be >= 0, got " + weightDecay);
        try {
            return Optimizer.create(name, h);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
    }

    double lr() {
        double x = lr != null ? lr : name().equals("sgd") ? 0.05 : 1e-3;
        if (!(x > 0) || Double.isInfinite(x)) throw new Main.UserError("--lr must be a positive number, got " + x);
        return x;
    }

    LrSchedule schedule(int epochs, int stepsPerEpoch) {
        double peak = lr();
        long total = (long) epochs * stepsPerEpoch;
        String kind = schedule == null ? "cosine" : schedule.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "constant" -> LrSchedule.constant(peak);
            case "step" -> LrSchedule.step(peak, Math.max(1, total / 3), 0.1);
            case "cosine" -> LrSchedule.cosine(peak, Math.max(1, total), 0, 0);
            default -> throw new Main.UserError("unknown schedule '" + schedule + "': expected constant, step or cosine");
        };
    }
}
