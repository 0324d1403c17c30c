package org.nd4j.nativeblas;

/**
 * Work-around for DL4J 1.0.0-M2.1's oneDNN layer helpers. Their availability check
 * ({@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled}) looks up, by reflection,
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}: the class and method of
 * ND4J before the move of its bindings to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and the
 * rename to {@code isUseONEDNN}. The lookup fails, the helpers report themselves unsupported, and every
 * convolution, batch norm and pooling layer runs DL4J's built-in (im2col) code even on a oneDNN build.
 * This class answers that lookup with the native library's real flag; it changes nothing else.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** Stands in for the old binding class; its one answer is the current native flag. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
