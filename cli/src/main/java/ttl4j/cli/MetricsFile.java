package ttl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import ttl4j.nn.TrainingCallback;

/**
 * {@code metrics.csv} of a training run: the header once, one row per epoch appended and flushed as
 * soon as the epoch ends. The rows also stay in memory as {@link Row} records, which is how the rest
 * of the run (summary, curves, the caller) reads them; the file is read back only on resume, for the
 * epochs an earlier process wrote.
 */
final class MetricsFile {
    static final String HEADER = "epoch,train_loss,train_acc,test_loss,test_acc,seconds,samples_per_s,lr";

    /**
     * One epoch's row, holding the values as written (rounded to the file's precision), so that what
     * the summary, the curves and a resumed run see is what is on disk. Test loss and accuracy are NaN
     * when the epoch was not evaluated (empty in the file).
     */
    record Row(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy, double seconds,
               double samplesPerSecond, double lr) {

        static Row of(TrainingCallback.EpochMetrics e) {
            return parse(line(e));
        }

        /** The CSV line of an epoch, without the line break. */
        static String line(TrainingCallback.EpochMetrics e) {
            return String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%.3f,%.1f,%.6g", e.epoch(), e.trainLoss(), e.trainAccuracy(),
                    Double.isNaN(e.evalLoss()) ? "" : String.format(Locale.ROOT, "%.6f", e.evalLoss()),
                    Double.isNaN(e.evalAccuracy()) ? "" : String.format(Locale.ROOT, "%.6f", e.evalAccuracy()),
                    e.seconds(), e.samplesPerSecond(), e.lr());
        }

        /** A line of the file, or null when it is not a complete row (a torn last line). */
        static Row parse(String line) {
            String[] f = line.split(",", -1);
            if (f.length != 8) return null;
            try {
                return new Row(Integer.parseInt(f[0]), number(f[1]), number(f[2]), number(f[3]), number(f[4]), number(f[5]),
                        number(f[6]), number(f[7]));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static double number(String s) {
            return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        }

        boolean evaluated() {
            return !Double.isNaN(testAccuracy);
        }
    }

    private final Path file;
    private final List<Row> rows;

    private MetricsFile(Path file, List<Row> rows) {
        this.file = file;
        this.rows = rows;
    }

    /**
     * Starts the file, or on resume keeps the header and the rows of epochs up to {@code keepEpochs}
     * (a row written after the last checkpoint belongs to work being redone; a torn row is dropped).
     * Rewritten atomically, so a kill here loses nothing.
     */
    static MetricsFile prepare(Path file, int keepEpochs) throws IOException {
        return prepare(file, keepEpochs, "test");
    }

    /** As {@link #prepare(Path, int)}, the evaluation columns named after the split they hold ({@code test} or {@code val}). */
    static MetricsFile prepare(Path file, int keepEpochs, String evalSplit) throws IOException {
        List<String> keep = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        keep.add(HEADER.replace("test_", evalSplit + "_"));
        if (keepEpochs > 0 && Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("epoch")) continue;
                int comma = line.indexOf(',');
                try {
                    if (comma < 0 || Integer.parseInt(line.substring(0, comma)) > keepEpochs) continue;
                } catch (NumberFormatException tornLine) {
                    continue;
                }
                Row r = Row.parse(line);
                if (r == null) continue; // torn by a kill during the append
                keep.add(line);
                rows.add(r);
            }
        }
        TrainingRun.writeAtomically(file, String.join(System.lineSeparator(), keep) + System.lineSeparator());
        return new MetricsFile(file, rows);
    }

    /** True when {@code file} holds no epoch row (only the header, or nothing readable). */
    static boolean hasNoRows(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().noneMatch(l -> Row.parse(l) != null);
        } catch (IOException e) {
            return false;
        }
    }

    /** Appends the epoch's row to the file (opened per row: the row is on disk when the epoch line appears on screen). */
    Row append(TrainingCallback.EpochMetrics e) {
        String line = Row.line(e);
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to " + file + ": " + ex.getMessage(), ex);
        }
        Row r = Row.parse(line);
        rows.add(r);
        return r;
    }

    /** Every epoch of the run so far, resumed ones included. */
    List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    Row last() {
        return rows.isEmpty() ? null : rows.get(rows.size() - 1);
    }
}
