package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ttl4j.engine.FloatAsserts;

class ModelSpecTest {

    @Test
    void presets() {
        Sequential m = ModelSpec.build("mlp-mnist", new int[] {784}, 1);
        assertEquals("dense(300)|relu|dense(10)", m.spec());
        assertEquals(784 * 300 + 300 + 300 * 10 + 10, m.parameterCount());
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"),
                m.params().stream().map(Param::name).toList());
        assertArrayEquals(new int[] {300, 784}, m.params().get(0).value().shape());
        assertEquals(Init.HE, ((Dense) m.layer(0)).init());
        assertEquals(Init.GLOROT, ((Dense) m.layer(2)).init());

        Sequential wide = ModelSpec.build("mlp-wide", new int[] {28, 28}, 1);
        assertEquals("flatten|dense(1024)|relu|dense(1024)|relu|dense(10)", wide.spec());
        assertArrayEquals(new int[] {10}, wide.outputShape(new int[] {28, 28}));
        assertEquals("layers.1.weight", wide.params().get(0).name());
    }

    @Test
    void specWithAllLayers() {
        Sequential m = ModelSpec.build(" flatten | dense(16, init=glorot) | tanh | dropout(0.5) | dense(8)|sigmoid|dense(3) ",
                new int[] {2, 5}, 3);
        assertEquals("flatten|dense(16)|tanh|dropout(0.5)|dense(8)|sigmoid|dense(3)", m.spec());
        assertInstanceOf(Dropout.class, m.layer(3));
        assertTrue(m.toString().contains("(1): Dense(in=10, out=16, init=glorot)"), m.toString());
        // The spec round-trips to the same architecture and, with the same seed, the same weights.
        Sequential again = ModelSpec.build(m.spec(), new int[] {2, 5}, 3);
        assertEquals(m.spec(), again.spec());
        FloatAsserts.assertBitwiseEqual("same seed", m.params().get(0).value().toArray(), again.params().get(0).value().toArray());
    }

    @Test
    void errorsNameColumnAndToken() {
        SpecException e = assertThrows(SpecException.class, () -> ModelSpec.build("dense(300)|relx|dense(10)", new int[] {784}, 0));
        assertEquals(12, e.column());
        assertEquals("relx", e.token());
        assertTrue(e.getMessage().contains("unknown layer"), e.getMessage());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("dense(abc)", new int[] {784}, 0));
        assertEquals(1, e.column());
        assertTrue(e.getMessage().contains("\"abc\""), e.getMessage());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("dense(300|relu", new int[] {784}, 0));
        assertTrue(e.getMessage().contains("missing ')'"), e.getMessage());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("dense(30) relu", new int[] {784}, 0));
        assertEquals(11, e.column());
        assertEquals("relu", e.token());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("dense(30)||relu", new int[] {784}, 0));
        assertEquals(11, e.column());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("relu|dense(10)", new int[] {28, 28}, 0));
        assertEquals(6, e.column());
        assertTrue(e.getMessage().contains("flatten"), e.getMessage());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("dropout(1.5)", new int[] {4}, 0));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());

        e = assertThrows(SpecException.class, () -> ModelSpec.build("dense(10,act=relu)", new int[] {4}, 0));
        assertTrue(e.getMessage().contains("no argument \"act\""), e.getMessage());

        assertThrows(SpecException.class, () -> ModelSpec.build("", new int[] {4}, 0));
    }

    @Test
    void registryAcceptsNewLayers() {
        // A factory receives raw arguments (nested parentheses intact) and the input shape.
        ModelSpec.register("scaled-relu-test", (a, ctx) -> {
            a.expect(1, 1, "shape");
            assertEquals("(2,3)", a.get("shape", ""));
            assertArrayEquals(new int[] {6}, ctx.inputShape());
            return new ReLU();
        });
        Sequential m = ModelSpec.build("scaled-relu-test(2, shape=(2,3))|dense(2)", new int[] {6}, 0);
        assertEquals(2, m.layers().size());
        assertTrue(ModelSpec.layerNames().contains("scaled-relu-test"));
        List<ModelSpec.Call> calls = ModelSpec.parse("ttl(in=28x28,out=300,ranks=(8,8))|relu");
        assertEquals("ttl", calls.get(0).name());
        assertEquals("(8,8)", calls.get(0).named().get("ranks"));
    }
}
