package ttl4j.engine.simd;

/**
 * What the engine needs to know about the Vector API before touching it: the module, the width
 * knob, and the class that builds the vector implementation. This class must not reference any
 * Vector API type: {@code Engine} loads it to decide whether the vector kernels can be loaded at all.
 */
public final class VectorSupport {
    private VectorSupport() {}

    /** The incubator module the vector kernels are written against. */
    public static final String MODULE = "jdk.incubator.vector";

    /**
     * System property forcing a vector width in bits: 0 (the scalar kernels), 128, 256 or 512 (at
     * most the CPU's widest). Unset, the CPU's preferred width. Lets tests run the 4- and 8-lane paths
     * on a machine whose native vectors are wider, as users' machines may be.
     */
    public static final String WIDTH_PROPERTY = "ttl4j.vectorBits";

    /**
     * System property forcing the vector register count the register tiles are sized for: 16 (x86
     * without AVX-512, where a 6 x 4-vector GEMM tile would spill) or 32. Unset, 16 on x86 CPUs whose
     * preferred vectors are narrower than 512 bits, else 32. Lets tests run the 16-register tiles on
     * an AVX-512 machine; it never changes results, only which tile computes them.
     */
    public static final String REGISTERS_PROPERTY = "ttl4j.vectorRegisters";

    /** The register count the property asks for: -1 when unset, else 16 or 32. */
    public static int requestedRegisters() {
        String v = System.getProperty(REGISTERS_PROPERTY);
        if (v == null || v.isBlank()) return -1;
        switch (v.trim()) {
            case "16": return 16;
            case "32": return 32;
            default:
                throw new IllegalArgumentException("system property " + REGISTERS_PROPERTY + "=" + v + ": expected 16 or 32");
        }
    }

    /** Builds the vector implementation; loaded reflectively so the scalar path never links against the module. */
    public static final String KERNELS_CLASS = "ttl4j.engine.simd.VectorKernels";

    /** The width the property asks for: -1 when unset (native), else 0, 128, 256 or 512. */
    public static int requestedBits() {
        String v = System.getProperty(WIDTH_PROPERTY);
        if (v == null || v.isBlank()) return -1;
        switch (v.trim()) {
            case "0": return 0;
            case "128": return 128;
            case "256": return 256;
            case "512": return 512;
            default:
                throw new IllegalArgumentException("system property " + WIDTH_PROPERTY + "=" + v
                        + ": expected 0 (scalar), 128, 256 or 512");
        }
    }

    /** Why the vector kernels are not in use when the module is missing, and what to do about it. */
    public static String missingModuleReason() {
        return "module " + MODULE + " is not resolved; run java with --add-modules=" + MODULE;
    }
}
