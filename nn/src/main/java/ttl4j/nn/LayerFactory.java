package ttl4j.nn;

import java.util.SplittableRandom;

/** Builds one layer of a model spec; registered by name with {@link ModelSpec#register}. */
@FunctionalInterface
public interface LayerFactory {

    /**
     * @param args the arguments written between the parentheses
     * @param ctx  per-sample input shape, a generator for initialisation (split off the model seed,
     *             one per layer) and the name of the following layer (null for the last)
     */
    Layer create(LayerArgs args, Context ctx);

    record Context(int[] inputShape, SplittableRandom random, String nextLayer) {}
}
