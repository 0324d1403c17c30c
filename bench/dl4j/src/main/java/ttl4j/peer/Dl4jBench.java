package ttl4j.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The Deeplearning4j side of bench/train-vs-dl4j.sh: the networks and recipe of bench/pytorch/mlp_epoch.py and
 * bench/pytorch/vgg_step.py in DL4J 1.0.0-M2.1 on ND4J's CPU backend, printing one JSON line as they do.
 *
 * <pre>
 * --model mlp-mnist|mlp-wide   784-300-10 or 784-1024-1024-10, ReLU, softmax cross-entropy, seconds per epoch
 *         over the 60000 MNIST training images (IDX files, raw or .gz, in --data-dir) scaled to [0, 1],
 *         shuffled each epoch, --warmup untimed epochs then --epochs timed ones
 * --model vgg16                 VGG-16-BN on 32x32x3 images (13 conv3x3 pad 1 + BatchNorm + ReLU, 5 max pools,
 *         dense 512-4096-4096-10), --warmup untimed steps then --steps timed ones; images from CIFAR-10's
 *         data_batch_1.bin(.gz) in --data-dir, or random images of that shape when there is none
 * --gemm-probe                  best of 10 of a 1024^3 float matmul (prints its seconds), for picking BLAS kernels
 * --threads N                   ND4J's maximum threads and its BLAS threads (OMP_NUM_THREADS should match)
 * --helpers on|off              DL4J's oneDNN layer helpers (convolution, batch norm, pooling), default on
 * --format nhwc|nchw            VGG's activation layout, default nhwc
 * --batch-size N --lr X --momentum X
 * </pre>
 *
 * SGD with momentum is DL4J's Nesterovs updater (its only momentum SGD; the same work per step as plain momentum).
 * Timed: each batch's shuffled row gather, forward, loss, backward and update ({@code MultiLayerNetwork.fit}).
 */
public final class Dl4jBench {
    private static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";

    private Dl4jBench() {
    }

    public static void main(String[] args) throws IOException {
        String model = "mlp-mnist";
        String dataDir = "";
        String helpers = "on";
        String format = "nhwc";
        int threads = 1;
        int batch = -1;
        int warmup = 1;
        int epochs = 2;
        int steps = 3;
        double lr = 0.01;
        double momentum = 0.9;
        boolean gemmProbe = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = args[++i];
                case "--data-dir" -> dataDir = args[++i];
                case "--helpers" -> helpers = args[++i];
                case "--format" -> format = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--batch-size" -> batch = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--lr" -> lr = Double.parseDouble(args[++i]);
                case "--momentum" -> momentum = Double.parseDouble(args[++i]);
                case "--gemm-probe" -> gemmProbe = true;
                default -> {
                    System.err.println("unknown argument " + a);
                    System.exit(2);
                }
            }
        }
        boolean helpersOn = helpers.equals("on");
        // Read by DL4J's HelperUtils whenever a layer is built; DL4J 1.0.0-M2.1 defaults it to true (no helpers).
        System.setProperty(HELPERS_DISABLE, Boolean.toString(!helpersOn));

        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().allowHelpers(helpersOn);

        if (gemmProbe) {
            gemmProbe();
            return;
        }
        switch (model) {
            case "mlp-mnist", "mlp-wide" -> mlp(model, dataDir, threads, batch < 0 ? 128 : batch, warmup, epochs, lr, momentum);
            case "vgg16" -> vgg(dataDir, format.equals("nhwc"), threads, batch < 0 ? 64 : batch, warmup, steps, lr, momentum);
            default -> {
                System.err.println("unknown model " + model + " (mlp-mnist, mlp-wide, vgg16)");
                System.exit(2);
            }
        }
    }

    private static void gemmProbe() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray c = Nd4j.create(DataType.FLOAT, 1024, 1024);
        a.mmuli(b, c);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            a.mmuli(b, c);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%.6f%n", best);
    }

    // ---------------------------------------------------------------- MLP epochs on MNIST

    private static void mlp(String model, String dataDir, int threads, int batch, int warmup, int epochs, double lr,
                            double momentum) throws IOException {
        int[] sizes = model.equals("mlp-wide") ? new int[] {784, 1024, 1024, 10} : new int[] {784, 300, 10};
        byte[] images = readIdx(Path.of(dataDir, "train-images-idx3-ubyte"));
        byte[] labels = readIdx(Path.of(dataDir, "train-labels-idx1-ubyte"));
        int n = labels.length;
        float[] xs = new float[n * 784];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (images[i] & 0xFF) / 255f;
        }
        float[] ys = new float[n * 10];
        for (int i = 0; i < n; i++) {
            ys[i * 10 + labels[i]] = 1f;
        }
        INDArray x = Nd4j.create(xs, new long[] {n, 784}, 'c');
        INDArray y = Nd4j.create(ys, new long[] {n, 10}, 'c');

        NeuralNetConfiguration.ListBuilder b = base(lr, momentum).list();
        for (int i = 0; i < sizes.length - 2; i++) {
            b.layer(new DenseLayer.Builder().nIn(sizes[i]).nOut(sizes[i + 1]).activation(Activation.RELU).build());
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(sizes[sizes.length - 2])
                .nOut(sizes[sizes.length - 1]).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();

        Random rnd = new Random(1);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        List<Double> times = new ArrayList<>();
        for (int e = 0; e < warmup + epochs; e++) {
            long t0 = System.nanoTime();
            shuffle(perm, rnd);
            for (int s = 0; s < n; s += batch) {
                int[] idx = java.util.Arrays.copyOfRange(perm, s, Math.min(n, s + batch));
                fitBatch(net, x, y, idx, null);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            if (e >= warmup) {
                times.add(sec);
            }
        }
        StringBuilder j = header(model, threads, batch, helpersActive(net));
        j.append(",\"warmup_epochs\":").append(warmup);
        j.append(",\"epoch_seconds\":").append(list(times));
        j.append(",\"median_s\":").append(r4(median(times)));
        j.append(",\"last_loss\":").append(r4(net.score())).append('}');
        System.out.println(j);
    }

    // ---------------------------------------------------------------- VGG-16-BN steps

    private static final int[] VGG = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private static void vgg(String dataDir, boolean nhwc, int threads, int batch, int warmup, int steps, double lr, double momentum)
            throws IOException {
        int n = 10000;
        float[] xs = new float[n * 3072];
        float[] ys = new float[n * 10];
        String source = "random";
        Path file = null;
        for (String name : new String[] {"data_batch_1.bin", "data_batch_1.bin.gz"}) {
            Path p = Path.of(dataDir, name);
            if (!dataDir.isEmpty() && Files.isRegularFile(p)) {
                file = p;
                break;
            }
        }
        if (file != null) {
            byte[] raw = readAll(file);
            n = raw.length / 3073;
            for (int i = 0; i < n; i++) {
                ys[i * 10 + raw[i * 3073]] = 1f;
                for (int k = 0; k < 3072; k++) {
                    // the file holds each image as channel, row, column; NHWC wants row, column, channel
                    int to = nhwc ? (k % 1024) * 3 + k / 1024 : k;
                    xs[i * 3072 + to] = (raw[i * 3073 + 1 + k] & 0xFF) / 255f;
                }
            }
            source = file.getFileName().toString();
        } else {
            Random g = new Random(1);
            for (int i = 0; i < xs.length; i++) {
                xs[i] = g.nextFloat();
            }
            for (int i = 0; i < n; i++) {
                ys[i * 10 + g.nextInt(10)] = 1f;
            }
        }
        INDArray x = Nd4j.create(xs, new long[] {n, 3072}, 'c');
        INDArray y = Nd4j.create(ys, new long[] {n, 10}, 'c');

        CNN2DFormat fmt = nhwc ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        NeuralNetConfiguration.ListBuilder b = base(lr, momentum).convolutionMode(ConvolutionMode.Truncate).list();
        int c = 3;
        for (int v : VGG) {
            if (v == 0) {
                b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(fmt).build());
            } else {
                b.layer(new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nIn(c).nOut(v)
                        .dataFormat(fmt).activation(Activation.IDENTITY).build());
                b.layer(new BatchNormalization.Builder().nOut(v).dataFormat(fmt).build());
                b.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
                c = v;
            }
        }
        b.layer(new DenseLayer.Builder().nOut(4096).activation(Activation.RELU).build());
        b.layer(new DenseLayer.Builder().nOut(4096).activation(Activation.RELU).build());
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build());
        b.setInputType(InputType.convolutional(32, 32, 3, fmt));
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();

        Random rnd = new Random(1);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        shuffle(perm, rnd);
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            int start = (i * batch) % (n - batch);
            int[] idx = java.util.Arrays.copyOfRange(perm, start, start + batch);
            fitBatch(net, x, y, idx, nhwc ? new long[] {batch, 32, 32, 3} : new long[] {batch, 3, 32, 32});
            double sec = (System.nanoTime() - t0) / 1e9;
            if (i >= warmup) {
                times.add(sec);
            }
        }
        StringBuilder j = header("vgg16", threads, batch, helpersActive(net));
        j.append(",\"warmup_steps\":").append(warmup);
        j.append(",\"data\":\"").append(source).append('"');
        j.append(",\"format\":\"").append(fmt).append('"');
        j.append(",\"parameters\":").append(net.numParams());
        j.append(",\"step_seconds\":").append(list(times));
        j.append(",\"median_step_s\":").append(r4(median(times)));
        j.append(",\"last_loss\":").append(r4(net.score())).append('}');
        System.out.println(j);
    }

    // ---------------------------------------------------------------- shared

    /**
     * One training step on the rows idx of x and y. The gathered batch is freed at once, so runs with JavaCPP's
     * garbage-collector deallocation off (-Dorg.bytedeco.javacpp.nopointergc=true) do not grow.
     */
    private static void fitBatch(MultiLayerNetwork net, INDArray x, INDArray y, int[] idx, long[] shape) {
        INDArray xb = Nd4j.pullRows(x, 1, idx);
        INDArray yb = Nd4j.pullRows(y, 1, idx);
        net.fit(shape == null ? xb : xb.reshape('c', shape), yb);
        xb.close();
        yb.close();
    }

    /** Peak resident memory of this process in MiB (VmHWM), or -1. */
    private static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static NeuralNetConfiguration.Builder base(double lr, double momentum) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.UNIFORM) // U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for Linear and Conv2d
                .updater(new Nesterovs(lr, momentum))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    /** Layers of the network that run on a helper (oneDNN here), by layer class. */
    private static String helpersActive(MultiLayerNetwork net) {
        int conv = 0;
        int bn = 0;
        int pool = 0;
        int total = 0;
        for (Layer l : net.getLayers()) {
            if (l.getHelper() == null) {
                continue;
            }
            total++;
            String k = l.getClass().getSimpleName();
            if (k.equals("ConvolutionLayer")) {
                conv++;
            } else if (k.equals("BatchNormalization")) {
                bn++;
            } else if (k.equals("SubsamplingLayer")) {
                pool++;
            }
        }
        return "{\"total\":" + total + ",\"convolution\":" + conv + ",\"batch_norm\":" + bn + ",\"pooling\":" + pool + "}";
    }

    private static StringBuilder header(String model, int threads, int batch, String helperLayers) {
        var env = Nd4j.getExecutioner().getEnvironmentInformation();
        StringBuilder j = new StringBuilder("{\"framework\":\"dl4j\",\"dl4j\":\"1.0.0-M2.1\"");
        j.append(",\"model\":\"").append(model).append('"');
        j.append(",\"threads\":").append(threads);
        j.append(",\"batch_size\":").append(batch);
        j.append(",\"java\":\"").append(System.getProperty("java.version")).append('"');
        j.append(",\"settings\":{");
        j.append("\"backend\":\"").append(env.getProperty("backend")).append('"');
        j.append(",\"classifier\":\"").append(System.getProperty("ttl4j.peer.classifier", "?")).append('"');
        j.append(",\"blas\":\"").append(Nd4j.factory().blas().getBlasVendor()).append('"');
        j.append(",\"blas_threads\":").append(Nd4j.factory().blas().getMaxThreads());
        j.append(",\"nd4j_max_threads\":").append(Nd4j.getEnvironment().maxThreads());
        j.append(",\"omp_num_threads\":\"").append(envOr("OMP_NUM_THREADS")).append('"');
        String preload = System.getenv("LD_PRELOAD");
        j.append(",\"malloc\":\"").append(preload != null && preload.contains("jemalloc") ? "jemalloc" : "glibc").append('"');
        j.append(",\"omp_wait_policy\":\"").append(envOr("OMP_WAIT_POLICY")).append('"');
        j.append(",\"openblas_coretype\":\"").append(envOr("OPENBLAS_CORETYPE")).append('"');
        j.append(",\"onednn_native\":").append(org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN());
        j.append(",\"helpers\":\"").append(Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE)) ? "off" : "on").append('"');
        j.append(",\"helper_layers\":").append(helperLayers);
        j.append(",\"jvm\":\"").append(String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments().stream().filter(a -> a.startsWith("-XX") || a.startsWith("-Dorg.bytedeco")).toList()))
                .append('"');
        j.append(",\"updater\":\"Nesterovs\"}");
        j.append(",\"peak_rss_mib\":").append(peakRssMiB());
        return j;
    }

    private static String envOr(String name) {
        String v = System.getenv(name);
        return v == null ? "unset" : v;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int k = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[k];
            a[k] = t;
        }
    }

    /** The payload of an IDX file (raw, or the same name with .gz). */
    private static byte[] readIdx(Path path) throws IOException {
        Path p = Files.exists(path) ? path : Path.of(path + ".gz");
        byte[] raw = readAll(p);
        ByteBuffer bb = ByteBuffer.wrap(raw);
        int magic = bb.getInt();
        int ndim = magic & 0xFF;
        int off = 4 + 4 * ndim;
        byte[] data = new byte[raw.length - off];
        System.arraycopy(raw, off, data, 0, data.length);
        return data;
    }

    private static byte[] readAll(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            InputStream s = p.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.transferTo(out);
            return out.toByteArray();
        }
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    private static String r4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
    }

    private static String list(List<Double> v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            b.append(i == 0 ? "" : ",").append(r4(v.get(i)));
        }
        return b.append(']').toString();
    }
}
