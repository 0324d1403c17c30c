package ttl4j.nn;

/**
 * A module that adds layers (and presets) to the model-spec language. Implementations are found
 * with {@link java.util.ServiceLoader} when {@link ModelSpec} is first used, so a layer module on
 * the class path is usable in specs (and checkpoints) without any explicit set-up call.
 * An implementation must be public with a public no-argument constructor and be listed in
 * {@code META-INF/services/ttl4j.nn.SpecExtension}; {@link #register} must be idempotent.
 */
public interface SpecExtension {

    /** Calls {@link ModelSpec#register} and {@link ModelSpec#registerPreset} for this module's layers. */
    void register();
}
