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
        field(sb, "optimizer", Json.write(tr.optimizer().toString()));
        field(sb, "lr_schedule", Json.write(tr.schedule().spec()));
        field(sb, "seed", Long.toString(tr.seed()));
        if (last != null) {
            field(sb, "train_loss", sixDecimals(last.trainLoss()));
            field(sb, "train_accuracy", sixDecimals(last.trainAccuracy()));
            field(sb, "test_loss", sixDecimals(last.testLoss()));
            field(sb, "test_accuracy", sixDecimals(last.testAccuracy()));
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

    /** NaN or infinite (a diverged or unevaluated figure) is written as null. */
    private static String sixDecimals(double x) {
        return Json.number(x, 6);
    }

    private static void field(StringBuilder sb, String key, String jsonValue) {
        sb.append("  ").append(Json.write(key)).append(": ").append(jsonValue).append(",\n");
    }
}
