package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import ttl4j.engine.Tensor;

/**
 * Mutation fuzzing of what ttl4j reads besides datasets: safetensors files and training
 * checkpoints (header bytes, the length prefix, the JSON, the metadata values), and model specs.
 * The outcomes allowed: a value, or the documented exception with a message ({@link IOException}
 * for files, {@link SpecException} or {@link IllegalArgumentException} for specs). Cases per
 * property: {@code -Dfuzz.tries} ({@code mvn -Pfuzz test}: 100,000).
 */
class ReaderFuzzTest {
    private static final Path DIR;
    private static final byte[] CHECKPOINT;

    static {
        try {
            DIR = Files.createTempDirectory("ttl4j-fuzz");
            DIR.toFile().deleteOnExit();
            Path ck = DIR.resolve("valid.safetensors");
            Trainer t = new Trainer(ModelSpec.build("dense(4)|relu|dense(3)", new int[] {6}, 1), Adam.adam(), LrSchedule.constant(0.01), 3)
                    .checkpointTo(ck, Map.of("preprocessing", "none"));
            t.fit(TrainerTest.blobs(1, 40, true), null, 1);
            CHECKPOINT = Files.readAllBytes(ck);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Mutation(int kind, double where, int value) {
        byte[] apply(byte[] b) {
            if (b.length == 0) return b;
            int at = Math.min(b.length - 1, (int) (where * b.length));
            byte[] c = b.clone();
            switch (kind) {
                case 0 -> c[at] ^= (byte) (1 << (value & 7));
                case 1 -> c[at] = (byte) value;
                case 2 -> c = Arrays.copyOf(b, at);
                default -> c[at] = (byte) "0123456789-.,:[]{}\"eE ".charAt(value % 22);
            }
            return c;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        // The 8-byte length and the JSON header come first: most mutations land there.
        Arbitrary<Double> where = Arbitraries.oneOf(Arbitraries.doubles().between(0, 0.002).ofScale(6), Arbitraries.doubles().between(0, 0.6).ofScale(6),
                Arbitraries.doubles().between(0, 1).ofScale(6));
        return Combinators.combine(Arbitraries.integers().between(0, 3), where, Arbitraries.integers().between(0, 255))
                .as(Mutation::new).list().ofMinSize(1).ofMaxSize(3);
    }

    private static Path write(byte[] content) {
        try {
            return Files.write(DIR.resolve("fuzzed.safetensors"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void refusedWithAMessage(IOException e) {
        assertNotNull(e.getMessage(), e.toString());
        assertTrue(e.getMessage().contains("fuzzed.safetensors"), "names the file: " + e.getMessage());
    }

    @Property
    void safetensorsAndCheckpoints(@ForAll("mutations") List<Mutation> ms) {
        byte[] b = CHECKPOINT;
        for (Mutation m : ms) b = m.apply(b);
        Path f = write(b);
        try {
            SafeTensors.Contents c = SafeTensors.read(f);
            for (Tensor t : c.tensors().values()) assertTrue(t.size() >= 0);
            Checkpoint ck = Checkpoint.load(f);
            Trainer.resume(ck);
        } catch (IOException e) {
            refusedWithAMessage(e);
        }
    }

    @Property
    void checkpointMetadataValues(@ForAll("keys") String key, @ForAll("values") String value) {
        try {
            SafeTensors.Contents c = SafeTensors.read(write(CHECKPOINT));
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            meta.put(key, value);
            Path f = DIR.resolve("fuzzed.safetensors");
            SafeTensors.write(f, c.tensors(), meta);
            Trainer.resume(Checkpoint.load(f));
        } catch (IOException e) {
            refusedWithAMessage(e);
        }
    }

    @Provide
    Arbitrary<String> keys() {
        try {
            return Arbitraries.of(List.copyOf(SafeTensors.read(write(CHECKPOINT)).metadata().keySet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.of("", "-1", "0", "1", "NaN", "Infinity", "-0", "1e309", "99999999999999999999",
                        "[5]", "[]", "[-3]", "[0]", "[2147483647]", "[5,5]", "dense(0)", "dense(3)", "adam", "sgd", "x",
                        "constant(lr=NaN)", "cosine(lr=0.1,total=0)", "step(lr=1,every=0,gamma=1)"),
                Arbitraries.strings().ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> specs() {
        Arbitrary<String> token = Arbitraries.of("dense(", "ttl(", "relu", "tanh", "sigmoid", "dropout(", "flatten", "|", ")", "(",
                ",", ";", "=", "->", "x", "r=", "s=", "init=", "he", "mode=", "0", "1", "2", "3", "5", "28", "300", "0.5", "-1",
                "99999", "4294967296", " ", "1e3", "NaN");
        return token.list().ofMinSize(1).ofMaxSize(14).map(l -> String.join("", l));
    }

    @Property
    void modelSpecs(@ForAll("specs") String spec) {
        try {
            Sequential m = ModelSpec.build(spec, new int[] {28 * 28}, 1);
            assertTrue(m.parameterCount() >= 0);
        } catch (IllegalArgumentException e) { // SpecException included
            assertNotNull(e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> convSpecs() {
        // layer words with random small arguments, some out of range, joined by '|': most parse, many fit
        // the shapes and build; every spec that builds is also run forward and backward
        Arbitrary<String> n = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.of("1", "2", "3", "2x3", "3x2", "1x3")),
                Tuple.of(1, Arbitraries.of("0", "-1", "x", "5", "2x", "9")));
        Arbitrary<String> channels = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.of("1", "2", "3")), Tuple.of(1, Arbitraries.of("0", "-1")));
        Arbitrary<String> opt = Arbitraries.of("", "", ",s=", ",p=", ",d=").flatMap(k -> k.isEmpty() ? Arbitraries.just("")
                : n.map(v -> k + v));
        Arbitrary<String> word = Arbitraries.oneOf(
                Combinators.combine(channels, n, opt, opt, Arbitraries.of("", "", "", ",bias=false", ",bias=maybe")).as(
                        (c, k, o1, o2, b) -> "conv(" + c + ",k=" + k + o1 + o2 + b + ")"),
                Combinators.combine(Arbitraries.of("maxpool(", "avgpool("), n, opt, Arbitraries.of("", "", ",count_include_pad=false"))
                        .as((w, k, o, c) -> w + k + o + (w.startsWith("avg") ? c : "") + ")"),
                Arbitraries.of("gap", "bn", "bn", "bn(eps=1e-3)", "relu", "relu", "flatten", "dense(3)", "bn(momentum=2)", "conv(2)"));
        return word.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("|", l));
    }

    @Property
    void convolutionalSpecs(@ForAll("convSpecs") String spec) {
        Sequential m;
        try {
            m = ModelSpec.build(spec, new int[] {2, 16, 15}, 1);
        } catch (IllegalArgumentException e) { // SpecException included
            assertNotNull(e.getMessage());
            return;
        }
        // A model that builds runs: training forward and backward, then evaluation, with the shapes it promised.
        int[] out = m.outputShape(new int[] {2, 16, 15});
        ttl4j.engine.Tensor x = ttl4j.engine.Tensor.randn(new java.util.SplittableRandom(1), 1f, 3, 2, 16, 15);
        m.setInputGradNeeded(true);
        m.zeroGrad();
        ttl4j.engine.Tensor y = m.forward(x, true);
        assertTrue(java.util.Arrays.equals(Buffers.batchShape(3, out), y.shape()), spec);
        assertTrue(java.util.Arrays.equals(x.shape(), m.backward(y.copy()).shape()), spec);
        assertTrue(java.util.Arrays.equals(y.shape(), m.forward(x, false).shape()), spec);
    }

    @Property
    void arbitraryTextAsASpec(@ForAll String spec) {
        try {
            ModelSpec.parse(spec);
        } catch (SpecException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
