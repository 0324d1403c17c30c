package ttl4j.engine;

import ttl4j.engine.simd.VectorSupport;

/**
 * Chooses the kernel implementation once, at start-up: the Vector API one when the Vector API
 * module ({@link VectorSupport#MODULE}) is present and usable, otherwise the scalar one.
 * {@code -Dttl4j.vectorBits=0|128|256|512} forces a width (0 = scalar); a value the CPU cannot run
 * is refused rather than silently replaced.
 */
public final class Engine {
    private Engine() {}

    private static final Kernels SCALAR = new Kernels(KernelSupport.Implementation.scalar());
    private static final Kernels KERNELS;
    private static final String REASON;

    static {
        Kernels chosen = null;
        String reason;
        int bits = VectorSupport.requestedBits();
        if (bits == 0) {
            reason = "scalar forced by -D" + VectorSupport.WIDTH_PROPERTY + "=0";
        } else if (ModuleLayer.boot().findModule(VectorSupport.MODULE).isEmpty()) {
            reason = VectorSupport.missingModuleReason();
        } else {
            try {
                chosen = new Kernels((KernelSupport.Implementation) Class.forName(VectorSupport.KERNELS_CLASS)
                        .getDeclaredMethod("create").invoke(null));
                reason = bits > 0 ? "Vector API, " + bits + "-bit forced by -D" + VectorSupport.WIDTH_PROPERTY : "Vector API";
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof IllegalArgumentException bad) throw bad; // a width this CPU cannot run
                reason = "Vector API unavailable (" + e.getCause() + ")";
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                reason = "Vector API unavailable (" + e + ")";
            }
        }
        KERNELS = chosen != null ? chosen : SCALAR;
        REASON = reason;
    }

    /** The kernels in use. */
    public static Kernels kernels() {
        return KERNELS;
    }

    /** The scalar kernels (always available; the reference the vector ones are tested against). */
    public static Kernels scalar() {
        return SCALAR;
    }

    /** Why {@link #kernels()} is what it is. */
    public static String reason() {
        return REASON;
    }

    /** True when the Vector API kernels are in use. */
    public static boolean isVectorized() {
        return KERNELS != SCALAR;
    }
}
