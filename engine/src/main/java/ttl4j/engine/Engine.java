package ttl4j.engine;

import ttl4j.engine.simd.VectorSupport;

/**
 * Chooses the kernel implementation once, at start-up: the Vector API one when the
 * Vector API module ({@link VectorSupport#MODULE}) is present and usable, otherwise the scalar one.
 * {@code -Dttl4j.scalar=true} forces scalar.
 */
public final class Engine {
    private Engine() {}

    private static final Kernels KERNELS;
    private static final String REASON;

    static {
        Kernels chosen = null;
        String reason;
        if (Boolean.getBoolean("ttl4j.scalar")) {
            reason = "scalar forced by -Dttl4j.scalar=true";
        } else if (ModuleLayer.boot().findModule(VectorSupport.MODULE).isEmpty()) {
            reason = VectorSupport.missingModuleReason();
        } else {
            try {
                chosen = (Kernels) Class.forName(VectorSupport.KERNELS_CLASS)
                        .getDeclaredConstructor().newInstance();
                reason = "Vector API";
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                reason = "Vector API unavailable (" + e + ")";
            }
        }
        KERNELS = chosen != null ? chosen : ScalarKernels.INSTANCE;
        REASON = reason;
    }

    /** The kernels in use. */
    public static Kernels kernels() {
        return KERNELS;
    }

    /** The scalar kernels (always available; the reference the vector ones are tested against). */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** Why {@link #kernels()} is what it is. */
    public static String reason() {
        return REASON;
    }

    /** True when the Vector API kernels are in use. */
    public static boolean isVectorized() {
        return !(KERNELS instanceof ScalarKernels);
    }
}
