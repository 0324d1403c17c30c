package ttl4j.nn;

import ttl4j.engine.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ttl4j.engine.Tensor;

/**
 * The safetensors file format, F32 only: an 8-byte little-endian header length {@code n}, {@code n}
 * bytes of UTF-8 JSON {@code {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..],
 * "data_offsets": [begin, end]}, ...}} (padded with spaces so the data starts 8-byte aligned), then
 * the tensors' little-endian bytes, contiguous, with offsets relative to the end of the header.
 * Python's {@code safetensors} and a few lines of NumPy read it.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Headers above this are rejected before allocation (the reference implementation's limit). */
    public static final int MAX_HEADER = 100_000_000;

    /** A file's tensors (insertion-ordered as in the header) and metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * Writes atomically: a temporary file in the same directory is written, forced to disk and
     * renamed over {@code file}, so a crash leaves either the old file or the new one.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long pos = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("tensor name __metadata__ is reserved");
            Tensor t = e.getValue();
            long bytes = 4L * t.size();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {pos, pos + bytes});
            header.put(e.getKey(), entry);
            pos += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(padded);
                ByteBuffer head = ByteBuffer.allocate(padded);
                head.put(json);
                while (head.hasRemaining()) head.put((byte) ' ');
                head.flip();
                buf.flip();
                writeFully(ch, buf);
                writeFully(ch, head);
                buf.clear();
                for (Tensor t : tensors.values()) {
                    float[] d = t.data();
                    int off = t.offset(), n = t.size();
                    for (int i = 0; i < n; i++) {
                        if (buf.remaining() < 4) {
                            buf.flip();
                            writeFully(ch, buf);
                            buf.clear();
                        }
                        buf.putFloat(d[off + i]);
                    }
                }
                buf.flip();
                writeFully(ch, buf);
                ch.force(true);
            }
            readableByAll(tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Makes the rename durable where the platform allows opening a directory (POSIX); elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not supported on this platform: the data itself was already forced.
        }
    }

    /** Reads and validates a file; errors name the file, the byte offset and the problem. Only F32 tensors are accepted. */
    /**
     * A temporary file is created readable by its owner only; the file it becomes is a model to share,
     * so it gets the usual {@code rw-r--r--} (where the file system has POSIX permissions).
     */
    private static void readableByAll(Path f) {
        try {
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: its defaults apply
        }
    }

    public static Contents read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * As {@link #read(Path)}, but tensors of the other safetensors dtypes (F64, F16, BF16, I64, I32, I16,
     * I8, U8, BOOL) are accepted and converted to float, for files written by other tools (a PyTorch
     * state dict holds {@code num_batches_tracked} as I64).
     */
    public static Contents readConverting(Path file) throws IOException {
        return read(file, true);
    }

    /** Bytes per element of the dtypes {@link #readConverting} accepts. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.of("F32", 4, "F64", 8, "F16", 2, "BF16", 2, "I64", 8, "I32", 4,
            "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

    /** The one line for a file that starts as a PyTorch pickle does (torch.save's zip, or a bare pickle), or null. */
    static String pickleHint(Path file, ByteBuffer first8) {
        int b0 = first8.get(0) & 0xff, b1 = first8.get(1) & 0xff;
        boolean zip = b0 == 'P' && b1 == 'K' && first8.get(2) == 3 && first8.get(3) == 4;
        boolean pickle = b0 == 0x80 && b1 >= 2 && b1 <= 5;
        if (!zip && !pickle) return null;
        return file + " is a PyTorch pickle (torch.save), not safetensors; save the state dict as safetensors instead, e.g. "
                + "with python/ttl4j_torch.py: ttl4j_torch.save_state_dict(model, \"model.safetensors\")";
    }

    /**
     * The {@code __metadata__} of a safetensors file, reading its header only (a file's tensors need
     * not be read to learn whether it is a ttl4j checkpoint); a file that is not safetensors fails as
     * {@link #read} does.
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return metadata(file, header(file, ch).root());
        }
    }

    /** A parsed header: the JSON object and its length in bytes. */
    private record Header(Map<?, ?> root, long length) {}

    private static Header header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw error(file, 0, "file has " + size + " bytes, too short for the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 2 || n > size - 8) {
            String hint = pickleHint(file, lenBuf);
            if (hint != null) throw new IOException(hint);
            throw error(file, 0, "header length " + n + " does not fit a file of " + size + " bytes (at most " + (size - 8) + ")");
        }
        if (n > MAX_HEADER) throw error(file, 0, "header length " + n + " exceeds the limit of " + MAX_HEADER + " bytes");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw error(file, 8, "header is not valid UTF-8");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.ParseException e) {
            long at = 8 + text.substring(0, Math.min(e.offset(), text.length())).getBytes(StandardCharsets.UTF_8).length;
            throw error(file, at, "malformed JSON header: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) throw error(file, 8, "JSON header is not an object");
        return new Header(root, n);
    }

    private static Map<String, String> metadata(Path file, Map<?, ?> root) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!root.containsKey("__metadata__")) return metadata;
        if (!(root.get("__metadata__") instanceof Map<?, ?> meta)) throw error(file, 8, "__metadata__ is not an object");
        for (Map.Entry<?, ?> m : meta.entrySet()) {
            if (!(m.getValue() instanceof String v)) throw error(file, 8, "__metadata__ value of \"" + m.getKey() + "\" is not a string");
            metadata.put((String) m.getKey(), v);
        }
        return metadata;
    }

    private static Contents read(Path file, boolean convert) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = header(file, ch);
            Map<?, ?> root = h.root();
            long n = h.length();
            long dataStart = 8 + n, dataLen = size - dataStart;
            if (dataLen > Integer.MAX_VALUE) throw error(file, dataStart, "data area of " + dataLen + " bytes is too large (limit 2 GiB)");

            Map<String, String> metadata = metadata(file, root);
            record Entry(String name, int[] shape, long begin, long end, String dtype) {}
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : root.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) continue;
                String what = "tensor \"" + name + "\"";
                if (!(e.getValue() instanceof Map<?, ?> info)) throw error(file, 8, what + " is not an object");
                Object dtype = info.get("dtype");
                if (!"F32".equals(dtype) && !(convert && DTYPE_BYTES.containsKey(dtype))) {
                    throw error(file, 8, what + ": dtype " + dtype + " is not supported (only " + (convert ? String.join(", ",
                            new java.util.TreeSet<>(DTYPE_BYTES.keySet())) : "F32") + ")");
                }
                int width = DTYPE_BYTES.get((String) dtype);
                int[] shape = shape(file, what, info.get("shape"));
                long[] off = offsets(file, what, info.get("data_offsets"));
                if (off[0] < 0 || off[0] > off[1] || off[1] > dataLen) {
                    throw error(file, dataStart + Math.max(0, off[0]), what + ": data_offsets [" + off[0] + ", " + off[1]
                            + "] outside the data area of " + dataLen + " bytes");
                }
                long need = width * Tensor.sizeOf(shape);
                if (off[1] - off[0] != need) {
                    throw error(file, dataStart + off[0], what + ": data_offsets [" + off[0] + ", " + off[1] + "] hold "
                            + (off[1] - off[0]) + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs " + need);
                }
                entries.add(new Entry(name, shape, off[0], off[1], (String) dtype));
            }
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
            long expect = 0;
            for (Entry en : sorted) {
                if (en.begin != expect) {
                    throw error(file, dataStart + Math.min(en.begin, expect), "tensor \"" + en.name + "\" starts at data offset "
                            + en.begin + ", expected " + expect + (en.begin < expect ? " (overlaps the previous tensor)" : " (gap)"));
                }
                expect = en.end;
            }
            if (expect != dataLen) {
                throw error(file, dataStart + expect, "tensors cover " + expect + " of the " + dataLen + " data bytes");
            }
            ByteBuffer data = ByteBuffer.allocate((int) dataLen).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, data, dataStart);
            data.flip();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry en : entries) {
                Tensor t = Tensor.zeros(en.shape);
                // Offsets need not be multiples of 4, so each tensor gets its own view from its byte offset.
                data.position((int) en.begin);
                ByteBuffer v = data.slice().order(ByteOrder.LITTLE_ENDIAN);
                if (en.dtype.equals("F32")) v.asFloatBuffer().get(t.data(), 0, t.size());
                else convert(en.dtype, v, t.data(), t.size());
                tensors.put(en.name, t);
            }
            return new Contents(tensors, metadata);
        }
    }

    private static void convert(String dtype, ByteBuffer v, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "F64" -> (float) v.getDouble(8 * i);
                case "F16" -> halfToFloat(v.getShort(2 * i));
                case "BF16" -> Float.intBitsToFloat((v.getShort(2 * i) & 0xffff) << 16);
                case "I64" -> (float) v.getLong(8 * i);
                case "I32" -> (float) v.getInt(4 * i);
                case "I16" -> v.getShort(2 * i);
                case "I8" -> v.get(i);
                case "U8", "BOOL" -> v.get(i) & 0xff;
                default -> throw new IllegalStateException(dtype);
            };
        }
    }

    /** IEEE 754 binary16 to float, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff, sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static int[] shape(Path file, String what, Object v) throws IOException {
        if (!(v instanceof List<?> l)) throw error(file, 8, what + ": shape is missing or not an array");
        int[] s = new int[l.size()];
        long total = 1;
        for (int i = 0; i < s.length; i++) {
            if (!(l.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw error(file, 8, what + ": shape " + l + " has a bad dimension " + l.get(i));
            }
            s[i] = (int) (long) d;
            total *= d;
            if (total > Integer.MAX_VALUE - 8) throw error(file, 8, what + ": shape " + l + " has too many elements");
        }
        return s;
    }

    private static long[] offsets(Path file, String what, Object v) throws IOException {
        if (!(v instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Long) || !(l.get(1) instanceof Long)) {
            throw error(file, 8, what + ": data_offsets must be [begin, end] integers, got " + v);
        }
        return new long[] {(Long) l.get(0), (Long) l.get(1)};
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) throw new IOException("unexpected end of file at offset " + pos);
            pos += r;
        }
    }

    private static IOException error(Path file, long offset, String problem) {
        return new IOException(file + ": offset " + offset + ": " + problem);
    }
}
