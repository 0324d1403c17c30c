package ttl4j.data.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code .verified} file of a dataset folder: for each file that matched its SHA-256, the hash
 * and the file's name, size and modification time. Hashing costs more than reading the file, so a
 * load re-hashes a file only when it changed since it last matched.
 */
final class VerificationMarks {
    static final String FILE = ".verified";

    private VerificationMarks() {
    }

    /** True when {@code file} in {@code dir} matched {@code sha256} and has not changed since. */
    static boolean matches(Path dir, Path file, String sha256) {
        return sha256.equals(read(dir).get(stamp(file)));
    }

    /** Records that {@code file} in {@code dir} has content hash {@code sha256}, replacing its older marks. */
    static synchronized void record(Path dir, Path file, String sha256) throws IOException {
        Map<String, String> m = read(dir);
        String name = file.getFileName() + "\t";
        m.keySet().removeIf(k -> k.startsWith(name));
        m.put(stamp(file), sha256);
        write(dir, m);
    }

    /** Drops the marks of {@code file} (it failed a check): the next load hashes it again. */
    static synchronized void forget(Path dir, Path file) throws IOException {
        Map<String, String> m = read(dir);
        String name = file.getFileName() + "\t";
        if (m.keySet().removeIf(k -> k.startsWith(name))) write(dir, m);
    }

    private static void write(Path dir, Map<String, String> m) throws IOException {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        Path tmp = Files.createTempFile(dir, FILE, ".part");
        try {
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Installer.readableByAll(tmp);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Identifies a file's state: a mark is valid only while size and modification time are unchanged. */
    private static String stamp(Path p) {
        try {
            return p.getFileName() + "\t" + Files.size(p) + "\t" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return p.getFileName() + "\t?";
        }
    }

    private static Map<String, String> read(Path dir) {
        Map<String, String> m = new LinkedHashMap<>();
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) return m;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int t = line.lastIndexOf('\t');
                if (t > 0) m.put(line.substring(0, t), line.substring(t + 1));
            }
        } catch (IOException ignored) {
            // an unreadable mark only means re-hashing
        }
        return m;
    }
}
