package ttl4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code --model}, {@code --input-shape} and {@code --normalize} of a command that takes a
 * {@code --checkpoint}: they describe a state dict saved by another tool (no ttl4j metadata) as
 * {@code ttl import} takes them ({@link ForeignStateDict}); on a ttl4j checkpoint, which records all
 * three, a value given must match the recorded one ({@link LoadedCheckpoint#open}).
 */
final class ForeignModelOptions {
    @Option(names = "--model", paramLabel = "SPEC",
            description = "For a state dict without ttl4j metadata (e.g. a PyTorch nn.Sequential saved as safetensors): the model "
                    + "spec (or preset) of its layers, as ttl import takes it. A ttl4j checkpoint records its model; a --model "
                    + "given with one must be the same.")
    String model;

    @Option(names = "--input-shape", paramLabel = "CxHxW|N",
            description = "With --model: the per-sample input shape, e.g. 1x28x28 or 784 (default: the --dataset's, as ttl train takes it).")
    String inputShape;

    @Option(names = "--normalize", paramLabel = "KIND",
            description = "With --model, how raw pixels become inputs: " + ForeignStateDict.NORMALIZE_HELP + " (default: unit).")
    String normalize;

    /** True when none of the three was given. */
    boolean none() {
        return model == null && inputShape == null && normalize == null;
    }
}
