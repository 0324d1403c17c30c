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

    /** A species of {@code e} with as many lanes as {@link #F}, or null when no vector shape holds that few bits. */
    static <E> VectorSpecies<E> sameLanes(Class<E> e, int elementBits) {
        int bits = VL * elementBits;
        return bits >= 64 ? VectorSpecies.of(e, VectorShape.forBitSize(bits)) : null;
    }
}
