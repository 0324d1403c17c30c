package ttl4j.cli;

import java.util.function.Consumer;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.nn.BatchSource;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Sequential;
import ttl4j.nn.SpecException;

/**
 * Datasets, batches and models resolved as {@code ttl train} resolves them, for the code outside
 * this package that trains ({@code ttl bench train} and its JMH twin): a dataset by catalogue name
 * or data-directory folder, the trainer's batch source over it, and a model from a preset or a spec
 * with the command line's error messages.
 */
public final class TrainingInputs {
    private TrainingInputs() {}

    /** A split of a dataset, fetched when missing ({@link Datasets#load}). */
    public static Dataset load(String dataDir, String name, Split split, Consumer<String> log) {
        return Datasets.load(dataDir, name, split, log);
    }

    /** Training order: batches reshuffled from each epoch's seed, converted from bytes as they are drawn; flat samples. */
    public static BatchSource shuffled(Dataset data, int batchSize, Preprocessing prep) {
        return DatasetBatchSource.shuffled(data, batchSize, prep);
    }

    /** As {@link #shuffled(Dataset, int, Preprocessing)} with samples of {@code sampleShape} (see {@link #inputShape}). */
    public static BatchSource shuffled(Dataset data, int batchSize, Preprocessing prep, int[] sampleShape) {
        return DatasetBatchSource.shuffled(data, batchSize, prep, sampleShape);
    }

    /**
     * The per-sample shape a preset or spec takes on {@code data}'s records: {@code (C, H, W)} for a model with
     * convolution or pooling layers, else flat ({@link ModelSpec#inputShapeFor}); a bad spec is a user error.
     */
    public static int[] inputShape(String presetOrSpec, Dataset data) {
        try {
            return DatasetBatchSource.sampleShapeFor(presetOrSpec, data);
        } catch (SpecException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
    }

    /** The network a preset name or a spec describes; a mistake is a one-line {@link Main.UserError}. */
    public static Sequential model(String presetOrSpec, int[] inputShape, long seed) {
        try {
            return ModelSpec.build(presetOrSpec, inputShape, seed);
        } catch (SpecException e) {
            String s = presetOrSpec.trim();
            boolean looksLikePreset = s.matches("[a-z0-9_-]+") && s.contains("-");
            throw new Main.UserError(looksLikePreset ? "unknown model preset '" + s + "': expected one of "
                    + String.join(", ", ModelSpec.presets().keySet()) + " or a spec such as 'dense(300)|relu|dense(10)'"
                    : e.getMessage(), e);
        }
    }
}
