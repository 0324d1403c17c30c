package ttl4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learning rate as a pure function of the global step (0-based, counted over the whole run), so a
 * resumed run continues the schedule from its step with no state to save. {@link #spec()} writes
 * it as e.g. {@code cosine(lr=0.1,total=4690,warmup=100,min=0.0)} and {@link #parse} reads that back.
 */
public interface LrSchedule {

    /** Learning rate for {@code step}. */
    double lr(long step);

    /** Round-trip description, see {@link #parse}. */
    String spec();

    /** Always {@code lr}. */
    static LrSchedule constant(double lr) {
        positive(lr);
        return new LrSchedule() {
            public double lr(long step) {
                return lr;
            }

            public String spec() {
                return "constant(lr=" + lr + ")";
            }
        };
    }

    /** {@code lr * gamma^floor(step / every)} (PyTorch's StepLR with the period in steps). */
    static LrSchedule step(double lr, long every, double gamma) {
        positive(lr);
        if (every < 1) throw new IllegalArgumentException("step schedule: period must be >= 1 step, got " + every);
        if (!(gamma > 0)) throw new IllegalArgumentException("step schedule: gamma must be > 0, got " + gamma);
        return new LrSchedule() {
            public double lr(long step) {
                return lr * Math.pow(gamma, Math.floorDiv(step, every));
            }

            public String spec() {
                return "step(lr=" + lr + ",every=" + every + ",gamma=" + gamma + ")";
            }
        };
    }

    /**
     * Linear warm-up from {@code lr / warmup} to {@code lr} over the first {@code warmup} steps, then
     * cosine decay to {@code min} at step {@code total} (and {@code min} after it).
     */
    static LrSchedule cosine(double lr, long total, long warmup, double min) {
        positive(lr);
        if (total < 1) throw new IllegalArgumentException("cosine schedule: total must be >= 1 step, got " + total);
        if (warmup < 0 || warmup >= total) {
            throw new IllegalArgumentException("cosine schedule: warm-up must be in [0, total=" + total + "), got " + warmup);
        }
        return new LrSchedule() {
            public double lr(long step) {
                if (step < warmup) return lr * (step + 1) / warmup;
                if (step >= total) return min;
                double t = (double) (step - warmup) / (total - warmup);
                return min + (lr - min) * 0.5 * (1 + Math.cos(Math.PI * t));
            }

            public String spec() {
                return "cosine(lr=" + lr + ",total=" + total + ",warmup=" + warmup + ",min=" + min + ")";
            }
        };
    }

    /** Reads {@code constant(lr=X)}, {@code step(lr=X,every=N,gamma=G)} or {@code cosine(lr=X,total=N[,warmup=W][,min=M])}. */
    static LrSchedule parse(String spec) {
        String s = spec.trim();
        int open = s.indexOf('(');
        if (open < 0 || !s.endsWith(")")) {
            throw new IllegalArgumentException("learning-rate schedule \"" + spec + "\": expected name(key=value,...)");
        }
        String name = s.substring(0, open).trim();
        Map<String, String> a = new LinkedHashMap<>();
        String body = s.substring(open + 1, s.length() - 1).trim();
        if (!body.isEmpty()) {
            for (String kv : body.split(",")) {
                int eq = kv.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("learning-rate schedule \"" + spec + "\": expected key=value, got \"" + kv + "\"");
                a.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        try {
            return switch (name) {
                case "constant" -> constant(Double.parseDouble(req(a, "lr", spec)));
                case "step" -> step(Double.parseDouble(req(a, "lr", spec)), Long.parseLong(req(a, "every", spec)),
                        Double.parseDouble(a.getOrDefault("gamma", "0.1")));
                case "cosine" -> cosine(Double.parseDouble(req(a, "lr", spec)), Long.parseLong(req(a, "total", spec)),
                        Long.parseLong(a.getOrDefault("warmup", "0")), Double.parseDouble(a.getOrDefault("min", "0")));
                default -> throw new IllegalArgumentException("learning-rate schedule \"" + spec
                        + "\": unknown kind \"" + name + "\"; expected constant, step or cosine");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("learning-rate schedule \"" + spec + "\": bad number (" + e.getMessage() + ")");
        }
    }

    private static String req(Map<String, String> a, String key, String spec) {
        String v = a.get(key);
        if (v == null) throw new IllegalArgumentException("learning-rate schedule \"" + spec + "\": missing " + key + "=");
        return v;
    }

    private static void positive(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
}
