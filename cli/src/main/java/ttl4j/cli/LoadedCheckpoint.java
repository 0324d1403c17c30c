package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.Sequential;

/**
 * A checkpoint opened by a command that runs its model on data (eval, explain, compress): the model
 * it builds, the dataset it names (or the one the user gave) and the input preparation it records.
 * Every failure is a one-line {@link Main.UserError}.
 */
record LoadedCheckpoint(Path file, Checkpoint checkpoint, Sequential model, int[] inputShape, String dataset,
                        Preprocessing prep) {

    static LoadedCheckpoint open(Path file, String datasetOverride) {
        if (!Files.isRegularFile(file)) throw new Main.UserError("checkpoint " + file + " does not exist");
        Checkpoint ck;
        Sequential model;
        int[] inputShape;
        try {
            ck = Checkpoint.load(file);
            model = ck.buildModel();
            inputShape = ck.inputShape();
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
        String ds = datasetOverride != null ? datasetOverride : ck.metadata().get("dataset");
        if (ds == null) throw new Main.UserError(file + " does not say which dataset it was trained on: give --dataset");
        return new LoadedCheckpoint(file, ck, model, inputShape, ds, Datasets.preprocessing(ck));
    }

    /** Loads (fetching when needed) a split of the dataset and checks that it fits the model's input and classes. */
    Dataset load(String dataDir, Split split, Consumer<String> log) {
        Dataset data = Datasets.load(dataDir, dataset, split, log);
        boolean fits = Arrays.equals(inputShape, new int[] {data.features()}) || Arrays.equals(inputShape, data.recordShape());
        if (!fits || prep.channels() != data.channels()) {
            throw new Main.UserError(file + " takes inputs of shape " + Arrays.toString(inputShape) + " with "
                    + prep.channels() + " channel(s); " + data.name() + " has " + data.channels() + "x" + data.height() + "x"
                    + data.width());
        }
        int[] out = model.outputShape(inputShape);
        if (out.length != 1 || out[0] < data.numClasses()) {
            throw new Main.UserError(file + ": the model gives " + Arrays.toString(out) + " outputs per sample; " + data.name()
                    + " has " + data.numClasses() + " classes");
        }
        return data;
    }

    /** The checkpoint's model over {@code data} in dataset order, samples shaped as the model takes them (flat or images). */
    /**
     * The default batch of an evaluation: 1000 samples for a model of flat inputs, 64 for one of
     * images (its layers keep buffers for the largest batch they see: 1000 CIFAR-10 images through
     * VGG-16 would hold gigabytes of activations).
     */
    int evalBatch() {
        return inputShape.length > 1 ? 64 : 1000;
    }

    DatasetBatchSource inOrder(Dataset data, int batchSize) {
        return DatasetBatchSource.inOrder(data, batchSize, prep, inputShape);
    }

    /** Parses a {@code --split} value. */
    static Split split(String value) {
        try {
            return Split.parse(value);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--split: " + e.getMessage());
        }
    }
}
