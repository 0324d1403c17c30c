package ttl4j.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An {@code --out} that names a file, or a directory to write the command's usual file name into. */
final class OutFile {
    private OutFile() {}

    /** For help texts: when an {@code --out} value is a directory. */
    static final String DIR_RULE = "a directory (one that exists, or any path ending with /) to write "
            + TrainingRun.MODEL + " in";

    /**
     * {@code value} itself, or {@code value/name} when it is an existing directory or ends with a
     * separator (a directory to be created).
     */
    static Path resolve(String value, String name) {
        Path p = Path.of(value);
        boolean dir = value.endsWith("/") || value.endsWith(File.separator) || Files.isDirectory(p);
        return dir ? p.resolve(name) : p;
    }

    /** Creates the directories {@code file} goes in. */
    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }
}
