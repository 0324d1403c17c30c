package ttl4j.engine.simd;

import ttl4j.engine.KernelSupport;

/** Builds the Vector API implementation of every kernel family, at the width {@link Species} chose. */
public final class VectorKernels {
    private VectorKernels() {}

    /** Called reflectively by the engine once the Vector API module is known to be present. */
    public static KernelSupport.Implementation create() {
        String name = "vector (" + Species.F.vectorBitSize() + "-bit, " + Species.VL + " floats), GEMM tile " + VectorGemm.tileName();
        return new KernelSupport.Implementation(name, Species.VL, VectorGemm.INSTANCE, VectorModeProduct.INSTANCE,
                VectorContraction.INSTANCE, VectorOps.INSTANCE, VectorReductions.INSTANCE);
    }
}
