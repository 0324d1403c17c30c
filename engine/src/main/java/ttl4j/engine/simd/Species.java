package ttl4j.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place the vector width is chosen: the CPU's preferred float species, or the narrower one
 * {@link VectorSupport#WIDTH_PROPERTY} asks for. Every vector kernel takes its species and lane
 * count from here, and register tiles are sized in vectors of it.
 */
final class Species {
    private Species() {}

    /** The float species of every vector kernel. */
    static final VectorSpecies<Float> F = choose();
    /** Floats per vector. */
    static final int VL = F.length();
    /**
     * Vector registers the register tiles may fill: 32 with AVX-512 (and on other architectures'
     * vector units), 16 on x86 CPUs without it (AVX2, SSE), or what {@link VectorSupport#REGISTERS_PROPERTY}
     * asks for. Decided by the CPU, not by the width in use: 256-bit vectors forced on an AVX-512
     * CPU still have 32 registers.
     */
    static final int REGISTERS = registers();
    /** Ints with as many lanes (masks, indices). */
    static final VectorSpecies<Integer> I = F.withLanes(int.class);

    private static VectorSpecies<Float> choose() {
        int bits = VectorSupport.requestedBits();
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits <= 0) return preferred;
        if (bits > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("system property " + VectorSupport.WIDTH_PROPERTY + "=" + bits
                    + ": this CPU's widest vectors are " + preferred.vectorBitSize() + " bits");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static int registers() {
        int forced = VectorSupport.requestedRegisters();
        if (forced > 0) return forced;
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.equals("i386");
        return x86 && FloatVector.SPECIES_PREFERRED.vectorBitSize() < 512 ? 16 : 32;
    }

    /** A species of {@code e} with as many lanes as {@link #F}, or null when no vector shape holds that few bits. */
    static <E> VectorSpecies<E> sameLanes(Class<E> e, int elementBits) {
        int bits = VL * elementBits;
        return bits >= 64 ? VectorSpecies.of(e, VectorShape.forBitSize(bits)) : null;
    }
}
