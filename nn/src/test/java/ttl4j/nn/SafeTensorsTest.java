package ttl4j.nn;

import ttl4j.engine.io.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ttl4j.engine.FloatAsserts;
import ttl4j.engine.Tensor;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(1);
        t.put("layers.0.weight", Tensor.randn(r, 1f, 3, 4));
        t.put("layers.0.bias", Tensor.randn(r, 1f, 3));
        t.put("scalar", Tensor.of(new float[] {Float.NaN}, 1));
        t.put("empty", Tensor.zeros(0, 5));
        return t;
    }

    @Test
    void roundTripAndLayout() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Map<String, String> meta = Map.of("model", "dense(3)", "quote\"d", "line\nbreak \u00e9");
        SafeTensors.write(f, sample(), meta);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data area 8-byte aligned");
        assertEquals(8 + n + 4 * (12 + 3 + 1), bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{"), header);
        assertTrue(header.contains("\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]}"), header);

        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(meta, c.metadata());
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(c.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : sample().entrySet()) {
            assertArrayEquals(e.getValue().shape(), c.tensors().get(e.getKey()).shape());
            FloatAsserts.assertBitwiseEqual(e.getKey(), e.getValue().toArray(), c.tensors().get(e.getKey()).toArray());
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    private Path raw(String name, long headerLen, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(h);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private void bad(Path f, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "expected \"" + s + "\" in: " + e.getMessage());
    }

    @Test
    void malformedFilesAreRejectedWithFileOffsetAndProblem() throws IOException {
        Files.write(dir.resolve("short"), new byte[5]);
        bad(dir.resolve("short"), "offset 0", "too short");

        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        bad(raw("huge-len", 1L << 40, ok, 8), "offset 0", "header length 1099511627776");
        bad(raw("neg-len", -3, ok, 8), "header length -3");
        bad(raw("bad-json", 11, "{\"a\": [1, }", 0), "offset 18", "malformed JSON");
        bad(raw("not-object", 3, "[1]", 0), "not an object");
        bad(raw("dtype", ok.length(), ok.replace("F32", "F16"), 8), "dtype F16");
        bad(raw("size-mismatch", ok.length(), ok.replace("[2]", "[3]"), 8), "hold 8 bytes but F32 [3] needs 12");
        bad(raw("outside", ok.length(), ok.replace("[0,8]", "[0,9]"), 8), "outside the data area");
        String gap = ok.replace("[0,8]", "[4,12]");
        bad(raw("gap", gap.length(), gap, 12), "expected 0");
        bad(raw("trailing", ok.length(), ok, 12), "cover 8 of the 12");
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        bad(raw("overlap", two.length(), two, 12), "overlaps");
        String neg = ok.replace("[2]", "[-2]");
        bad(raw("shape", neg.length(), neg, 8), "bad dimension");
        String meta = "{\"__metadata__\":{\"k\":1}}     ";
        bad(raw("meta", meta.length(), meta, 0), "not a string");
        // A readable file for contrast.
        assertEquals(1, SafeTensors.read(raw("fine", ok.length(), ok, 8)).tensors().size());
    }

    @Test
    void jsonParserAndWriter() throws Json.ParseException {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}} ");
        assertEquals("{\"a\":[1,-2500.0,true,false,null,\"x\u00e9\\n\"],\"b\":{}}", Json.write(v));
        for (String badJson : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,\"a\":2}", "01x", "\"abc", "tru", "[1] 2"}) {
            assertThrows(Json.ParseException.class, () -> Json.parse(badJson), badJson);
        }
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse("[1, 2, ?]"));
        assertEquals(7, e.offset());
    }

    @Test
    void numpyReadsACheckpoint() throws Exception {
        assumeTrue(pythonWithNumpy(), "python3 with numpy is not available");
        Sequential m = ModelSpec.build("dense(5)|relu|dense(3)", new int[] {4}, 7);
        Path f = dir.resolve("model.safetensors");
        Checkpoint.save(f, m, new int[] {4}, null, Map.of("preprocessing", "scale=1/255"));
        String script = String.join("\n",
                "import json, struct, sys, numpy as np",
                "raw = open(sys.argv[1], 'rb').read()",
                "n = struct.unpack('<Q', raw[:8])[0]",
                "h = json.loads(raw[8:8 + n])",
                "meta = h.pop('__metadata__')",
                "print(meta['model'], meta['preprocessing'])",
                "for k in sorted(h):",
                "    b, e = h[k]['data_offsets']",
                "    a = np.frombuffer(raw[8 + n + b:8 + n + e], dtype='<f4').reshape(h[k]['shape'])",
                "    print(k, ' '.join(repr(float(x)) for x in a.ravel()))");
        Path py = dir.resolve("read.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("python3", py.toString(), f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals("dense(5)|relu|dense(3) scale=1/255", lines[0]);
        Map<String, Param> params = m.paramMap();
        assertEquals(params.size(), lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            String[] parts = lines[i].split(" ");
            float[] expected = params.get(parts[0]).value().toArray();
            float[] got = new float[parts.length - 1];
            for (int j = 1; j < parts.length; j++) got[j - 1] = (float) Double.parseDouble(parts[j]);
            FloatAsserts.assertBitwiseEqual(parts[0] + " read by numpy", expected, got);
        }
    }

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A header and data area of tensors in other dtypes, as another tool writes them. */
    private Path foreign(String dtype, byte[] bytes, int... shape) throws IOException {
        String json = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + java.util.Arrays.toString(shape).replace(" ", "")
                + ",\"data_offsets\":[0," + bytes.length + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(bytes);
        return Files.write(dir.resolve(dtype + ".safetensors"), b.array());
    }

    @Test
    void otherDtypesAreConvertedOnlyWhenAsked() throws IOException {
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3);
        ByteBuffer i64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(7);
        // binary16: 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), infinity
        ByteBuffer f16 = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc000)
                .putShort((short) 0x7bff).putShort((short) 0x0001).putShort((short) 0x7c00);
        ByteBuffer bf16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3fc0);
        assertArrayEquals(new float[] {0.1f, -3f}, SafeTensors.readConverting(foreign("F64", f64.array(), 2)).tensors().get("t").toArray());
        Tensor n = SafeTensors.readConverting(foreign("I64", i64.array())).tensors().get("t");
        assertEquals(0, n.rank());
        assertEquals(7f, n.toArray()[0]);
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY},
                SafeTensors.readConverting(foreign("F16", f16.array(), 5)).tensors().get("t").toArray());
        assertEquals(1.5f, SafeTensors.readConverting(foreign("BF16", bf16.array(), 1)).tensors().get("t").toArray()[0]);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(dir.resolve("F64.safetensors")));
        assertTrue(e.getMessage().contains("dtype F64 is not supported (only F32)"), e.getMessage());
    }

    @Test
    void aPytorchPickleIsNamedAsOne() throws IOException {
        Path zip = Files.write(dir.resolve("m.pt"), new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0});
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(zip));
        assertTrue(e.getMessage().contains("is a PyTorch pickle (torch.save), not safetensors") && e.getMessage().contains("save_state_dict"),
                e.getMessage());
        // a real file whose header length, 640 = 0x0280, starts with the bytes of a pickle's opcode is read normally
        Map<String, Tensor> t = Map.of("t", Tensor.zeros(1));
        Path f = dir.resolve("ok.safetensors");
        SafeTensors.write(f, t, Map.of("pad", ""));
        long n0 = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SafeTensors.write(f, t, Map.of("pad", "x".repeat((int) (640 - n0))));
        byte[] head = Files.readAllBytes(f);
        assertTrue((head[0] & 0xff) == 0x80 && head[1] == 2, "header length " + ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(1, SafeTensors.read(f).tensors().size());
    }

    @org.junit.jupiter.api.Test
    void writtenFilesAreReadableByAllNotOnlyTheOwner(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, java.util.Map.of("w", ttl4j.engine.Tensor.zeros(2, 2)), java.util.Map.of());
        try {
            org.junit.jupiter.api.Assertions.assertEquals("rw-r--r--",
                    java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(f)));
        } catch (UnsupportedOperationException notPosix) {
            org.junit.jupiter.api.Assumptions.abort("no POSIX permissions here");
        }
    }
}
