package ttl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ttl} command line. */
@Command(name = "ttl",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "ttl4j: a pure-Java tensor engine with Vector API kernels, neural networks and the Tucker Tensor Layer.",
        subcommands = {InfoCommand.class, DataCommand.class, TrainCommand.class, EvalCommand.class, ReproduceCommand.class,
                ExplainCommand.class, CompressCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (verbose) e.printStackTrace(err);
            String msg = e.getMessage() != null ? e.getMessage() : e.toString();
            err.println("ttl: error: " + msg);
            err.flush();
            return e instanceof IllegalArgumentException || e instanceof UserError ? 2 : 1;
        });
        // A mistyped option or value: one line naming it, not the whole usage text.
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            if (verbose) e.printStackTrace(err);
            err.println("ttl: error: " + e.getMessage() + " (see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return 2;
        });
        return cl.execute(args);
    }

    /** An error the user caused (bad input, missing file): reported in one line, exit code 2. */
    public static final class UserError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UserError(String message) {
            super(message);
        }

        public UserError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Version string from the build. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // unknown version
        }
        return p.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ttl4j " + version()};
        }
    }
}
