package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.io.Json;

class PredictCommandTest {
    @TempDir
    static Path data;

    @TempDir
    static Path run;

    @TempDir
    Path tmp;

    @BeforeAll
    static void train() throws IOException {
        TinyData.write(data, "tiny", 200, 40);
        Captured c = Captured.run("train", "--model", "dense(16)|relu|dense(3)", "--dataset", "tiny", "--data-dir", data.toString(),
                "--epochs", "3", "--batch-size", "32", "--lr", "0.1", "--threads", "1", "--out", run.toString(), "--overwrite");
        assertEquals(0, c.exit(), c.err());
    }

    private String ck() {
        return run.resolve("model.safetensors").toString();
    }

    @Test
    void datasetSamplesAndTheSameImageAsAPngGiveTheSameProbabilities() throws Exception {
        Captured c = Captured.run("predict", "--checkpoint", ck(), "--data-dir", data.toString(), "--index", "0", "1", "--top", "2", "--json");
        assertEquals(0, c.exit(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(2, lines.size(), c.out());
        Map<?, ?> first = (Map<?, ?>) Json.parse(lines.get(0));
        assertEquals(first.get("label"), first.get("predicted"), "the tiny problem is easy: " + lines.get(0));
        assertEquals(2, ((List<?>) first.get("top")).size());

        // Sample 0 of the test split written as an 8x8 gray PNG.
        byte[] idx = Files.readAllBytes(data.resolve("tiny").resolve("t10k-images-idx3-ubyte"));
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.getRaster().setSample(x, y, 0, idx[16 + y * 8 + x] & 0xff);
        Path png = tmp.resolve("sample0.png");
        ImageIO.write(img, "png", png.toFile());
        Captured p = Captured.run("predict", "--checkpoint", ck(), "--image", png.toString(), "--top", "2", "--json");
        assertEquals(0, p.exit(), p.err());
        Map<?, ?> fromPng = (Map<?, ?>) Json.parse(p.out().strip());
        assertEquals(first.get("top"), fromPng.get("top"), p.out());

        Captured text = Captured.run("predict", "--checkpoint", ck(), "--data-dir", data.toString(), "--index", "3");
        assertTrue(text.out().startsWith("tiny-test[3]:") && text.out().contains("%") && text.out().contains("[label "), text.out());
    }

    @Test
    void badInputsAreOneLineErrors() throws IOException {
        BufferedImage big = new BufferedImage(9, 8, BufferedImage.TYPE_INT_RGB);
        Path png = tmp.resolve("big.png");
        ImageIO.write(big, "png", png.toFile());
        Path junk = Files.writeString(tmp.resolve("junk.png"), "not an image");
        String[][] cases = {{"--image", png.toString(), "is 9x8; the model takes 8x8 images with 1 channel(s)"},
                {"--image", junk.toString(), "not an image format"},
                {"--image", tmp.resolve("none.png").toString(), "does not exist"},
                {"--index", "40", "--index 40: tiny-test has samples 0..39"}};
        for (String[] k : cases) {
            Captured c = Captured.run("predict", "--checkpoint", ck(), "--data-dir", data.toString(), k[0], k[1]);
            assertEquals(2, c.exit(), c.err());
            assertTrue(c.err().contains(k[2]) && c.err().strip().lines().count() == 1, c.err());
        }
        Captured both = Captured.run("predict", "--checkpoint", ck(), "--image", png.toString(), "--index", "1");
        assertEquals(2, both.exit(), both.err());
    }
}
