/**
 * The Tucker Tensor Layer ({@link ttl4j.ttl.TuckerLayer}): a dense layer whose weight is kept and
 * trained as a Tucker tensor, with the factor gradients computed directly; its model-spec syntax
 * and the {@code ttl-mnist} preset ({@link ttl4j.ttl.TuckerSpecExtension}, found by {@code ModelSpec}
 * through a service hook), and parameter counts against the equivalent dense network
 * ({@link ttl4j.ttl.CompressionReport}).
 */
package ttl4j.ttl;
