/**
 * Tensor decompositions: truncated HOSVD, sequentially truncated HOSVD and HOOI
 * ({@link ttl4j.ttl.decomp.Tucker}, giving a {@link ttl4j.ttl.decomp.TuckerDecomposition}), CP-ALS
 * ({@link ttl4j.ttl.decomp.CpAls}, giving a {@link ttl4j.ttl.decomp.CpDecomposition}), and rank
 * selection ({@link ttl4j.ttl.decomp.RankSpec}). Modes are 0-based and tensors row-major, with the
 * conventions of {@link ttl4j.engine.algebra.ModeProducts}.
 */
package ttl4j.ttl.decomp;
