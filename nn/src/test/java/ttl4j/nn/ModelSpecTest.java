package ttl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void convolutionalWords() {
        Sequential m = ModelSpec.build("conv(8, k=3, p=1) | bn | relu | maxpool(2) | conv(4,k=3x5,s=2x1,p=1x2,d=1,bias=false)"
                + "|avgpool(2x1,s=1,count_include_pad=false)|bn(eps=1e-3,momentum=0.01)|gap|dense(10)", new int[] {1, 28, 28}, 1);
        assertEquals("conv(8,k=3,p=1)|bn|relu|maxpool(2)|conv(4,k=3x5,s=2x1,p=1x2,bias=false)|avgpool(2x1,s=1,count_include_pad=false)"
                + "|bn(eps=0.001,momentum=0.01)|gap|dense(10)", m.spec());
        assertArrayEquals(new int[] {10}, m.outputShape(new int[] {1, 28, 28}));
        assertArrayEquals(new int[] {4, 7, 14}, m.layer(4).outputShape(new int[] {8, 14, 14}));
        // The spec round-trips to the same architecture and weights.
        Sequential again = ModelSpec.build(m.spec(), new int[] {1, 28, 28}, 1);
        assertEquals(m.spec(), again.spec());
        FloatAsserts.assertBitwiseEqual("same seed", m.params().get(0).value().toArray(), again.params().get(0).value().toArray());
        Sequential pooled = ModelSpec.build("conv(2,k=5,s=2,d=2)|maxpool(3,s=2,p=1)|flatten|dense(3)", new int[] {3, 32, 32}, 2);
        assertEquals("conv(2,k=5,s=2,d=2)|maxpool(3,s=2,p=1)|flatten|dense(3)", pooled.spec());
        assertArrayEquals(new int[] {2, 12, 12}, pooled.layer(0).outputShape(new int[] {3, 32, 32}));
        assertArrayEquals(new int[] {2, 6, 6}, pooled.layer(1).outputShape(new int[] {2, 12, 12}));
        // bn also normalises flat features (BatchNorm1d on (N, C)).
        Sequential flat = ModelSpec.build("dense(5)|bn|relu|dense(2)", new int[] {4}, 0);
        assertInstanceOf(BatchNorm2d.class, flat.layer(1));
        assertArrayEquals(new int[] {5}, flat.layer(1).outputShape(new int[] {5}));

        assertTrue(ModelSpec.takesImages("conv(8,k=3)|relu|flatten|dense(10)"));
        assertTrue(ModelSpec.takesImages("flatten|dense(10)|gap") );
        assertFalse(ModelSpec.takesImages("mlp-mnist"));
        assertFalse(ModelSpec.takesImages("dense(10)|bn|relu|dense(2)"));
        assertArrayEquals(new int[] {1, 28, 28}, ModelSpec.inputShapeFor("conv(8,k=3)|gap|dense(10)", 1, 28, 28));
        assertArrayEquals(new int[] {784}, ModelSpec.inputShapeFor("dense(300)|relu|dense(10)", 1, 28, 28));
    }

    @Test
    void convolutionalWordErrorsNameTheColumn() {
        int[] img = {1, 28, 28};
        SpecException e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3)|relu", new int[] {784}, 0));
        assertEquals(1, e.column());
        assertTrue(e.getMessage().contains("needs an image input (C, H, W), got shape [784]"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3)|flatten|maxpool(2)", img, 0));
        assertEquals(21, e.column());
        assertEquals("maxpool", e.token());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("relu|conv(8)", img, 0));
        assertEquals(6, e.column());
        assertTrue(e.getMessage().contains("kernel size"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3x)", img, 0));
        assertTrue(e.getMessage().contains("k=3x"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3x3x3)", img, 0));
        assertTrue(e.getMessage().contains("NxM"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=0)", img, 0));
        assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3,p=-1)", img, 0));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3,bias=no)", img, 0));
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3,stride=2)", img, 0));
        assertTrue(e.getMessage().contains("no argument \"stride\""), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(8,k=3)|conv(4,k=30)", img, 0));
        assertEquals(13, e.column());
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("maxpool(3,p=2)", img, 0));
        assertTrue(e.getMessage().contains("at most half the kernel"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("maxpool", img, 0));
        assertTrue(e.getMessage().contains("takes 1 positional argument"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("avgpool(2,count_include_pad=maybe)", img, 0));
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(2,k=3)|bn(eps=abc)", img, 0));
        assertEquals(13, e.column());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(2,k=3)|bn(momentum=2)", img, 0));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(2,k=3)|gap(2)", img, 0));
        assertEquals(13, e.column());
        e = assertThrows(SpecException.class, () -> ModelSpec.build("conv(2,k=3)|dense(10)", img, 0));
        assertTrue(e.getMessage().contains("flatten"), e.getMessage());
    }
}
