package ttl4j.cli;

import java.util.List;
import ttl4j.data.Preprocessing;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;
import ttl4j.engine.io.Json;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;

/** {@code summary.json} of a finished training run: one key per line, numbers at the precision of metrics.csv. */
final class RunSummary {
    private RunSummary() {}

    static String json(TrainingRun.RunConfig cfg, Trainer tr, Preprocessing prep, List<MetricsFile.Row> rows) {
        return json(cfg, tr, prep, rows, null, 0);
    }

    /**
     * With a validation split ({@code finalTest} not null) the last row's evaluation is the
     * validation split's ({@code val_loss}, {@code val_accuracy}) and {@code finalTest} the test
     * split's, evaluated once after training.
     */
    static String json(TrainingRun.RunConfig cfg, Trainer tr, Preprocessing prep, List<MetricsFile.Row> rows,
                       Trainer.Evaluation finalTest, double valSplit) {
        MetricsFile.Row last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        StringBuilder secs = new StringBuilder("[");
        double total = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) secs.append(',');
            secs.append(Json.number(rows.get(i).seconds(), 3));
            total += rows.get(i).seconds();
        }
        secs.append(']');
        Sequential m = tr.model();
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "model", Json.write(cfg.model()));
        field(sb, "spec", Json.write(m.spec()));
        field(sb, "parameters", Long.toString(m.parameterCount()));
        field(sb, "dataset", Json.write(cfg.dataset()));
        field(sb, "preprocessing", prep.toJson());
        field(sb, "epochs", Integer.toString(tr.epoch()));
        field(sb, "batch_size", Integer.toString(cfg.batchSize()));
        field(sb, "augment", Json.write(cfg.augment().word()));
        field(sb, "optimizer", optimizer(tr));
        field(sb, "lr_schedule", schedule(tr.schedule().spec()));
        field(sb, "seed", Long.toString(tr.seed()));
        if (last != null) {
            field(sb, "train_loss", sixDecimals(last.trainLoss()));
            field(sb, "train_accuracy", sixDecimals(last.trainAccuracy()));
            if (finalTest != null) {
                field(sb, "val_split", Double.toString(valSplit));
                field(sb, "val_loss", sixDecimals(last.testLoss()));
                field(sb, "val_accuracy", sixDecimals(last.testAccuracy()));
                field(sb, "test_loss", sixDecimals(finalTest.loss()));
                field(sb, "test_accuracy", sixDecimals(finalTest.accuracy()));
            } else {
                field(sb, "test_loss", sixDecimals(last.testLoss()));
                field(sb, "test_accuracy", sixDecimals(last.testAccuracy()));
            }
        }
        field(sb, "seconds_per_epoch", secs.toString());
        field(sb, "training_seconds", Json.number(total, 3));
        field(sb, "java", Json.write(System.getProperty("java.version")));
        field(sb, "threads", Integer.toString(Parallel.threads()));
        field(sb, "kernels", Json.write(Engine.kernels().name()));
        field(sb, "ttl4j", Json.write(Main.version()));
        sb.setLength(sb.length() - 2);
        return sb.append("\n}\n").toString();
    }

    /** {@code {"name": "adam", "lr": ..., ...}}: the optimiser's name and hyper-parameters, numbers as numbers. */
    static String optimizer(Trainer tr) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", tr.optimizer().name());
        tr.optimizer().hyperParameters().forEach((k, v) -> m.put(k, value(v)));
        return Json.write(m);
    }

    /** A schedule's spec, {@code cosine(lr=0.003,total=9380,warmup=0,min=0.0)}, as {@code {"name": "cosine", "lr": 0.003, ...}}. */
    static String schedule(String spec) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        int open = spec.indexOf('(');
        if (open < 0 || !spec.endsWith(")")) {
            m.put("name", spec);
            return Json.write(m);
        }
        m.put("name", spec.substring(0, open).trim());
        String body = spec.substring(open + 1, spec.length() - 1);
        for (String kv : body.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq).trim(), value(kv.substring(eq + 1).trim()));
        }
        return Json.write(m);
    }

    /** A number when the text is a finite one (integral ones as integers), a boolean for true/false, else the text. */
    private static Object value(String v) {
        if (v.equals("true") || v.equals("false")) return Boolean.valueOf(v);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException notIntegral) {
            try {
                double d = Double.parseDouble(v);
                return Double.isFinite(d) ? (Object) d : v;
            } catch (NumberFormatException notANumber) {
                return v;
            }
        }
    }

    /** NaN or infinite (a diverged or unevaluated figure) is written as null. */
    private static String sixDecimals(double x) {
        return Json.number(x, 6);
    }

    private static void field(StringBuilder sb, String key, String jsonValue) {
        sb.append("  ").append(Json.write(key)).append(": ").append(jsonValue).append(",\n");
    }
}
