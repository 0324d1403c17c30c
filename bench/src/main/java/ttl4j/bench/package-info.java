/** JMH benchmarks of the engine's kernels and of the layers. */
package ttl4j.bench;
