/**
 * Dense linear algebra for the decompositions: Householder {@link ttl4j.engine.linalg.QR}, the
 * thin {@link ttl4j.engine.linalg.Svd} and the symmetric eigendecomposition
 * {@link ttl4j.engine.linalg.SymmetricEigen}. Inputs and outputs are row-major float tensors;
 * the work is done in double (each class says where and why).
 */
package ttl4j.engine.linalg;
