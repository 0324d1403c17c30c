package ttl4j.ttl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ttl4j.engine.Tensor;
import ttl4j.nn.ArrayBatchSource;
import ttl4j.nn.LrSchedule;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Optimizer;
import ttl4j.nn.Sequential;
import ttl4j.nn.Trainer;
import ttl4j.nn.TrainingCallback;

/**
 * The paper's synthetic interpretability experiment, as we reconstruct it (paper.md): matrix inputs
 * {@code side x side} whose label depends only on a known set of rows and columns. Each class
 * {@code c} has a mean {@code M_c} that is zero outside the block (informative rows) x
 * (informative columns) and {@code +-amplitude} (a random sign pattern per class) inside it; a
 * sample of class {@code c} is {@code M_c} plus Gaussian noise of standard deviation {@code noise}
 * on every entry, so informative and uninformative entries have the same variance and differ only
 * in their class-conditional means. A TTL network is trained with the {@link ImportanceTracker} on;
 * the rows (mode 0) and columns (mode 1) are ranked by accumulated gradient importance, and the
 * top {@code k} (k = number of informative rows, resp. columns) are compared with the truth.
 */
public final class SyntheticExperiment {
    private SyntheticExperiment() {}

    /** Settings; {@link #defaults()} reaches precision@k 1.0. */
    public record Options(int side, int[] informativeRows, int[] informativeCols, int classes, int trainSamples, int testSamples,
                          double amplitude, double noise, int epochs, int batchSize, double lr, int rank, int hidden, long seed) {
        public static Options defaults() {
            return new Options(16, new int[] {2, 5, 9, 12}, new int[] {3, 7, 10, 14}, 4, 8000, 1000, 1.0, 1.0, 5, 128, 5e-3, 4, 32, 1);
        }

        public Options withNoise(double n) {
            return new Options(side, informativeRows, informativeCols, classes, trainSamples, testSamples, amplitude, n, epochs, batchSize,
                    lr, rank, hidden, seed);
        }

        public Options withSeed(long s) {
            return new Options(side, informativeRows, informativeCols, classes, trainSamples, testSamples, amplitude, noise, epochs,
                    batchSize, lr, rank, hidden, s);
        }

        public Options withEpochs(int e) {
            return new Options(side, informativeRows, informativeCols, classes, trainSamples, testSamples, amplitude, noise, e, batchSize,
                    lr, rank, hidden, seed);
        }

        /** The network: {@code ttl(side x side -> hidden; r=rank x rank; s=8)|relu|dense(classes)}. */
        public String modelSpec() {
            return "ttl(" + side + "x" + side + "->" + hidden + "; r=" + rank + "x" + rank + "; s=8)|relu|dense(" + classes + ")";
        }

        void validate() {
            if (side < 2 || classes < 2 || trainSamples < 1 || testSamples < 1 || epochs < 1 || batchSize < 1 || rank < 1 || hidden < 1) {
                throw new IllegalArgumentException("synthetic: sizes must be positive (side >= 2, classes >= 2), got " + this);
            }
            if (!(noise >= 0) || !(amplitude > 0) || !(lr > 0)) {
                throw new IllegalArgumentException("synthetic: need noise >= 0, amplitude > 0, lr > 0; got noise " + noise
                        + ", amplitude " + amplitude + ", lr " + lr);
            }
            for (int[] set : new int[][] {informativeRows, informativeCols}) {
                if (set.length == 0 || set.length >= side) {
                    throw new IllegalArgumentException("synthetic: an informative set needs 1 to " + (side - 1) + " indices, got "
                            + Arrays.toString(set));
                }
                for (int i : set) {
                    if (i < 0 || i >= side) throw new IllegalArgumentException("synthetic: informative index " + i + " outside [0, " + side + ")");
                }
                if (Arrays.stream(set).distinct().count() != set.length) {
                    throw new IllegalArgumentException("synthetic: repeated informative index in " + Arrays.toString(set));
                }
            }
        }

        @Override
        public String toString() {
            return "Options[side=" + side + ", rows=" + Arrays.toString(informativeRows) + ", cols=" + Arrays.toString(informativeCols)
                    + ", classes=" + classes + ", train=" + trainSamples + ", test=" + testSamples + ", amplitude=" + amplitude
                    + ", noise=" + noise + ", epochs=" + epochs + ", batch=" + batchSize + ", lr=" + lr + ", rank=" + rank
                    + ", hidden=" + hidden + ", seed=" + seed + "]";
        }
    }

    /**
     * One run. Importance arrays are normalised shares (sum 1) of the tracker's accumulated squared
     * gradient row norms ({@code rowImportance}: mode 0, {@code colImportance}: mode 1); precisions
     * are the fraction of the top-k that is informative, by that ranking ({@code precisionRows},
     * {@code precisionCols}) and by the trained factors' row norms ({@code factorPrecision...}).
     */
    public record Result(Options options, double testAccuracy, double[] rowImportance, double[] colImportance,
                         double precisionRows, double precisionCols, double factorPrecisionRows, double factorPrecisionCols,
                         List<TrainingCallback.EpochMetrics> epochs, double seconds) {
        /** Precision@k over rows and columns together (2k features). */
        public double precision() {
            int kr = options.informativeRows().length, kc = options.informativeCols().length;
            return (precisionRows * kr + precisionCols * kc) / (kr + kc);
        }

        /** The same for the ranking by the trained factors' row norms. */
        public double factorPrecision() {
            int kr = options.informativeRows().length, kc = options.informativeCols().length;
            return (factorPrecisionRows * kr + factorPrecisionCols * kc) / (kr + kc);
        }
    }

    /** A generated split: samples {@code (n, side*side)} row-major and labels. */
    public record Data(float[] x, int[] labels) {}

    /** Class means, {@code (classes, side*side)}, from the options' seed. */
    public static float[][] classMeans(Options o) {
        SplittableRandom r = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + 17);
        float[][] m = new float[o.classes()][o.side() * o.side()];
        for (int c = 0; c < o.classes(); c++) {
            for (int i : o.informativeRows()) {
                for (int j : o.informativeCols()) m[c][i * o.side() + j] = (float) (r.nextBoolean() ? o.amplitude() : -o.amplitude());
            }
        }
        return m;
    }

    /** {@code n} samples with balanced random labels; {@code stream} separates train (0) and test (1). */
    public static Data generate(Options o, int n, int stream) {
        float[][] means = classMeans(o);
        SplittableRandom r = new SplittableRandom(o.seed() * 31 + 1000 + stream);
        int f = o.side() * o.side();
        float[] x = new float[n * f];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            int c = r.nextInt(o.classes());
            y[s] = c;
            for (int j = 0; j < f; j++) x[s * f + j] = means[c][j] + (float) (o.noise() * Tensor.gaussian(r));
        }
        return new Data(x, y);
    }

    /** Generates the data, trains with importance tracking, ranks the features. */
    public static Result run(Options o) {
        o.validate();
        new TuckerSpecExtension().register();
        long t0 = System.nanoTime();
        int f = o.side() * o.side();
        Data train = generate(o, o.trainSamples(), 0), test = generate(o, o.testSamples(), 1);
        Sequential net = ModelSpec.build(o.modelSpec(), new int[] {f}, o.seed());
        Trainer tr = new Trainer(net, Optimizer.create("adam", Map.of()), LrSchedule.constant(o.lr()), o.seed());
        ImportanceTracker tracker = ImportanceTracker.attach(tr);
        List<TrainingCallback.EpochMetrics> eps = new ArrayList<>();
        ArrayBatchSource testSrc = new ArrayBatchSource(test.x(), test.labels(), new int[] {f}, 500, false);
        tr.addCallback(new TrainingCallback() {
            @Override
            public void onEpoch(EpochMetrics m) {
                eps.add(m);
            }
        });
        tr.fit(new ArrayBatchSource(train.x(), train.labels(), new int[] {f}, o.batchSize(), true), testSrc, o.epochs());
        double acc = eps.get(eps.size() - 1).evalAccuracy();
        double[] rows = ImportanceTracker.shares(tracker.total(tracker.site(0)));
        double[] cols = ImportanceTracker.shares(tracker.total(tracker.site(1)));
        List<Explainer.ModeImportance> mi = Explainer.modeImportance(net);
        double[] rowF = mi.get(0).factorShare(), colF = mi.get(1).factorShare();
        return new Result(o, acc, rows, cols, precisionAtK(rows, o.informativeRows()), precisionAtK(cols, o.informativeCols()),
                precisionAtK(rowF, o.informativeRows()), precisionAtK(colF, o.informativeCols()), List.copyOf(eps),
                (System.nanoTime() - t0) / 1e9);
    }

    /** The noise levels of the default sweep. */
    public static double[] defaultNoises() {
        return new double[] {0.5, 1, 2, 3, 4, 6, 8};
    }

    /** Fraction of the {@code truth.length} highest-scoring indices that are in {@code truth}. */
    public static double precisionAtK(double[] score, int[] truth) {
        int[] rank = ImportanceTracker.ranking(score);
        int hit = 0;
        for (int i = 0; i < truth.length; i++) {
            for (int t : truth) {
                if (rank[i] == t) {
                    hit++;
                    break;
                }
            }
        }
        return (double) hit / truth.length;
    }
}
