package ttl4j.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.Optimizer;

/**
 * How a fresh run trains: optimiser, peak learning rate, schedule and input preparation. Null
 * fields take the defaults of {@code ttl train} (Adam, lr 3e-3, no weight decay, cosine schedule
 * without warm-up, standardised inputs: the recipe that trains both the dense and the Tucker presets;
 * SGD's defaults are momentum 0.9, lr 0.05, weight decay 1e-4).
 */
record TrainRecipe(String optimizer, Double lr, Double momentum, Boolean nesterov, Double weightDecay, String schedule,
                   Double warmupEpochs, String normalize) {

    String optimizerName() {
        return optimizer == null ? "adam" : optimizer.toLowerCase(Locale.ROOT);
    }

    String normalizeOrDefault() {
        String n = normalize == null ? "standardize" : normalize;
        if (!n.equals("standardize") && !n.equals("unit")) {
            throw new Main.UserError("--normalize must be standardize or unit, got '" + n + "'");
        }
        return n;
    }

    /** Checks every setting without building anything, so a bad value fails before data is loaded. */
    TrainRecipe validated() {
        normalizeOrDefault();
        createOptimizer();
        peakLr();
        warmup();
        String kind = scheduleKind();
        if (warmup() > 0 && !kind.equals("cosine")) throw new Main.UserError("--warmup-epochs needs the cosine schedule");
        if (!kind.equals("constant") && !kind.equals("step") && !kind.equals("cosine")) {
            throw new Main.UserError("unknown schedule '" + schedule + "': expected constant, step or cosine");
        }
        return this;
    }

    Optimizer createOptimizer() {
        String name = optimizerName();
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

    double peakLr() {
        double x = lr != null ? lr : optimizerName().equals("sgd") ? 0.05 : 3e-3;
        if (!(x > 0) || Double.isInfinite(x)) throw new Main.UserError("--lr must be a positive number, got " + x);
        return x;
    }

    private double warmup() {
        double w = warmupEpochs == null ? 0 : warmupEpochs;
        if (!(w >= 0) || Double.isInfinite(w)) throw new Main.UserError("--warmup-epochs must be >= 0, got " + w);
        return w;
    }

    private String scheduleKind() {
        return schedule == null ? "cosine" : schedule.toLowerCase(Locale.ROOT);
    }

    LrSchedule createSchedule(int epochs, int stepsPerEpoch) {
        double peak = peakLr();
        long total = Math.max(1, (long) epochs * stepsPerEpoch);
        long warm = Math.min(total - 1, Math.round(warmup() * stepsPerEpoch));
        String kind = scheduleKind();
        return switch (kind) {
            case "constant" -> LrSchedule.constant(peak);
            case "step" -> LrSchedule.step(peak, Math.max(1, total / 3), 0.1);
            case "cosine" -> LrSchedule.cosine(peak, total, warm, 0);
            default -> throw new Main.UserError("unknown schedule '" + schedule + "': expected constant, step or cosine");
        };
    }
}
