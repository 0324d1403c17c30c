package ttl4j.engine.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConvPlanTest {
    @Test
    void theAutomaticChoiceDependsOnTheShapeOnly() {
        // VGG-16 on CIFAR-10, batch 64: direct for the first layer, the one-matrix form for the 2x2 images, F(4x4) elsewhere.
        int[][] vgg = {{3, 64, 32}, {64, 64, 32}, {64, 128, 16}, {128, 128, 16}, {128, 256, 8}, {256, 256, 8}, {256, 512, 4},
                {512, 512, 4}, {512, 512, 2}};
        String[] expected = {"direct", "winograd4", "winograd4", "winograd4", "winograd4", "winograd4", "winograd4", "winograd4",
                "matrix"};
        for (int i = 0; i < vgg.length; i++) {
            ConvShape s = ConvShape.of(64, vgg[i][0], vgg[i][2], vgg[i][2], vgg[i][1], 3, 1, 1);
            ConvPlan p = Convolutions.plan(s, null);
            assertEquals(expected[i], p.forward().key(), s.toString());
            assertEquals(p.forward(), p.backwardData());
            assertEquals(p.forward(), p.backwardWeights());
            assertEquals(p, Convolutions.plan(s, null), "the same plan every time");
        }
        // Not 3x3 stride 1: direct, whatever the channels.
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(8, 256, 16, 16, 256, 3, 2, 1)));
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(8, 256, 16, 16, 256, 1, 1, 0)));
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(new ConvShape(8, 256, 16, 16, 256, 3, 3, 1, 1, 2, 2, 2, 2)));
        // The one-matrix form: images smaller than the window, batches of about 40 or more, a matrix that fits.
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(1, 512, 2, 2, 512, 3, 1, 1)));
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(16, 512, 2, 2, 512, 3, 1, 1)));
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(32, 512, 2, 2, 512, 3, 1, 1)));
        assertEquals(ConvAlgorithm.MATRIX, Convolutions.costModel(ConvShape.of(48, 512, 2, 2, 512, 3, 1, 1)));
        assertEquals(ConvAlgorithm.MATRIX, Convolutions.costModel(ConvShape.of(16, 512, 1, 1, 512, 3, 1, 1)));
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(64, 64, 3, 3, 64, 3, 1, 1)));
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.costModel(ConvShape.of(64, 2048, 2, 2, 2048, 3, 1, 1)), "matrix too large");
        // A forced algorithm applies where it can, direct elsewhere.
        assertEquals(ConvAlgorithm.WINOGRAD_2X2, Convolutions.plan(ConvShape.of(2, 3, 8, 8, 4, 3, 1, 1), ConvAlgorithm.WINOGRAD_2X2).forward());
        assertEquals(ConvAlgorithm.DIRECT, Convolutions.plan(ConvShape.of(2, 3, 8, 8, 4, 5, 1, 2), ConvAlgorithm.WINOGRAD_2X2).forward());
    }
}
