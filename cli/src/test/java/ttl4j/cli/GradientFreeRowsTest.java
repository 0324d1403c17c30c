package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.nn.Checkpoint;
import ttl4j.nn.ModelSpec;
import ttl4j.nn.Sequential;
import ttl4j.ttl.SyntheticExperiment;
import ttl4j.ttl.TuckerLayer;

/**
 * Image rows that are 0 in every image give their input-factor rows exactly no gradient with
 * --normalize unit: ttl train --track-importance names them, and they are still their initialisation;
 * standardised, the same blank rows are a constant nonzero value and do get a gradient.
 */
class GradientFreeRowsTest {
    static final String SPEC = "ttl(8x8->6; r=3x2; s=2)|relu|dense(3)";

    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void blankBorder() throws IOException {
        TinyData.write(data, "blank", 96, 16, TinyData.SIDE, new int[] {0, 7});
    }

    private Captured train(Path out, String normalize, String optimizer) {
        return Captured.run("train", "--model", SPEC, "--dataset", "blank", "--data-dir", data.toString(), "--epochs", "2",
                "--batch-size", "16", "--optimizer", optimizer, "--lr", "0.01", "--threads", "1", "--seed", "3", "--normalize", normalize,
                "--track-importance", "--out", out.toString());
    }

    @Test
    void blankRowsWithUnitInputsKeepTheirInitialisationAndAreNamed() throws IOException {
        Path out = tmp.resolve("unit");
        Captured c = train(out, "unit", "adam");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("importance: layers.0 mode 0 rows 0, 7: initialisation only, received no gradient"), c.out());
        assertFalse(c.out().contains("layers.0 mode 1 row"), "every column has nonzero pixels: " + c.out());
        Captured ex = Captured.run("explain", "--checkpoint", out.resolve("model.safetensors").toString(), "--data-dir", data.toString(),
                "--threads", "1", "--out", tmp.resolve("explain").toString());
        assertEquals(0, ex.exit(), ex.err());
        assertTrue(ex.out().contains("layers.0 mode 0 row(s) 0, 7: exactly zero gradient over these samples"), ex.out());
        assertFalse(ex.out().contains("layers.0 mode 1 row(s)"), ex.out());
        // the claim is true: those rows of A_1 are bitwise the rows the seed initialised, the others moved
        Sequential trained = Checkpoint.load(out.resolve("model.safetensors")).buildModel();
        Sequential init = ModelSpec.build(SPEC, new int[] {64}, 3);
        float[] a = ((TuckerLayer) trained.layer(0)).inFactor(0).value().toArray();
        float[] a0 = ((TuckerLayer) init.layer(0)).inFactor(0).value().toArray();
        int r = 3;
        for (int row = 0; row < 8; row++) {
            float[] got = Arrays.copyOfRange(a, row * r, row * r + r), was = Arrays.copyOfRange(a0, row * r, row * r + r);
            if (row == 0 || row == 7) assertArrayEquals(was, got, "row " + row);
            else assertFalse(Arrays.equals(was, got), "row " + row + " trained");
        }
    }

    @Test
    void weightDecayIsNamedAndStandardisedBlankRowsGetAGradient() {
        Captured sgd = train(tmp.resolve("sgd"), "unit", "sgd");
        assertEquals(0, sgd.exit(), sgd.err());
        assertTrue(sgd.out().contains("layers.0 mode 0 rows 0, 7: received no gradient (only weight decay moved them"), sgd.out());
        Captured std = train(tmp.resolve("std"), "standardize", "adam");
        assertEquals(0, std.exit(), std.err());
        assertFalse(std.out().contains("received no gradient"), std.out());
        Captured ex = Captured.run("explain", "--checkpoint", tmp.resolve("std/model.safetensors").toString(), "--data-dir",
                data.toString(), "--threads", "1", "--out", tmp.resolve("explain-std").toString());
        assertEquals(0, ex.exit(), ex.err());
        assertFalse(ex.out().contains("exactly zero gradient"), ex.out());
    }

    @Test
    void zerosAreExact() {
        assertArrayEquals(new int[] {1, 3}, GradientFreeRows.zeros(new double[] {1e-300, 0, 2, 0.0}));
        assertEquals("mode 1 row 4: initialisation only, received no gradient", new GradientFreeRows.Rows(null, 1, new int[] {4}).note(false));
    }

    @Test
    void chancePrecisionIsTheInformativeFractionWeightedAsPrecisionIs() {
        assertEquals(0.25, SyntheticReport.chancePrecision(SyntheticExperiment.Options.defaults()), 1e-12);
        SyntheticExperiment.Options d = SyntheticExperiment.Options.defaults();
        SyntheticExperiment.Options uneven = new SyntheticExperiment.Options(16, new int[] {1, 2}, new int[] {3, 4, 5, 6}, d.classes(),
                d.trainSamples(), d.testSamples(), d.amplitude(), d.noise(), d.epochs(), d.batchSize(), d.lr(), d.rank(), d.hidden(), d.seed());
        // rows: 2 of the top 2 at rate 2/16, columns: 4 at rate 4/16, weighted 2:4 as precision() weighs them
        assertEquals((2 * 2 / 16.0 + 4 * 4 / 16.0) / 6, SyntheticReport.chancePrecision(uneven), 1e-12);
    }
}
