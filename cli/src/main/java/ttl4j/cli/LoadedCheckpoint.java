package ttl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ttl4j.data.Dataset;
import ttl4j.data.Preprocessing;
import ttl4j.data.Split;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.SafeTensors;
import ttl4j.nn.Sequential;

/**
 * A checkpoint opened by a command that runs its model on data (eval, explain, compress, predict): the
 * model it builds, the dataset it names (or the one the user gave) and the input preparation it
 * records. A state dict saved by another tool (no ttl4j metadata) opens too when the command has
 * {@link ForeignModelOptions} and the user gave {@code --model} ({@link ForeignStateDict}). Every
 * failure is a one-line {@link Main.UserError}.
 */
record LoadedCheckpoint(Path file, Map<String, String> metadata, Sequential model, int[] inputShape, String dataset,
                        Preprocessing prep) {

    /** The help text of a --checkpoint option that goes with {@link ForeignModelOptions}. */
    static final String HELP = "A ttl4j checkpoint (.safetensors written by ttl train, compress or import), or with --model a "
            + "safetensors state dict saved by another tool.";

    /** A ttl4j checkpoint; a file without ttl4j metadata is refused with the {@code ttl import} line that converts it. */
    static LoadedCheckpoint open(Path file, String datasetOverride) {
        return open(file, datasetOverride, null, null, m -> { });
    }

    /**
     * A ttl4j checkpoint, or with {@code foreign.model} a state dict without ttl4j metadata read as
     * {@code ttl import} reads it ({@code dataDir} and {@code log} serve the dataset it may need for
     * the input shape or the preprocessing). {@code foreign} may be null: the command has no such options.
     */
    static LoadedCheckpoint open(Path file, String datasetOverride, ForeignModelOptions foreign, String dataDir, Consumer<String> log) {
        if (!Files.isRegularFile(file)) throw new Main.UserError("checkpoint " + file + " does not exist");
        Map<String, String> header;
        try {
            header = SafeTensors.metadata(file);
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage(), e);
        }
        if (!header.containsKey("model")) return openForeign(file, datasetOverride, foreign, dataDir, log);
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
        LoadedCheckpoint lc = new LoadedCheckpoint(file, ck.metadata(), model, inputShape, ds, Datasets.preprocessing(ck));
        if (foreign != null) lc.requireSame(foreign, dataDir, log);
        return lc;
    }

    private static LoadedCheckpoint openForeign(Path file, String dataset, ForeignModelOptions foreign, String dataDir,
                                                Consumer<String> log) {
        if (foreign == null) {
            throw new Main.UserError(file + " has no ttl4j metadata (a state dict saved by another tool?): convert it first with "
                    + "ttl import --from " + file + " --model SPEC --dataset NAME --out DIR/");
        }
        List<String> missing = new ArrayList<>();
        if (foreign.model == null) missing.add("--model SPEC (the spec of its layers, e.g. 'flatten|dense(300)|relu|dense(10)')");
        if (dataset == null) missing.add("--dataset NAME");
        if (!missing.isEmpty()) {
            throw new Main.UserError(file + " has no ttl4j metadata (a state dict saved by another tool?): add " + String.join(" and ", missing)
                    + ", with --input-shape CxHxW|N when the model does not take the dataset's samples as ttl train feeds them and "
                    + "--normalize KIND when its inputs are not pixels / 255");
        }
        ForeignStateDict.Model m = ForeignStateDict.load(file, foreign.model, foreign.inputShape, foreign.normalize, dataset, dataDir, log);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("preprocessing", m.prep().toJson());
        meta.put("dataset", dataset);
        return new LoadedCheckpoint(file, meta, m.net(), m.inputShape(), dataset, m.prep());
    }

    /** Refuses a --model, --input-shape or --normalize that differs from what this ttl4j checkpoint records. */
    private void requireSame(ForeignModelOptions given, String dataDir, Consumer<String> log) {
        requireRecorded(file, model, inputShape, given.model, given.inputShape);
        if (given.normalize != null) {
            Dataset data = given.normalize.trim().equals("standardize") ? Datasets.load(dataDir, dataset, Split.TRAIN, log) : null;
            Preprocessing p = ForeignStateDict.preprocessing(given.normalize, inputShape, data);
            if (!p.equals(prep)) {
                throw new Main.UserError("--normalize " + given.normalize + " is " + p.toJson() + ", but " + file
                        + " is a ttl4j checkpoint recording " + prep.toJson() + " (leave --normalize out; it is recorded)");
            }
        }
    }

    /**
     * Refuses a {@code --model} or {@code --input-shape} (either may be null) other than the model and
     * input shape the ttl4j checkpoint {@code file} records.
     */
    static void requireRecorded(Path file, Sequential model, int[] inputShape, String givenModel, String givenShape) {
        if (givenShape != null) {
            int[] shape = SummaryCommand.parseShape(givenShape);
            if (!Arrays.equals(shape, inputShape)) {
                throw new Main.UserError("--input-shape " + givenShape + ": " + file + " is a ttl4j checkpoint on input "
                        + Arrays.toString(inputShape) + " (leave --input-shape out; it is recorded)");
            }
        }
        if (givenModel != null) {
            String spec = TrainingInputs.model(givenModel, inputShape, 0).spec();
            if (!spec.equals(model.spec())) {
                throw new Main.UserError("--model " + givenModel + " is " + spec + ", but " + file + " is a ttl4j checkpoint of "
                        + model.spec() + " (leave --model out; it is recorded)");
            }
        }
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

    /**
     * The default batch of an evaluation: 1000 samples for a model of flat inputs, 64 for one of
     * images (its layers keep buffers for the largest batch they see: 1000 CIFAR-10 images through
     * VGG-16 would hold gigabytes of activations).
     */
    int evalBatch() {
        return inputShape.length > 1 ? 64 : 1000;
    }

    /** The checkpoint's model over {@code data} in dataset order, samples shaped as the model takes them (flat or images). */
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
