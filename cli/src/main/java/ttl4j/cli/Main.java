package ttl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ttl4j.cli.bench.BenchCommand;
import ttl4j.data.DataFormatException;
import ttl4j.data.DataStoreException;
import ttl4j.nn.DivergenceException;
import ttl4j.nn.SpecException;

/** The {@code ttl} command line. */
@Command(name = "ttl",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "ttl4j: a pure-Java tensor engine with Vector API kernels, neural networks and the Tucker Tensor Layer.",
        subcommands = {InfoCommand.class, DataCommand.class, TrainCommand.class, EvalCommand.class, ReproduceCommand.class,
                ExplainCommand.class, CompressCommand.class, SweepCommand.class, PredictCommand.class, BenchCommand.class,
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
        return execute(new CommandLine(new Main()), args);
    }

    /**
     * Runs {@code args} on {@code cl} with ttl's error reporting: a user's mistake is one line and exit
     * code 2, anything else is a bug, reported as one line naming the exception, exit code 1;
     * {@code --verbose} adds the stack trace to either.
     */
    static int execute(CommandLine cl, String... args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (verbose) e.printStackTrace(err);
            boolean user = isUserError(e);
            if (user) {
                err.println("ttl: error: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
            } else {
                err.println("ttl: internal error: " + oneLine(e.toString()) + (verbose ? "" : " (a bug in ttl4j; --verbose prints the stack trace)"));
            }
            err.flush();
            return user ? 2 : 1;
        });
        // A mistyped option or value: one line naming it, not the whole usage text.
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            if (verbose) e.printStackTrace(err);
            err.println("ttl: error: " + oneLine(e.getMessage()) + " (see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return 2;
        });
        PrintWriter err = cl.getErr();
        String bad = badEngineProperty();
        if (bad != null) {
            err.println("ttl: error: " + bad);
            err.flush();
            return 2;
        }
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            if (verbose) e.printStackTrace(err);
            err.println("ttl: error: " + outOfMemory(e));
            err.flush();
            return 2;
        } catch (ExceptionInInitializerError e) {
            // the engine refused a setting when it first ran (a vector width this CPU cannot run)
            if (!(e.getCause() instanceof IllegalArgumentException bad2)) throw e;
            if (verbose) e.printStackTrace(err);
            err.println("ttl: error: " + oneLine(bad2.getMessage()));
            err.flush();
            return 2;
        }
    }

    /** The one line for a run that did not fit the Java heap: how big the heap is and how to raise it. */
    static String outOfMemory(OutOfMemoryError e) {
        long max = Runtime.getRuntime().maxMemory();
        return "out of memory (" + oneLine(String.valueOf(e.getMessage())) + "): the Java heap of "
                + (max == Long.MAX_VALUE ? "unlimited size" : max / (1024 * 1024) + " MiB")
                + " is too small for this model, batch size or dataset; use a smaller one, or raise the heap, e.g. "
                + "TTL4J_JAVA_OPTS=-Xmx8g";
    }

    /**
     * {@code s} with control characters escaped ({@code \n}, {@code \t}, {@code \x00}...), so an
     * error stays one readable line whatever a file name or a file's bytes put in it.
     */
    static String oneLine(String s) {
        if (s == null) return "null";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (!control) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * The first engine setting ({@code -Dttl4j.threads}, {@code -Dttl4j.vectorBits}, the tuning
     * constants {@code -Dttl4j.<name>}) whose value is malformed, described in one line, or null. Read
     * here, before any command runs, so a bad value is a user's mistake reported as one, not an
     * initialisation failure deep inside a kernel.
     */
    static String badEngineProperty() {
        try {
            ttl4j.engine.simd.VectorSupport.requestedBits();
            ttl4j.engine.Parallel.threads();
            return ttl4j.engine.Tuning.GEMM_KC > 0 ? null : "ttl4j.gemm.kc must be positive";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalArgumentException iae) return iae.getMessage();
            throw e;
        }
    }

    /**
     * Whether an exception that ended a command is the user's doing rather than a bug: a {@link UserError}
     * (what the commands throw for bad option values and the like), a model spec that does not parse
     * ({@link SpecException}), training that diverged with the chosen settings ({@link DivergenceException}),
     * or a file that is missing, unreadable, unwritable or malformed ({@link IOException}, which includes
     * the data module's {@link DataFormatException} and {@link DataStoreException} and the checkpoint
     * reader's format errors).
     */
    static boolean isUserError(Throwable e) {
        return e instanceof UserError || e instanceof SpecException || e instanceof DivergenceException
                || e instanceof IOException || e instanceof UncheckedIOException;
    }

    /**
     * An error the user caused (a bad option value, a missing file, an unknown dataset): reported in one
     * line, exit code 2. Commands throw it for every mistake they detect; an exception of any other kind
     * not listed in {@link #isUserError} is treated as a bug.
     */
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
