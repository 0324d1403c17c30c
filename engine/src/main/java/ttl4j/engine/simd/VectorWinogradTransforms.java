package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import ttl4j.engine.conv.WinogradTransforms;

/**
 * The Winograd transforms across tiles (see {@link WinogradTransforms}): each vector holds one
 * transform coefficient of {@link Species#VL} adjacent tiles, so a transform is a few broadcasts
 * and FMAs per vector and no shuffles. Loaded reflectively by the convolution code when the vector
 * kernels are in use. Same bits as the scalar twin: the same fma chain per element, tail in scalar.
 */
public final class VectorWinogradTransforms implements WinogradTransforms {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int VL = Species.VL;

    public VectorWinogradTransforms() {}

    @Override
    public void combine(int rowsOut, int rowsIn, float[] mat, float[] src, int sOff, int sStride, float[] dst, int dOff,
                        int dStride, int n) {
        int bound2 = n - n % (2 * VL), bound = F.loopBound(n);
        for (int r = 0; r < rowsOut; r++) {
            int d = dOff + r * dStride, m0 = r * rowsIn;
            int j = 0;
            // two vectors per step: independent FMA chains hide the latency of the short sums
            for (; j < bound2; j += 2 * VL) {
                FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
                for (int i = 0; i < rowsIn; i++) {
                    float c = mat[m0 + i];
                    if (c == 0f) continue;
                    int s = sOff + i * sStride + j;
                    FloatVector cv = FloatVector.broadcast(F, c);
                    a0 = cv.fma(FloatVector.fromArray(F, src, s), a0);
                    a1 = cv.fma(FloatVector.fromArray(F, src, s + VL), a1);
                }
                a0.intoArray(dst, d + j);
                a1.intoArray(dst, d + j + VL);
            }
            for (; j < bound; j += VL) {
                FloatVector a0 = FloatVector.zero(F);
                for (int i = 0; i < rowsIn; i++) {
                    float c = mat[m0 + i];
                    if (c == 0f) continue;
                    a0 = FloatVector.broadcast(F, c).fma(FloatVector.fromArray(F, src, sOff + i * sStride + j), a0);
                }
                a0.intoArray(dst, d + j);
            }
            for (; j < n; j++) {
                float acc = 0f;
                for (int i = 0; i < rowsIn; i++) {
                    float c = mat[m0 + i];
                    if (c != 0f) acc = Math.fma(c, src[sOff + i * sStride + j], acc);
                }
                dst[d + j] = acc;
            }
        }
    }

    @Override
    public String name() {
        return "vector (" + VL + " floats)";
    }
}
