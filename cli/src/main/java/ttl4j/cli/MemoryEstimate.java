package ttl4j.cli;

import java.util.Locale;
import ttl4j.nn.Layer;
import ttl4j.nn.Optimizer;
import ttl4j.nn.Sequential;

/**
 * What a training run holds in the heap once its first step has run, estimated before that step:
 * the dataset bytes, the parameters and their gradients, the optimiser's state, and per layer the
 * output and input-gradient buffers of a training batch (plus the converted input batch and the
 * evaluation batch), and what layers keep for their backward pass. A run whose estimate does not
 * fit the heap is refused in one line before anything large is allocated; what still slips through
 * is reported as one line too.
 */
record MemoryEstimate(long datasetBytes, long modelBytes, long optimizerBytes, long activationBytes) {
    long total() {
        return datasetBytes + modelBytes + optimizerBytes + activationBytes;
    }

    static MemoryEstimate of(Sequential model, int[] inputShape, int batchSize, int evalBatchSize, Optimizer optimizer,
                             long datasetBytes) {
        long p = model.parameterCount();
        long optimizerFloats = switch (optimizer.name()) {
            case "adam", "adamw" -> 2 * p;
            default -> p; // a momentum buffer
        };
        long perSample = size(inputShape), kept = 0;
        int[] shape = inputShape;
        for (Layer l : model.layers()) {
            kept += l.keptFloats(shape, batchSize); // e.g. a Winograd convolution's transformed input
            shape = l.outputShape(shape);
            perSample += 2 * size(shape); // the output and the input-gradient buffer of the next layer
        }
        // Layers keep buffers sized for the largest batch they have seen (training or evaluation).
        long activations = 4L * (perSample * Math.max(batchSize, evalBatchSize) + kept);
        return new MemoryEstimate(datasetBytes, 4L * 2 * p, 4L * optimizerFloats, activations);
    }

    private static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Refuses the run when the estimate exceeds 90% of {@code maxHeap} (the rest is the JVM's and the code's own). */
    void check(long maxHeap, int batchSize) {
        if (maxHeap == Long.MAX_VALUE || total() <= 0.9 * maxHeap) return;
        throw new Main.UserError(String.format(Locale.ROOT, "this run needs about %s of heap (data %s, parameters and gradients %s, "
                        + "optimiser state %s, activations at batch %d %s) but the Java heap is %s; use a smaller --batch-size or model, "
                        + "or raise the heap, e.g. TTL4J_JAVA_OPTS=-Xmx%dg", mib(total()), mib(datasetBytes), mib(modelBytes),
                mib(optimizerBytes), batchSize, mib(activationBytes), mib(maxHeap), Math.max(1, (long) Math.ceil(total() / 0.8 / (1L << 30)))));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", (bytes + (1 << 20) - 1) >> 20);
    }
}
