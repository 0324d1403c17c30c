/**
 * 2-D convolutions: {@link ttl4j.engine.conv.Convolutions} (the three passes of a layer, the algorithm chosen per
 * shape), {@link ttl4j.engine.conv.ConvShape}, the seven-loop definition ({@code ScalarConv}), direct convolution as
 * an implicit GEMM ({@code DirectConv}) and Winograd ({@code WinogradConv}).
 */
package ttl4j.engine.conv;
