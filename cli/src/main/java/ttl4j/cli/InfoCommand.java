package ttl4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import ttl4j.engine.Engine;
import ttl4j.engine.Parallel;

/** {@code ttl info}: the JDK, the kernels in use and why, threads, version. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the JDK, the SIMD kernels in use (or why the scalar fallback is active), the thread count and the version.")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Override
    public Integer call() {
        Runtime rt = Runtime.getRuntime();
        System.out.printf("ttl4j     %s%n", Main.version());
        System.out.printf("java      %s (%s, %s)%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.vendor"));
        System.out.printf("os        %s %s, %d cores, max heap %d MiB%n", System.getProperty("os.name"),
                System.getProperty("os.arch"), rt.availableProcessors(), rt.maxMemory() >> 20);
        System.out.printf("kernels   %s%n", Engine.kernels().name());
        System.out.printf("why       %s%n", Engine.reason());
        System.out.printf("threads   %d%n", Parallel.threads());
        return 0;
    }
}
