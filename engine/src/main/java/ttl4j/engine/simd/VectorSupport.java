package ttl4j.engine.simd;

/**
 * What the engine needs to know about the Vector API before touching it. This class must not
 * reference any Vector API type: {@code Engine} loads it to decide whether the vector kernels can be
 * loaded at all.
 */
public final class VectorSupport {
    private VectorSupport() {}

    /** The incubator module the vector kernels are written against. */
    public static final String MODULE = "jdk.incubator.vector";

    /** The kernels' class, loaded reflectively so the scalar path never links against the module. */
    public static final String KERNELS_CLASS = "ttl4j.engine.simd.VectorKernels";

    /** Why the vector kernels are not in use when the module is missing, and what to do about it. */
    public static String missingModuleReason() {
        return "module " + MODULE + " is not resolved; run java with --add-modules=" + MODULE;
    }
}
