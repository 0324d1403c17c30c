package ttl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
    @TempDir
    Path dir;

    @Test
    void listVerifyAndUserErrors() {
        String d = dir.toString();
        assertEquals(0, Main.run("data", "list", "--data-dir", d));
        assertEquals(0, Main.run("data", "verify", "--data-dir", d), "nothing present: nothing to fail");
        assertEquals(2, Main.run("data", "verify", "mnist", "--data-dir", d), "a missing file fails verification");
        assertEquals(2, Main.run("data", "fetch", "nope", "--data-dir", d));
        assertEquals(2, Main.run("data", "fetch", "cifar10", "--data-dir", d, "--mirror", "cifar10=http://127.0.0.1:1/"));
        assertEquals(2, Main.run("data", "fetch", "mnist", "--data-dir", d, "--mirror", "nope=http://127.0.0.1:1/"));
    }
}
