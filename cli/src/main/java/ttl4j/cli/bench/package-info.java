/**
 * The benchmarks, one family per kernel: GEMM, mode-n product, Khatri-Rao (and Kronecker), thin SVD,
 * the Tucker layer's training step and a training epoch. Each family's {@code *Workload} class is the
 * benchmark itself: its shapes or cases, the fixed-seed inputs, the check that the variants agree
 * before anything is timed, and the timed bodies. Two drivers run it: the {@code ttl bench}
 * subcommand ({@code Bench*Command}, timed by {@code BenchHarness}: warm-up, repeated
 * runs, median) for a quick figure on any machine, and the JMH class of the same family in the
 * {@code bench/} module ({@code ttl4j.bench.*Benchmark}) for figures worth publishing.
 */
package ttl4j.cli.bench;
